#pragma once
// A cheap energy gate in front of the recogniser: long quiet stretches of a track (the time the
// other participants speak) are not fed to the decoder, and positions the decoder reports on
// the samples it was fed are turned back into positions on the track's timeline.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace reflector::stt {

struct SilenceGateOptions {
  // A chunk is quiet when no sample's magnitude exceeds this (64 of 32767: -54 dBFS, below any
  // speech a recogniser could use, above the rounding noise of decoded silence).
  int quiet_peak = 64;
  // Quiet chunks in a row that are still fed after sound, so the decoder's own speech detector
  // sees the end of the speech and closes the utterance (4 chunks of 128 ms: 0.5 s).
  int hangover_chunks = 4;
};

// Not thread-safe; one per decoding. Feed every chunk of the stream in order to Admit.
class SilenceGate {
 public:
  using Options = SilenceGateOptions;

  explicit SilenceGate(Options options = {}) : options_(options) {}

  // What of `chunk` (the next samples of the stream) to give the decoder: empty while the gate
  // is closed; when sound opens it, the last skipped chunk (so the decoder hears the onset and
  // some silence before it) followed by `chunk`. `in_utterance`: the decoder is inside an
  // utterance, which the gate never cuts. The span is valid until the next call.
  std::span<const std::int16_t> Admit(std::span<const std::int16_t> chunk, bool in_utterance);

  // Samples of the stream skipped so far. Because skipping happens only between utterances,
  // every word of an utterance lies at `fed position + skipped_samples()` as read when the
  // utterance ends.
  [[nodiscard]] std::int64_t skipped_samples() const { return skipped_; }
  [[nodiscard]] std::int64_t fed_samples() const { return fed_; }

  // Whether no sample of `chunk` exceeds `quiet_peak` in magnitude.
  static bool IsQuiet(std::span<const std::int16_t> chunk, int quiet_peak);

 private:
  Options options_;
  int quiet_run_ = 0;               // quiet chunks in a row
  std::vector<std::int16_t> held_;  // the last skipped chunk, fed first when the gate opens
  std::vector<std::int16_t> out_;
  std::int64_t skipped_ = 0;  // includes held_
  std::int64_t fed_ = 0;
};

}  // namespace reflector::stt
