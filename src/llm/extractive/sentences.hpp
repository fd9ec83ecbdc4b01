#pragma once
// Sentences of a recognised transcript, cleaned for quoting (statements.hpp finds the decisions
// and actions stated in them). Recognisers give lower-case words without punctuation, so a
// sentence is what one speaker says between pauses (kSentencePauseSeconds, text.hpp); it is
// cleaned of hesitations ("um"), stuttered repeats ("the the"), recogniser markers and split
// compounds, and rendered with a capital letter. Not thread-safe (the TermCache is per call).

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "llm/extractive/term_cache.hpp"
#include "llm/summarizer.hpp"

namespace reflector::llm {

// A longer stretch without a pause is cut into pieces of at most this many words.
inline constexpr std::size_t kMaxSentenceWords = 40;

struct Sentence {
  int speaker = 0;
  std::size_t first_word = 0;      // index of its first word in the input
  std::size_t word_count = 0;      // input words it covers
  std::vector<std::string> terms;  // cleaned, normalised terms in spoken order
};

// The sentences of `words` (in timeline order), each with at least one term after cleaning.
std::vector<Sentence> SplitSentences(std::span<const Word> words, TermCache& cache);

// `terms` as written text: first letter upper case, "i" as "I", weekdays, months and the
// speakers' names capitalised, joined with spaces, without a final full stop.
std::string RenderTerms(std::span<const std::string> terms, const SpeakerNames& names);

// `terms` without the discourse markers they start with ("and", "so", "okay", "well", ...): what
// is quoted of a sentence.
std::span<const std::string> QuotableTerms(std::span<const std::string> terms);

// Whether the quotable terms read as a sentence: 4 to 22 terms, not opening with a subordinating
// conjunction ("if", "when", "because": a clause without its main clause), a finite verb, no dangling last
// word ("the", "and", "to", ...), and at least a quarter content words.
bool ReadsAsSentence(std::span<const std::string> terms, TermCache& cache);

}  // namespace reflector::llm
