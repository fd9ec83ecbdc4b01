#pragma once
// The text side of transcript search, without a database: the plain text stored in
// transcripts.search_text, the words of a query, LIKE patterns, and the excerpts ("snippets")
// shown around matches.
//
// Matching here is case-insensitive for ASCII letters only, like SQLite's lower(); other bytes
// (UTF-8 sequences included) must match exactly. Offsets are byte offsets into UTF-8 text, and
// excerpts never split a UTF-8 sequence.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace reflector::store {

// The cue text of a WebVTT document: header, NOTE/STYLE/REGION blocks, cue identifiers and
// timing lines are dropped, tags such as <v Speaker0> are removed, and runs of whitespace become
// one space. "" for text that holds no cue.
std::string PlainTextFromWebVtt(std::string_view webvtt);

// What search_text holds for a transcript: the WebVTT's cue text, or, when that is empty, the
// "transcript" strings of the topics joined with spaces (topics without one are skipped).
std::string SearchTextOf(const Json& topics, std::string_view webvtt);

// The words of a search query: split at whitespace, ASCII letters lower-cased, duplicates
// dropped (first occurrence kept). Empty for an empty or blank query.
std::vector<std::string> SearchWords(std::string_view query);

// A LIKE pattern matching any text containing `word`: "%" + word + "%", with the escape
// character '!' (kLikeEscape) put before '%', '_' and '!' in the word. Use it as
// `lower(column) LIKE lower(:pattern) ESCAPE '!'`.
inline constexpr char kLikeEscape = '!';
std::string ContainsPattern(std::string_view word);

// Occurrences of the words in `text` (case-insensitive as above); each word's occurrences are
// counted without overlap, and the counts are added.
std::int64_t CountMatches(std::string_view text, const std::vector<std::string>& words);

// Up to `max_snippets` excerpts of about kSnippetLength bytes around occurrences of the words,
// in text order and not overlapping one another. An excerpt starts and ends at a word boundary
// when one is near, and gets "..." at a side where the text goes on. Empty when nothing matches.
inline constexpr std::size_t kSnippetLength = 100;
std::vector<std::string> Snippets(std::string_view text, const std::vector<std::string>& words,
                                  std::size_t max_snippets);

}  // namespace reflector::store
