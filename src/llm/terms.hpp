#pragma once
// Terms: the normalised form of a recognised word, and the word lists every backend and the
// topic splitter share (English function words, spoken fillers, words too generic to name a
// subject). Thread-safe.

#include <string>
#include <string_view>

namespace reflector::llm {

// Writes the term of `token` into `out` (replacing its contents): ASCII letters lower-cased,
// leading and trailing ASCII punctuation removed; other bytes (UTF-8) kept as they are.
// Recogniser markers such as "<sil>" or "[noise]" give "".
void NormalizeTerm(std::string_view token, std::string& out);
std::string NormalizedTerm(std::string_view token);

// True for the built-in English function words, conversational fillers and vague verbs ("the",
// "yeah", "okay", "gonna", "think"), and words too generic to name a subject ("meeting", "time",
// "week", weekdays and months, numbers up to ten). `term` must be normalised.
bool IsStopword(std::string_view term);

// True for hesitations ("um", "uh", "hmm", ...) that a cleaned sentence leaves out.
bool IsFiller(std::string_view term);

// A normalised term worth counting: at least 3 code points, at least one letter (or non-ASCII
// character), and not a stopword.
bool IsContentTerm(std::string_view term);

}  // namespace reflector::llm
