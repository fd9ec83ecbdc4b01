#pragma once
// What WordNet knows about English words: whether a word can be a noun, a verb, an adjective or
// an adverb, in any inflected form ("engineers", "went", "cheaper"), and how often each reading
// occurred in WordNet's sense-tagged texts. The extractive summariser uses it to keep verbs out
// of titles and to find noun phrases; the benchmark uses it to check that titles are noun phrases.
//
// Read from the Debian package wordnet-base (WordNet 3.0): index.{noun,verb,adj,adv} (only the
// lemma column of single-word lemmas), the exception lists {noun,verb,adj}.exc and cntlist.rev.
// About 80,000 words, 7 MB of memory; loading takes about 0.1 s. A loaded Lexicon is immutable
// and safe to share between threads.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.hpp"

namespace reflector::llm {

enum class PartOfSpeech : std::uint8_t { kNoun = 1, kVerb = 2, kAdjective = 4, kAdverb = 8 };

// What the lexicon says about one word.
struct WordClass {
  std::uint8_t parts = 0;            // PartOfSpeech bits; 0 for a word WordNet does not know
  std::uint32_t noun_uses = 0;       // tagged occurrences of its noun senses (cntlist.rev)
  std::uint32_t verb_uses = 0;       // ... of its verb senses
  std::uint32_t adjective_uses = 0;  // ... of its adjective senses (satellites included)

  bool Is(PartOfSpeech part) const { return (parts & static_cast<std::uint8_t>(part)) != 0; }
  bool Known() const { return parts != 0; }
  // A verb that is neither a noun nor an adjective ("decide", "went").
  bool OnlyVerb() const {
    return Is(PartOfSpeech::kVerb) && !Is(PartOfSpeech::kNoun) && !Is(PartOfSpeech::kAdjective);
  }
  // A word read as a verb more often than as a noun or adjective ("need", "keep", "launch").
  bool MostlyVerb() const {
    return Is(PartOfSpeech::kVerb) && (OnlyVerb() || verb_uses > 2 * (noun_uses + adjective_uses) + 2);
  }
};

class Lexicon {
 public:
  // The Debian package that installs the files, named in the error when one is missing.
  static constexpr std::string_view kPackage = "wordnet-base";

  // Reads the files from `dir` (usually /usr/share/wordnet). A missing or unreadable file gives
  // kNotFound naming the file and the package to install.
  static Result<Lexicon> Load(const std::filesystem::path& dir);

  // `word` in lower case. Inflected forms are reduced to their lemmas with WordNet's rules
  // (morphy: exception lists, then suffix rules per part of speech); unknown words give an empty
  // class. A few words newer than WordNet 3.0 ("app", "login", "offsite") are known as nouns.
  WordClass Classify(std::string_view word) const;

  // Whether `word` itself (not an inflected form) is a verb lemma: "ship", not "shipped".
  bool IsVerbLemma(std::string_view word) const;

  std::size_t size() const { return lemmas_.size(); }

 private:
  struct Entry {
    std::uint8_t parts = 0;
    std::uint32_t uses[3] = {0, 0, 0};  // noun, verb, adjective
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  using Map = std::unordered_map<std::string, Entry, Hash, std::equal_to<>>;
  using Exceptions = std::unordered_map<std::string, std::string, Hash, std::equal_to<>>;

  Status ReadIndexes(const std::filesystem::path& dir);
  Status ReadExceptions(const std::filesystem::path& dir);
  Status ReadTagCounts(const std::filesystem::path& dir);
  const Entry* Find(std::string_view lemma) const;
  const Entry* FindAs(std::string_view word, PartOfSpeech part) const;

  Map lemmas_;
  Exceptions exceptions_[3];  // noun, verb, adjective: inflected form -> lemma
};

// One Lexicon per directory for the whole process, loaded by the first caller (others wait) and
// then shared. A failed load is not remembered: the next call tries again.
Result<std::shared_ptr<const Lexicon>> SharedLexicon(const std::filesystem::path& dir);

}  // namespace reflector::llm
