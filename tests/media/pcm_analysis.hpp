#pragma once
// Comparing two decodings of the same audio (tests/media): how far apart in time, and how loud
// each second is. Works on what Decode returns (48 kHz float).

#include <vector>

#include "audio_fixtures.hpp"

namespace reflector::testing {

// Root-mean-square level (over every channel) of each consecutive `block_seconds` block.
std::vector<double> Envelope(const Pcm& pcm, double block_seconds);

// The lag in seconds (positive: `later` is behind `reference`), within +-max_lag and in steps of
// 1 ms, at which the 1 ms envelopes of the two correlate best (normalised cross-correlation).
double BestLag(const Pcm& reference, const Pcm& later, double max_lag);

// Start (seconds) of the first 10 ms block whose RMS exceeds `level`; -1 if none does.
double Onset(const Pcm& pcm, double level);

// Mean-square level in dB relative to full scale of each whole second (the last, partial second
// is left out); -200 for digital silence.
std::vector<double> LevelPerSecondDb(const Pcm& pcm);

// `pcm` delayed by `seconds` (silence in front), for checking that the comparisons can fail.
Pcm Delayed(const Pcm& pcm, double seconds);

}  // namespace reflector::testing
