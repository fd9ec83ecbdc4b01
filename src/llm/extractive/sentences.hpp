#pragma once
// Sentences of a recognised transcript, cleaned for quoting, and the decisions and actions
// stated in them. Recognisers give lower-case words without punctuation, so a sentence is what
// one speaker says between pauses (kSentencePauseSeconds, text.hpp); it is cleaned of hesitations ("um"),
// stuttered repeats ("the the") and recogniser markers, and rendered with a capital letter and a
// full stop. Not thread-safe (the TermCache is per call).

#include <cstddef>
#include <optional>
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

// Whether the sentence reads as one when quoted: 4 to 22 terms, a finite verb, no dangling last
// word ("the", "and", "to", ...), and at least a quarter content words.
bool ReadsAsSentence(std::span<const std::string> terms, TermCache& cache);

enum class StatementKind { kDecision, kAction };

// A decision ("so we ship the beta on friday") or an action someone takes on ("i will send the
// offer"), as a clause to put in a summary: "we ship the beta on Friday", "Ben will send the
// offer" (first person replaced by the speaker's name).
struct Statement {
  StatementKind kind = StatementKind::kDecision;
  std::string text;
  std::vector<std::string> terms;  // the clause's terms, for comparing statements
};

// The decision or action stated by `sentence`, if any. Decisions: "we decided / agreed to ...",
// "the decision is ...", "so|then we [can|should] <verb> ...", "we will <verb> ...", "let us
// <verb> ..." (not talk about the meeting itself: "let us start"), "so|then <noun phrase>
// goes|moves|waits|... ..." ("so the price goes up"), "<noun phrase> is on ..." after so|then,
// and short instructions starting with a verb ("take the cheaper quote").
// "i think / propose we ..." counts as "so we ...". Actions: "i will <verb> ...", "i'll <verb> ...".
std::optional<Statement> FindStatement(const Sentence& sentence, const SpeakerNames& names, TermCache& cache);

// FindStatement for every sentence (nullopt where there is none), and recaps: after "to sum
// up", "let me repeat the plan", "to summarise", "to recap" or "let us decide (it now)", what the
// same speaker says next
// (the rest of that sentence, else up to two more sentences of the turn) is a decision.
std::vector<std::optional<Statement>> FindStatements(std::span<const Sentence> sentences,
                                                     const SpeakerNames& names, TermCache& cache);

}  // namespace reflector::llm
