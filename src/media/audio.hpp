#pragma once
// Audio steps of the pipeline: probe a track, pad it to the meeting timeline, mix the padded
// tracks into one MP3, and reduce the MP3 to a waveform. All times are seconds (double).
//
// Every function is synchronous, uses only its own FFmpeg objects and may run concurrently with
// any other call. Bad input (missing, empty, corrupt or audio-less file) gives a terminal
// ErrorKind::kInvalidInput error whose message starts with the file name. A stop request gives
// ErrorKind::kCancelled. Outputs are written to a temporary file in the output's directory and
// renamed into place at the end, so a failed or cancelled call leaves no output file (and an
// existing file at that path is replaced only on success).

#include <cstdint>
#include <filesystem>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "core/result.hpp"

namespace reflector::media {

struct AudioProbe {
  // Where the audio starts on the file's timeline: the audio stream's start_time, else the
  // container's, else the first packet's dts, else 0. Opus-in-WebM files from a zero start
  // report a few milliseconds below 0 (encoder pre-skip).
  double start_time = 0;
  // Length of the audio as the file states it (stream duration, else container duration; a
  // Matroska/WebM Duration counts from the timeline origin, so a positive start_time is
  // subtracted), else counted by decoding. Container figures include encoder delay and padding
  // and may exceed the decoded length by a few tens of milliseconds.
  double duration = 0;
  int sample_rate = 0;
  int channels = 0;
  std::string codec;  // FFmpeg decoder name, e.g. "opus"
};

// Opens `file` and describes its best audio stream.
Result<AudioProbe> Probe(const std::filesystem::path& file);

// How PadTrack put a track on the timeline.
enum class PadMethod {
  kNone,        // not padded: the track already starts at 0
  kPackets,     // its Opus packets copied behind silent Opus packets (no decoding)
  kReencoding,  // decoded, delayed and encoded again
};

struct PadResult {
  bool padded = false;  // false: start_time <= 0, nothing written; use the input as it is
  PadMethod method = PadMethod::kNone;
  double start_time = 0;     // the input's start_time (see AudioProbe)
  double delay_seconds = 0;  // silence put in front: floor(start_time * 1000) ms; 0 if not padded
  double duration = 0;       // of the output when padded (counted samples), else the input's
  std::uint64_t size = 0;    // bytes of the output when padded, else of the input
};

// Puts the track on the meeting timeline. When its start_time is positive, writes WebM/Opus to
// `output_webm` in which the input's first sample is decoded at floor(start_time * 1000) ms after
// silence, and timestamp gaps (muted microphone) are silence. The output lasts delay + input
// length. When start_time <= 0 the input is already aligned: nothing is decoded or written and
// `padded` is false.
//
// Opus in WebM/Matroska or Ogg (mono or stereo) is padded by packets (PadMethod::kPackets): the
// input's packets are copied unchanged (its bit rate and channels) behind 20 ms silent Opus
// packets, the output pre-skip placing the first sample to the exact sample; a gap is filled with
// silent packets rounded to whole 20 ms frames, so audio after it is within 10 ms of its time.
// Nothing is decoded and memory does not grow with the length. Any other input is padded as
// PadTrackByReencoding does. The output bytes depend only on the input.
Result<PadResult> PadTrack(const std::filesystem::path& input, const std::filesystem::path& output_webm,
                           std::stop_token stop, ProgressSink& progress);

// PadTrack by decoding whatever the input is (PadMethod::kReencoding): decodes it, prepends
// floor(start_time * 1000) ms of silence, fills timestamp gaps with silence and encodes
// WebM/Opus (48 kHz, 64 kb/s, the input's channel count, at most 2). PadTrack falls back to it
// by itself; it is public for comparisons (tests, benchmarks).
Result<PadResult> PadTrackByReencoding(const std::filesystem::path& input,
                                       const std::filesystem::path& output_webm, std::stop_token stop,
                                       ProgressSink& progress);

struct MixdownResult {
  double duration = 0;     // seconds of mixed audio (counted samples)
  std::uint64_t size = 0;  // bytes of the MP3
};

// Mixes aligned tracks (padded, or already starting at 0) into a stereo MP3 (48 kHz, libmp3lame
// 64 kb/s CBR) at `output_mp3`. Tracks are summed without gain reduction; where overlapping
// tracks pass full scale a limiter holds the peaks at 0 dBFS instead of clipping. A mono track is
// heard at its own level in both channels. The mix lasts as long as the longest track. Accepts
// 1..N tracks in any decodable format and sample rate; memory does not grow with their length.
Result<MixdownResult> Mixdown(const std::vector<std::filesystem::path>& tracks,
                              const std::filesystem::path& output_mp3, std::stop_token stop,
                              ProgressSink& progress);

// Decodes `audio` and returns exactly `points` values in [0, 1]: the peak absolute sample of
// each of `points` equal slices of the audio, divided by the overall peak, rounded to 2
// decimals. All zeros for digital silence. `points` must be positive (the pipeline uses 255).
Result<std::vector<double>> Waveform(const std::filesystem::path& audio, int points, std::stop_token stop,
                                     ProgressSink& progress);

// Whether `audio` holds any signal: decodes it until the first frame with a non-zero sample
// (true) or to its end (false: digital silence, which Waveform shows as all zeros). Stops early,
// so a track with sound costs the decoding up to its first sound, not the whole file; memory
// does not grow with the length. Errors as Waveform's (kInvalidInput naming the file for an
// unreadable or audio-less file, kCancelled when `stop` is requested).
Result<bool> HasSignal(const std::filesystem::path& audio, std::stop_token stop, ProgressSink& progress);

// Pure helpers, exposed for tests.

// Milliseconds of silence to prepend for a track starting at `start_time` seconds:
// floor(start_time * 1000), tolerant of binary rounding (2.986 gives 2986), 0 when <= 0.
std::int64_t PaddingDelayMs(double start_time);

// Reduces consecutive block peaks (peak absolute sample of each fixed-size block of the audio)
// to `points` normalised values as described for Waveform. Slice i covers blocks
// [i*B/points, (i+1)*B/points); when there are fewer blocks than points a slice takes the block
// under its start. No blocks gives all zeros.
std::vector<double> ReduceWaveform(std::span<const float> block_peaks, int points);

}  // namespace reflector::media
