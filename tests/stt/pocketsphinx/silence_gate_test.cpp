// SilenceGate: which samples reach the decoder, and how many were skipped before each.

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "stt/pocketsphinx/silence_gate.hpp"

namespace reflector::stt {
namespace {

constexpr std::size_t kChunk = 2048;

std::vector<std::int16_t> Quiet(std::int16_t level = 0) {
  return std::vector<std::int16_t>(kChunk, level);
}

// A chunk with one loud sample in the middle (a speech onset is enough to open the gate).
std::vector<std::int16_t> Loud(std::int16_t peak = 3000) {
  std::vector<std::int16_t> chunk(kChunk, 0);
  chunk[kChunk / 2] = peak;
  return chunk;
}

TEST(SilenceGateTest, QuietMeansNoSampleAbovePeakInMagnitude) {
  EXPECT_TRUE(SilenceGate::IsQuiet(Quiet(64), 64));
  EXPECT_TRUE(SilenceGate::IsQuiet(Quiet(-64), 64));
  EXPECT_FALSE(SilenceGate::IsQuiet(Quiet(65), 64));
  EXPECT_FALSE(SilenceGate::IsQuiet(Loud(-65), 64));
  EXPECT_TRUE(SilenceGate::IsQuiet({}, 64));
}

TEST(SilenceGateTest, SoundIsFedAndTheHangoverAfterIt) {
  SilenceGate gate({.quiet_peak = 64, .hangover_chunks = 2});
  EXPECT_EQ(gate.Admit(Loud(), false).size(), kChunk);
  EXPECT_EQ(gate.Admit(Quiet(), false).size(), kChunk);  // hangover 1
  EXPECT_EQ(gate.Admit(Quiet(), false).size(), kChunk);  // hangover 2
  EXPECT_TRUE(gate.Admit(Quiet(), false).empty());       // skipped
  EXPECT_TRUE(gate.Admit(Quiet(), false).empty());
  EXPECT_EQ(gate.skipped_samples(), 2 * static_cast<std::int64_t>(kChunk));
  EXPECT_EQ(gate.fed_samples(), 3 * static_cast<std::int64_t>(kChunk));
}

TEST(SilenceGateTest, LeadingSilenceIsSkippedAfterTheHangover) {
  SilenceGate gate({.quiet_peak = 64, .hangover_chunks = 1});
  EXPECT_EQ(gate.Admit(Quiet(), false).size(), kChunk);
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(gate.Admit(Quiet(3), false).empty()) << i;
  EXPECT_EQ(gate.skipped_samples(), 10 * static_cast<std::int64_t>(kChunk));
}

// When sound comes back, the last skipped chunk is fed before it (the onset keeps its lead-in),
// so it no longer counts as skipped, and the order of the samples is kept.
TEST(SilenceGateTest, OpeningFeedsTheHeldChunkThenTheSound) {
  SilenceGate gate({.quiet_peak = 64, .hangover_chunks = 0});
  EXPECT_TRUE(gate.Admit(Quiet(1), false).empty());
  EXPECT_TRUE(gate.Admit(Quiet(2), false).empty());
  auto fed = gate.Admit(Loud(500), false);
  ASSERT_EQ(fed.size(), 2 * kChunk);
  EXPECT_EQ(fed[0], 2);  // the chunk just before the sound
  EXPECT_EQ(fed[kChunk + kChunk / 2], 500);
  EXPECT_EQ(gate.skipped_samples(), static_cast<std::int64_t>(kChunk));
  EXPECT_EQ(gate.fed_samples(), 2 * static_cast<std::int64_t>(kChunk));
  // Skipped + fed is the whole stream except nothing.
  EXPECT_EQ(gate.skipped_samples() + gate.fed_samples(), 3 * static_cast<std::int64_t>(kChunk));
}

// The gate never cuts an utterance: quiet chunks inside one are fed however many there are.
TEST(SilenceGateTest, NothingIsSkippedInsideAnUtterance) {
  SilenceGate gate({.quiet_peak = 64, .hangover_chunks = 1});
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(gate.Admit(Quiet(), true).size(), kChunk) << i;
  EXPECT_EQ(gate.skipped_samples(), 0);
  // Once the utterance is over the quiet run already counts.
  EXPECT_TRUE(gate.Admit(Quiet(), false).empty());
}

// What the decoder is given: a sample's place among the fed samples plus the samples skipped
// before it is its place in the stream, for every fed sample, across several silences.
TEST(SilenceGateTest, FedPositionPlusSkippedIsTheStreamPosition) {
  SilenceGate gate({.quiet_peak = 64, .hangover_chunks = 1});
  std::vector<std::vector<std::int16_t>> stream;
  for (int burst = 0; burst < 3; ++burst) {
    for (int i = 0; i < 5; ++i)
      stream.push_back(Quiet());
    stream.push_back(Loud(static_cast<std::int16_t>(1000 + burst)));
    stream.push_back(Loud(static_cast<std::int16_t>(2000 + burst)));
  }
  std::int64_t position = 0;
  int loud_seen = 0;
  for (const auto& chunk : stream) {
    std::int64_t skipped_before = gate.skipped_samples();
    std::int64_t fed_before = gate.fed_samples();
    auto fed = gate.Admit(chunk, false);
    position += static_cast<std::int64_t>(chunk.size());
    if (fed.empty()) continue;
    // The fed span ends where the stream has got to.
    EXPECT_EQ(fed_before + static_cast<std::int64_t>(fed.size()) + gate.skipped_samples(), position);
    EXPECT_LE(gate.skipped_samples(), skipped_before);
    for (std::size_t i = 0; i < fed.size(); ++i) {
      if (fed[i] >= 1000) {
        std::int64_t stream_index = fed_before + static_cast<std::int64_t>(i) + gate.skipped_samples();
        EXPECT_EQ(stream_index,
                  position - static_cast<std::int64_t>(kChunk) + static_cast<std::int64_t>(kChunk / 2));
        ++loud_seen;
      }
    }
  }
  EXPECT_EQ(loud_seen, 6);
  EXPECT_GT(gate.skipped_samples(), 0);
}

}  // namespace
}  // namespace reflector::stt
