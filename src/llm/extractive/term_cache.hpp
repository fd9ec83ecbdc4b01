#pragma once
// What the extractive backend needs to know about each distinct term: its stem, its word class
// in WordNet and whether it is a stopword or a filler. Working that out costs a stemmer call and
// a few dozen lexicon lookups (WordNet's suffix rules per part of speech), so it is done once per
// distinct term: a TermCache keeps the answers for one call, and a TermInfoStore shares them
// between the calls of one summariser (every answer depends on the term alone).

#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "llm/extractive/lexicon.hpp"
#include "llm/stemmer.hpp"

namespace reflector::llm {

struct TermInfo {
  std::string stem;       // Snowball English stem of the term
  WordClass word_class;   // from the lexicon (empty for words WordNet does not know)
  bool stopword = false;  // IsStopword (terms.hpp), or shorter than 3 code points
  bool filler = false;    // IsFiller (terms.hpp)
};

struct TermHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// Term answers shared by the calls of one summariser. Thread-safe. Holds at most kMaxTerms terms
// (a few MB); later terms are not kept.
class TermInfoStore {
 public:
  static constexpr std::size_t kMaxTerms = 50000;

  std::shared_ptr<const TermInfo> Find(std::string_view term) const;
  void Insert(std::string_view term, const std::shared_ptr<const TermInfo>& info);

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const TermInfo>, TermHash, std::equal_to<>> infos_;
};

// The answers for one call. Not thread-safe: one per call.
class TermCache {
 public:
  // `store` (may be null) is asked before working an answer out, and told the new ones.
  TermCache(const Lexicon& lexicon, Stemmer stemmer, TermInfoStore* store = nullptr)
      : lexicon_(&lexicon), stemmer_(std::move(stemmer)), store_(store) {}

  // `term` must be normalised (NormalizeTerm). The reference stays valid for the cache's life.
  const TermInfo& Get(std::string_view term);

  const Lexicon& lexicon() const { return *lexicon_; }

 private:
  const Lexicon* lexicon_;
  Stemmer stemmer_;
  TermInfoStore* store_;
  std::unordered_map<std::string, std::shared_ptr<const TermInfo>, TermHash, std::equal_to<>> terms_;
};

}  // namespace reflector::llm
