#pragma once
// What the extractive backend needs to know about each distinct term of a call: its stem, its
// word class in WordNet and whether it is a stopword or a filler. Looked up once per distinct
// term (the stemmer and the lexicon cost a few hash lookups each) and kept for the call.
// Not thread-safe: one per call.

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "llm/extractive/lexicon.hpp"
#include "llm/stemmer.hpp"

namespace reflector::llm {

struct TermInfo {
  std::string stem;       // Snowball English stem of the term
  WordClass word_class;   // from the lexicon (empty for words WordNet does not know)
  bool stopword = false;  // IsStopword (terms.hpp), or shorter than 3 code points
  bool filler = false;    // IsFiller (terms.hpp)
};

class TermCache {
 public:
  TermCache(const Lexicon& lexicon, Stemmer stemmer) : lexicon_(&lexicon), stemmer_(std::move(stemmer)) {}

  // `term` must be normalised (NormalizeTerm). The reference stays valid for the cache's life.
  const TermInfo& Get(std::string_view term);

  const Lexicon& lexicon() const { return *lexicon_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  const Lexicon* lexicon_;
  Stemmer stemmer_;
  std::unordered_map<std::string, std::unique_ptr<TermInfo>, Hash, std::equal_to<>> terms_;
};

}  // namespace reflector::llm
