#pragma once
// What `process --output`, `transcripts show` and `--json` print: the transcript as JSON
// (PIPELINE.md units: seconds), and the files written next to it.

#include <filesystem>

#include "app/runtime.hpp"

namespace reflector::app {

// {id, status, title, short_summary, long_summary, duration, source_language, participants,
//  topics, words (sorted by start), provenance}; with `details`, also the failure and the
// full events log.
Result<Json> TranscriptJson(Runtime& runtime, const std::string& transcript_id, bool details);

// Writes transcript.json, audio.mp3, waveform.json and transcript.vtt (webvtt-named: voices are
// the participants' names, "Speaker N" for a speaker without one) into `dir`.
Status ExportTranscript(Runtime& runtime, const std::string& transcript_id, const std::filesystem::path& dir);

}  // namespace reflector::app
