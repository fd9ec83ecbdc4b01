#pragma once
// Key phrases and titles. A key phrase is a noun phrase said in the transcript: consecutive
// nouns and adjectives (by WordNet, read in context) ending in a noun, at most 4 of them, or two
// such phrases joined by "of" or "for" ("state of the building", "budget for the new project"). Its score
// adds up the weights of its words (how often each stem is said as part of a noun phrase, more when several
// speakers say it, less for words WordNet's texts use everywhere, such as "team" or "plan") and grows with
// the square root of how often the phrase itself is said (RAKE-style scoring over TextRank's
// candidates). Titles are the best key phrases that are well-formed (TitleShapeProblem).

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "llm/extractive/lexicon.hpp"
#include "llm/extractive/sentences.hpp"
#include "llm/extractive/term_cache.hpp"

namespace reflector::llm {

inline constexpr std::size_t kMinTitleWords = 2;
inline constexpr std::size_t kMaxNounPhraseTitleWords = 6;

struct KeyPhrase {
  std::string text;                // lower case, as first said ("crash reports")
  std::vector<std::string> stems;  // of its content words, in order
  std::size_t words = 0;           // words in `text`
  std::size_t count = 0;           // times said
  std::size_t first_sentence = 0;  // index of the sentence it was first said in
  double score = 0;
  bool declared = false;  // named right after an agenda cue in the opening ("let us talk about X")
};

struct KeyPhrases {
  std::vector<KeyPhrase> phrases;                            // best first; ties: said earlier first
  std::unordered_map<std::string, double> stem_weights;      // weight of each stem said in a phrase
  std::unordered_map<std::string, std::size_t> stem_counts;  // times each stem was said in a phrase
};

// The key phrases of `sentences`.
KeyPhrases FindKeyPhrases(std::span<const Sentence> sentences, TermCache& cache);

// Title case: every word capitalised except the minor words (a, an, and, at, but, by, for,
// from, in, nor, of, on, or, per, the, to, with) after the first; the rest of a word lower case.
std::string TitleCase(std::string_view phrase);

// nullopt when `title` is a well-formed noun-phrase title, otherwise what is wrong with it:
//  - 2 to 6 words;
//  - title case (TitleCase(title) == title, an all-capital word of up to 5 letters allowed);
//  - no minor word first or last;
//  - the last word is a noun in WordNet (inflected forms included), an acronym, or a gerund (the
//    -ing form of a verb: "Hiring");
//  - every other word is a minor word or such a noun or an adjective in WordNet, so there is no
//    verb-only word (nor an adverb, pronoun or unknown word);
//  - no word repeated (compared in lower case).
std::optional<std::string> TitleShapeProblem(std::string_view title, const Lexicon& lexicon);

// The best well-formed title among `phrases` (title-cased): a subject announced in the opening;
// else the best phrase around one of the three heaviest stems (a phrase said once counts 0.6);
// else the best phrase; else "A and B" or "A Discussion" from the two best single nouns. "" when
// nothing is well-formed.
std::string BestTitle(const KeyPhrases& phrases, const Lexicon& lexicon);

}  // namespace reflector::llm
