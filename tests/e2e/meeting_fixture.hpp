#pragma once
// Synthesised meetings for end-to-end tests: each speaker's sentences are spoken by a flite
// voice, placed after the previous speaker, and encoded as WebM/Opus whose container starts
// when the speaker "joined", as Daily.co raw tracks are.

#include <filesystem>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace reflector::testing {

struct SpeakerScript {
  std::string name;
  std::string voice;   // flite voice: kal16, awb, rms, slt
  double join_offset;  // container start time of the track, seconds
  std::string text;
  std::vector<std::string> content_words;  // words a recogniser should find
};

struct SpokenTrack {
  SpeakerScript script;
  std::filesystem::path file;
  double speech_start = 0;  // on the meeting timeline, seconds
  double speech_end = 0;
  double track_end = 0;  // join offset + track length
};

// Builds the tracks in `dir`; speakers talk in turn with `gap` seconds between them.
// Throws std::runtime_error (with the tool's output) when flite or ffmpeg fails.
std::vector<SpokenTrack> SynthesiseMeeting(const std::vector<SpeakerScript>& speakers,
                                           const std::filesystem::path& dir, double gap = 0.8);

// Checks a transcript's words against the script with gtest expectations: sorted by start, each
// attributed to the speaker whose track it comes from and inside that speaker's speech window,
// turns in order with onsets within 0.6 s, and enough content words recognised (at least 60 %
// per speaker, which a wrong track assignment or time offset cannot reach, and 80 % overall).
void ExpectWordsOfEachSpeaker(const Json& words, const std::vector<SpokenTrack>& tracks);

// Mean absolute amplitude (0..1) of a mono decode of `audio` between two times.
double MeanLevel(const std::filesystem::path& audio, double from, double to);

}  // namespace reflector::testing
