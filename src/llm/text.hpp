#pragma once
// Pure text helpers shared by the pipeline and every Summarizer backend: chunking the words into
// topic-sized pieces, speaker turns and their "Name: text" rendering, title clean-up and the
// markdown layout of the long summary. All functions are thread-safe and allocate only for
// their results. Lengths count Unicode code points of UTF-8 text; case changes touch ASCII
// letters only, so other characters pass through unchanged.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "llm/summarizer.hpp"

namespace reflector::llm {

// A gap between two words of one speaker longer than this (seconds) starts a new turn.
inline constexpr double kTurnPauseSeconds = 0.7;

// A gap between two words of one speaker longer than this (seconds) ends a sentence.
// Recognisers give no punctuation, but PocketSphinx attributes silence to the words around it,
// so a gap in its timings is a real pause: 0.07-0.2 s at a full stop or comma in the recognised
// flite speech of bench/summaries, 0-0.05 s inside a clause.
inline constexpr double kSentencePauseSeconds = 0.06;

// Consecutive words of one speaker without a long pause.
struct Segment {
  int speaker = 0;
  double start = 0;            // first word's start, seconds
  double end = 0;              // latest end of its words, seconds
  std::string text;            // non-empty word texts joined with single spaces
  std::size_t first_word = 0;  // index of its first word in the input
  std::size_t word_count = 0;  // number of input words it covers
};

// Number of Unicode code points in UTF-8 `text` (bytes that do not continue a sequence).
std::size_t CodePointCount(std::string_view text);

// Code points of the word texts joined with single spaces (the "text" of a chunk).
std::size_t JoinedLength(std::span<const Word> words);

// The words' texts joined with single spaces (empty texts skipped).
std::string JoinWords(std::span<const Word> words);

// Splits `words` (in timeline order) into topic chunks: pieces of `chunk_words` words in order;
// a piece whose accumulated text is under `min_chars` code points joins the next one, and what
// is left at the end (always under `min_chars`) joins the last chunk, or is the only chunk.
// Every word lands in exactly one chunk, in order. No words give no chunks. `chunk_words` below 1
// counts as 1.
std::vector<std::vector<Word>> ChunkForTopics(std::span<const Word> words, int chunk_words = 300,
                                              std::size_t min_chars = 750);

// Splits `words` into topics where the subject changes (lexical cohesion, after Hearst's
// TextTiling; implemented in topic_split.cpp): the words said just before and just after each
// sentence start are compared, and the meeting is cut where they have least in common relative
// to the peaks around it. This is what the pipeline uses for every backend; ChunkForTopics is the
// original's fixed-size split.
struct TopicSplitOptions {
  // No topic has fewer words, unless the whole meeting has fewer than twice as many.
  std::size_t min_topic_words = 120;
  // A stretch longer than this is cut at its weakest point even without a clear change of
  // subject, so that every topic fits an LLM prompt.
  std::size_t max_topic_words = 800;
  // Words compared on each side of a candidate boundary.
  std::size_t window_words = 100;
  // A boundary is a gap whose depth (how far the similarity there falls below the peaks on both
  // sides) is at least mean + depth_factor × standard deviation of all depths.
  double depth_factor = 0.5;
  // A pause longer than this (seconds) ends a sentence; speaker changes always do. Boundaries
  // fall only between sentences.
  double sentence_pause_seconds = kSentencePauseSeconds;
};

// Splits `words` (in timeline order) into topics: every word lands in exactly one topic, in
// order; no words give no topics. Candidate boundaries are the starts of sentences; the stems of
// content words (terms.hpp, Snowball English) are compared with the cosine of their counts in
// `window_words`-word windows, smoothed over three gaps.
std::vector<std::vector<Word>> SplitTopics(std::span<const Word> words,
                                           const TopicSplitOptions& options = {});

// The start index of every sentence of `words` (first 0): a sentence ends when the speaker
// changes or after a pause longer than `pause_seconds`. No words give no sentences.
std::vector<std::size_t> SentenceStarts(std::span<const Word> words, double pause_seconds);

// The original's title rule: strip surrounding '"' and '\'' characters, split on whitespace,
// capitalise the first word and every word longer than 3 code points (first letter upper, the
// rest lower), lower-case the others, join with single spaces. Blank input gives "".
std::string CleanTitle(std::string_view title);

// The whitespace-separated words of `text` (views into it).
std::vector<std::string_view> SplitWords(std::string_view text);

// At most `max_words` whitespace-separated words of `text`, joined with single spaces.
std::string LimitWords(std::string_view text, std::size_t max_words);

// Turns: a new segment starts when the speaker changes or when a word starts more than
// `pause_seconds` after the previous word of the turn ended.
std::vector<Segment> SpeakerTurns(std::span<const Word> words, double pause_seconds = kTurnPauseSeconds);

// The display name of `speaker`: its entry in `names` when present and not blank, otherwise
// "Speaker {speaker}".
std::string SpeakerName(const SpeakerNames& names, int speaker);

// One "Name: text" line per segment, joined with '\n' (no trailing newline).
std::string FormatTurns(std::span<const Segment> segments, const SpeakerNames& names);

// One subject of the long summary with its paragraph.
struct SubjectParagraph {
  std::string subject;
  std::string paragraph;
};

// The original's long-summary layout, lines joined with '\n':
//   when `recap` is not empty:      "# Quick recap", "", recap, ""
//   when `subjects` is not empty:   "# Summary", "", then per subject "**subject**", paragraph, ""
// Nothing at all gives "".
std::string SummaryMarkdown(std::string_view recap, std::span<const SubjectParagraph> subjects);

// `text` with ASCII letters in lower case (other bytes unchanged).
std::string AsciiLowerCase(std::string_view text);

}  // namespace reflector::llm
