#pragma once
// Test fixtures for the media tests: audio files made at test time with the ffmpeg command-line
// tool (Debian package `ffmpeg`), and decoding through the same tool to check results
// independently of the code under test.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/media_tools.hpp"

namespace reflector::testing {

// Records a test failure with an install hint when the ffmpeg tool cannot run. Returns whether it can.
bool RequireFfmpegTool();

struct ToneSpec {
  double seconds = 1;
  double frequency = 440;
  double amplitude = 0.5;  // peak, full scale = 1
  int channels = 1;        // 1 or 2 (same tone in both)
  double offset = 0;       // -output_ts_offset: where the track starts on the meeting timeline
};

// A WebM/Opus track (48 kHz, 64 kb/s) holding a sine tone, like a Daily participant track.
bool MakeToneTrack(const std::filesystem::path& file, const ToneSpec& spec);

// Records a test failure with an install hint when flite (with its kal16 voice) cannot run.
bool RequireFliteTool();

// Speaks `text` with flite's kal16 voice into a 16 kHz mono WAV.
bool MakeSpeech(const std::filesystem::path& wav, const std::string& text);

// Writes `bytes` bytes of a fixed pseudo-random pattern (not a media file).
void WriteGarbage(const std::filesystem::path& file, std::size_t bytes);

// Decoded audio, 48 kHz float, interleaved.
struct Pcm {
  int channels = 0;
  std::vector<float> samples;

  [[nodiscard]] double seconds() const {
    return channels == 0 ? 0 : static_cast<double>(samples.size()) / channels / 48000.0;
  }
  // Peak absolute value of `channel` (or of every channel when -1) between two times.
  [[nodiscard]] double Peak(double from, double to, int channel = -1) const;
  // Root mean square over every channel between two times.
  [[nodiscard]] double Rms(double from, double to) const;
};

// Decodes `file` with the ffmpeg tool to `channels` channels at 48 kHz (ffmpeg's own timeline
// handling: leading silence of padded files is kept, encoder delay is removed).
Pcm Decode(const std::filesystem::path& file, int channels);

}  // namespace reflector::testing
