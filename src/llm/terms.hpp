#pragma once
// Term statistics behind the extractive backend: which tokens are content words, and how
// salient each one is within a piece of the transcript.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace reflector::llm {

// Writes the term of `token` into `out` (replacing its contents): ASCII letters lower-cased,
// leading and trailing ASCII punctuation removed; other bytes (UTF-8) kept as they are.
// Recogniser markers such as "<sil>" or "[noise]" give "".
void NormalizeTerm(std::string_view token, std::string& out);

// True for the built-in English stopwords and conversational fillers ("the", "yeah", "okay",
// "meeting", ...). `term` must be normalised.
bool IsStopword(std::string_view term);

// A normalised term worth counting: at least 3 code points, at least one letter (or non-ASCII
// character), and not a stopword.
bool IsContentTerm(std::string_view term);

struct TermStats {
  std::string term;
  std::uint64_t count = 0;
  std::uint64_t speakers = 0;      // bit (speaker mod 64) set for each speaker who said it
  std::size_t first_position = 0;  // position given to the first Add of the term

  int SpeakerCount() const;
  // count × (distinct speakers + 1): frequency, boosted for words several speakers repeat
  // (twice count × (1 + (speakers − 1) / 2), kept integral so ties are exact).
  std::uint64_t Weight() const { return count * static_cast<std::uint64_t>(SpeakerCount() + 1); }
};

// Counts content terms. Allocates once per distinct term, not per token.
class TermTable {
 public:
  static constexpr std::size_t kNoTerm = std::numeric_limits<std::size_t>::max();

  // Counts `token` said by `speaker` at `position`; returns the index of its term in terms(), or
  // kNoTerm when it is not a content word.
  std::size_t Add(std::string_view token, int speaker, std::size_t position);

  // The index of `token`'s term, or kNoTerm when it was never added (or is not a content word).
  std::size_t Find(std::string_view token);

  const std::vector<TermStats>& terms() const { return terms_; }

  // Indices into terms(), by Weight() descending, then term ascending (bytewise).
  std::vector<std::size_t> Ranked() const;

 private:
  std::string scratch_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<TermStats> terms_;
};

}  // namespace reflector::llm
