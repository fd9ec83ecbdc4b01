// Pure parts of the media code: delay computation, waveform reduction, error text.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "media/audio.hpp"
#include "media/ffmpeg_handles.hpp"

namespace reflector::media {
namespace {

TEST(PaddingDelayMs, FloorsToWholeMilliseconds) {
  EXPECT_EQ(PaddingDelayMs(2.986), 2986);  // 2.986 * 1000 is 2985.9999999999995 in binary
  EXPECT_EQ(PaddingDelayMs(3.0), 3000);
  EXPECT_EQ(PaddingDelayMs(2.9869), 2986);
  EXPECT_EQ(PaddingDelayMs(0.001), 1);
  EXPECT_EQ(PaddingDelayMs(1234.5678), 1234567);
}

TEST(PaddingDelayMs, NothingForTracksStartingAtOrBeforeZero) {
  EXPECT_EQ(PaddingDelayMs(0.0), 0);
  EXPECT_EQ(PaddingDelayMs(-0.007), 0);  // Opus-in-WebM pre-skip of a track that starts at 0
  EXPECT_EQ(PaddingDelayMs(0.0004), 0);
  EXPECT_EQ(PaddingDelayMs(std::numeric_limits<double>::quiet_NaN()), 0);
  EXPECT_EQ(PaddingDelayMs(std::numeric_limits<double>::infinity()), 0);
}

TEST(ReduceWaveform, PeakOfEachSliceOverOverallPeak) {
  // 8 blocks into 4 slices of 2 blocks each.
  std::vector<float> blocks{0.1F, 0.2F, 0.8F, 0.4F, 0.0F, 0.0F, 0.3F, 0.05F};
  std::vector<double> values = ReduceWaveform(blocks, 4);
  ASSERT_EQ(values.size(), 4U);
  EXPECT_DOUBLE_EQ(values[0], 0.25);
  EXPECT_DOUBLE_EQ(values[1], 1.0);
  EXPECT_DOUBLE_EQ(values[2], 0.0);
  EXPECT_DOUBLE_EQ(values[3], 0.38);  // 0.375 rounded to 2 decimals
}

TEST(ReduceWaveform, UnevenSlicesCoverEveryBlockOnce) {
  std::vector<float> blocks(1000, 0.1F);
  blocks[999] = 0.5F;  // the very last block must land in the last slice
  blocks[0] = 0.5F;
  std::vector<double> values = ReduceWaveform(blocks, 255);
  ASSERT_EQ(values.size(), 255U);
  EXPECT_DOUBLE_EQ(values.front(), 1.0);
  EXPECT_DOUBLE_EQ(values.back(), 1.0);
  for (std::size_t i = 1; i + 1 < values.size(); ++i)
    EXPECT_DOUBLE_EQ(values[i], 0.2) << "slice " << i;
}

TEST(ReduceWaveform, FewerBlocksThanPointsStillGivesEveryPoint) {
  std::vector<float> blocks{0.2F, 1.0F, 0.5F};
  std::vector<double> values = ReduceWaveform(blocks, 255);
  ASSERT_EQ(values.size(), 255U);
  EXPECT_DOUBLE_EQ(values[0], 0.2);
  EXPECT_DOUBLE_EQ(values[127], 1.0);
  EXPECT_DOUBLE_EQ(values[254], 0.5);
}

TEST(ReduceWaveform, SilenceAndNothingGiveZeros) {
  std::vector<float> silence(500, 0.0F);
  EXPECT_EQ(ReduceWaveform(silence, 255), std::vector<double>(255, 0.0));
  EXPECT_EQ(ReduceWaveform({}, 255), std::vector<double>(255, 0.0));
  EXPECT_TRUE(ReduceWaveform(silence, 0).empty());
}

TEST(FfmpegError, NamesTheFileAndFfmpegReason) {
  Error error = FfmpegError(ErrorKind::kInvalidInput, AVERROR(ENOENT), "/some/dir/track.webm", "cannot open");
  EXPECT_EQ(error.kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(error.retryable);
  EXPECT_EQ(error.message, "track.webm: cannot open: No such file or directory");

  Error write = FfmpegError(ErrorKind::kIo, AVERROR(EIO), "audio.mp3", "cannot write");
  EXPECT_EQ(write.kind, ErrorKind::kIo);
  EXPECT_TRUE(write.retryable);
  EXPECT_NE(write.message.find("audio.mp3: cannot write: "), std::string::npos);

  Error full = FfmpegError(ErrorKind::kIo, AVERROR(ENOSPC), "audio.mp3", "cannot write");
  EXPECT_EQ(full.kind, ErrorKind::kNoSpace);
  EXPECT_TRUE(full.retryable);
  EXPECT_EQ(full.message, "audio.mp3: cannot write: No space left on device");
}

}  // namespace
}  // namespace reflector::media
