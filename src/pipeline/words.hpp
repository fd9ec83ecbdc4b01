#pragma once
// Words as the pipeline stores them: JSON arrays of {text, start, end, speaker} objects in the
// object store (keys, not payloads, cross task boundaries), the merge rule, and WebVTT.

#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "llm/summarizer.hpp"

namespace reflector::pipeline {

using Word = llm::Word;

Json WordsToJson(const std::vector<Word>& words);
// Errors name `what` (an object key) and the offending index/field.
Result<std::vector<Word>> WordsFromJson(const Json& json, std::string_view what);

// Merges per-track word lists into one timeline sorted by (start, track index, position in the
// track): stable and independent of the order the lists are given in. `tracks[i]` is
// (track_index, words).
std::vector<Word> MergeTracks(std::vector<std::pair<int, std::vector<Word>>> tracks);

// Words joined with single spaces.
std::string PlainText(const std::vector<Word>& words);

// "HH:MM:SS.mmm"
std::string WebVttTime(double seconds);
// WEBVTT document: one cue per speaker turn (a new cue when the speaker changes or after a
// pause), text `<v Speaker{n}>words`. Words must be sorted by start.
std::string WordsToWebVtt(const std::vector<Word>& words);

}  // namespace reflector::pipeline
