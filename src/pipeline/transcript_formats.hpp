#pragma once
// A transcript's words in the formats of Reflector's GET /v1/transcripts/{id}?transcript_format=
// (text, text-timestamped, webvtt-named, json), with speakers named after the participants.
// Shared by every entry point that shows a transcript: `process --output` writes
// transcript.vtt with it, and the API serves the same text. Pure functions, thread-safe.
//
// Segments are speaker turns (llm::SpeakerTurns: a new segment when the speaker changes or
// after a pause). A speaker's name is its participant's name; a speaker without a participant,
// or whose name is blank, is "Speaker N" (as Reflector's get_speaker_name).

#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "llm/summarizer.hpp"
#include "pipeline/words.hpp"

namespace reflector::pipeline {

enum class TranscriptFormat {
  kText,             // "text": one "Name: text" line per segment
  kTextTimestamped,  // "text-timestamped": "[MM:SS] Name: text" lines
  kWebVttNamed,      // "webvtt-named": WEBVTT cues with <v Name> voice tags
  kJson,             // "json": [{speaker, speaker_name, text, start, end}]
};

// "text", "text-timestamped", "webvtt-named", "json"; anything else is InvalidInput listing them.
Result<TranscriptFormat> ParseTranscriptFormat(std::string_view name);
std::string_view ToString(TranscriptFormat format);

// speaker index -> name, from a transcript's participants JSON ([{speaker, name, ...}]);
// entries without an integer speaker or a string name are skipped.
llm::SpeakerNames SpeakerNamesOf(const Json& participants);

struct TranscriptSegment {
  int speaker = 0;
  std::string speaker_name;
  std::string text;
  double start = 0;  // seconds
  double end = 0;    // seconds
};

// The speaker turns of `words` (sorted by start) with their speakers' names.
std::vector<TranscriptSegment> NamedSegments(const std::vector<Word>& words, const llm::SpeakerNames& names);

// "Alice: Good morning.\nBob: Hi." (no trailing newline; "" without segments).
std::string TranscriptText(const std::vector<TranscriptSegment>& segments);
// "[00:00] Alice: Good morning.\n[01:05] Bob: Hi." (minutes keep counting past 59: "[75:03]").
std::string TranscriptTextTimestamped(const std::vector<TranscriptSegment>& segments);
// "WEBVTT\n\n00:00:00.500 --> 00:00:01.600\n<v Alice>Good morning.\n" and so on; "WEBVTT\n"
// without segments. '&', '<' and '>' in names and text are escaped (&amp; &lt; &gt;).
std::string TranscriptWebVttNamed(const std::vector<TranscriptSegment>& segments);
// [{"speaker": 0, "speaker_name": "Alice", "text": "...", "start": 0.5, "end": 1.6}, ...]
Json TranscriptSegmentsJson(const std::vector<TranscriptSegment>& segments);

// The document of `format` (kJson gives the JSON array serialised compactly).
std::string FormatTranscript(TranscriptFormat format, const std::vector<TranscriptSegment>& segments);

}  // namespace reflector::pipeline
