// Pure Opus helpers of padding by packets: packet lengths from the table-of-contents byte, the
// OpusHead pre-skip, and where silence goes.

#include "media/opus_packet.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace reflector::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::uint8_t Toc(int config, bool stereo, int code) {
  return static_cast<std::uint8_t>((config << 3) | (stereo ? 0x4 : 0) | code);
}

TEST(OpusPacketSamples, OneFrameOfEachConfiguration) {
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(0, false, 0), 1}), 480);    // SILK NB 10 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(1, false, 0), 1}), 960);    // SILK NB 20 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(10, false, 0), 1}), 1920);  // SILK WB 40 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(11, true, 0), 1}), 2880);   // SILK WB 60 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(12, false, 0), 1}), 480);   // hybrid SWB 10 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(15, false, 0), 1}), 960);   // hybrid FB 20 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(16, false, 0), 1}), 120);   // CELT NB 2.5 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(29, false, 0), 1}), 240);   // CELT FB 5 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{0xF8, 0xFF, 0xFE}), 960);       // CELT FB 20 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(31, false, 0)}), 960)
      << "a frame of length 0 (packet loss) still counts";
}

TEST(OpusPacketSamples, TwoAndManyFrames) {
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(31, false, 1), 1, 2}), 1920);
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(31, false, 2), 1, 9, 9}), 1920);
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(1, false, 3), 3, 0, 0, 0}), 2880);  // 3 x 20 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(16, false, 3), 48}), 5760);         // 48 x 2.5 ms = 120 ms
}

TEST(OpusPacketSamples, MalformedPacketsCountNothing) {
  EXPECT_EQ(OpusPacketSamples(Bytes{}), 0);
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(31, false, 1), 1}), 0) << "code 1 needs two equal halves";
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(31, false, 2)}), 0) << "code 2 without its length byte";
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(31, false, 2), 5, 1}), 0) << "first frame runs past the end";
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(31, false, 2), 252}), 0) << "two-byte length cut short";
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(31, false, 3)}), 0) << "code 3 without its count byte";
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(31, false, 3), 0}), 0) << "code 3 with no frames";
  EXPECT_EQ(OpusPacketSamples(Bytes{Toc(3, false, 3), 3}), 0) << "3 x 60 ms is longer than 120 ms";
}

Bytes OpusHeadBytes(int channels, int pre_skip, int family) {
  Bytes head{'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, static_cast<std::uint8_t>(channels)};
  head.push_back(static_cast<std::uint8_t>(pre_skip & 0xFF));
  head.push_back(static_cast<std::uint8_t>(pre_skip >> 8));
  for (std::uint8_t b : {0x80, 0xBB, 0x00, 0x00, 0x00, 0x00})  // 48000 Hz, gain 0
    head.push_back(b);
  head.push_back(static_cast<std::uint8_t>(family));
  return head;
}

TEST(OpusHead, ReadsChannelsPreSkipAndMappingFamily) {
  auto head = ParseOpusHead(OpusHeadBytes(2, 312, 0));
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->channels, 2);
  EXPECT_EQ(head->pre_skip, 312);
  EXPECT_EQ(head->mapping_family, 0);
  EXPECT_EQ(ParseOpusHead(OpusHeadBytes(6, 3840, 1))->mapping_family, 1);
}

TEST(OpusHead, RefusesWhatIsNotAnOpusHead) {
  Bytes head = OpusHeadBytes(1, 312, 0);
  EXPECT_FALSE(ParseOpusHead(Bytes(head.begin(), head.end() - 1)).has_value()) << "too short";
  Bytes vorbis = head;
  vorbis[0] = 'V';
  EXPECT_FALSE(ParseOpusHead(vorbis).has_value()) << "wrong magic";
  Bytes future = head;
  future[8] = 0x10;
  EXPECT_FALSE(ParseOpusHead(future).has_value()) << "unknown major version";
  EXPECT_FALSE(ParseOpusHead(OpusHeadBytes(0, 312, 0)).has_value()) << "no channels";
}

TEST(OpusHead, WithPreSkipChangesOnlyThePreSkip) {
  Bytes head = OpusHeadBytes(1, 312, 0);
  Bytes patched = WithPreSkip(head, 0x1234);
  ASSERT_EQ(patched.size(), head.size());
  EXPECT_EQ(ParseOpusHead(patched)->pre_skip, 0x1234);
  patched[10] = head[10];
  patched[11] = head[11];
  EXPECT_EQ(patched, head);
}

TEST(PlanLeadingSilence, PutsTheFirstKeptSampleExactlyAtTheDelay) {
  for (std::int64_t delay : {144, 312, 313, 960, 143328, 144000, 350400}) {
    for (int source_pre_skip : {0, 312, 3840}) {
      LeadingSilence plan = PlanLeadingSilence(delay, source_pre_skip, 960);
      SCOPED_TRACE("delay " + std::to_string(delay) + " pre-skip " + std::to_string(source_pre_skip));
      EXPECT_GE(plan.silent_frames, 0);
      EXPECT_GE(plan.pre_skip, 0);
      // The source's first kept sample is its packet's sample source_pre_skip, written after the
      // silence; the output decoder drops plan.pre_skip samples from the start.
      EXPECT_EQ(plan.silent_frames * 960 + source_pre_skip - plan.pre_skip, delay);
      if (plan.silent_frames > 0) {
        EXPECT_LT(plan.pre_skip, 960);
      }
    }
  }
  EXPECT_EQ(PlanLeadingSilence(144000, 312, 960).silent_frames, 150);  // 3 s
  EXPECT_EQ(PlanLeadingSilence(144000, 312, 960).pre_skip, 312);
  EXPECT_EQ(PlanLeadingSilence(144, 312, 960).silent_frames, 0) << "3 ms is less than the pre-skip";
  EXPECT_EQ(PlanLeadingSilence(144, 312, 960).pre_skip, 168);
}

TEST(SilentFramesForGap, RoundsTheGapToWholeFrames) {
  EXPECT_EQ(SilentFramesForGap(1000, 1000, 960), 0);
  EXPECT_EQ(SilentFramesForGap(1048, 1000, 960), 0) << "a millisecond of timestamp rounding";
  EXPECT_EQ(SilentFramesForGap(1479, 1000, 960), 0);
  EXPECT_EQ(SilentFramesForGap(1480, 1000, 960), 1);
  EXPECT_EQ(SilentFramesForGap(1000 + 96000, 1000, 960), 100) << "a 2 s gap";
  EXPECT_EQ(SilentFramesForGap(1000 + 96500, 1000, 960), 101);
  EXPECT_EQ(SilentFramesForGap(500, 1000, 960), 0) << "behind the output: nothing to fill";
}

}  // namespace
}  // namespace reflector::media
