// HasSignal on files made with the ffmpeg tool: digital silence is told apart from any sound,
// wherever and in whichever channel the sound is, in lossless and Opus files.

#include <gtest/gtest.h>

#include <fstream>
#include <stop_token>
#include <string>

#include "audio_fixtures.hpp"
#include "fakes/progress_sink_fake.hpp"
#include "media/audio.hpp"
#include "support/temp_dir.hpp"

namespace reflector::media {
namespace {

namespace fs = std::filesystem;
using reflector::testing::RunFfmpegTool;
using reflector::testing::ShellQuoted;
using reflector::testing::TempDir;

class HasSignalTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(reflector::testing::RequireFfmpegTool()); }

  // `seconds` of the lavfi source `source`, encoded by the ffmpeg tool as `name` implies.
  fs::path Make(const std::string& name, const std::string& source, double seconds,
                const std::string& codec = "") {
    fs::path file = dir_ / name;
    EXPECT_TRUE(RunFfmpegTool("-f lavfi -i \"" + source + "\" -t " + std::to_string(seconds) + " " + codec +
                              " " + ShellQuoted(file)));
    return file;
  }

  bool Check(const fs::path& file) {
    auto result = HasSignal(file, {}, sink_);
    EXPECT_TRUE(result.ok()) << result.error().message;
    return result.ok() && *result;
  }

  TempDir dir_{"has-signal-test"};
  NullProgressSink sink_;
};

TEST_F(HasSignalTest, DigitalSilenceHasNoSignal) {
  EXPECT_FALSE(Check(Make("silence.wav", "anullsrc=r=48000:cl=mono", 3)));
  EXPECT_FALSE(Check(Make("silence.webm", "anullsrc=r=48000:cl=stereo", 3, "-c:a libopus -b:a 32k")));
}

TEST_F(HasSignalTest, AToneHasSignal) {
  EXPECT_TRUE(Check(Make("tone.webm", "sine=f=440:r=48000", 2, "-c:a libopus -b:a 32k")));
}

TEST_F(HasSignalTest, SoundAfterLongSilenceIsFound) {
  // Exact zeros for 8 s (16-bit WAV keeps them), then a quiet tone for 0.2 s.
  fs::path late = Make("late.wav", "aevalsrc=if(gte(t\\,8)\\,0.01*sin(2*PI*440*t)\\,0):s=48000:d=8.2", 8.2,
                       "-c:a pcm_s16le");
  EXPECT_TRUE(Check(late));
}

TEST_F(HasSignalTest, SoundInTheSecondChannelOnlyIsFound) {
  // Lossless both ways, so the first channel stays exactly zero.
  const std::string right_only = "aevalsrc=0|0.3*sin(2*PI*440*t):s=48000:d=1";
  EXPECT_TRUE(Check(Make("right.wav", right_only, 1, "-c:a pcm_s16le")));         // packed samples
  EXPECT_TRUE(Check(Make("right.nut", right_only, 1, "-c:a pcm_s16le_planar")));  // one plane each
}

TEST_F(HasSignalTest, BadFilesAndStopRequestsAreErrors) {
  fs::path text = dir_ / "notes.webm";
  std::ofstream(text) << "these are meeting notes, not audio\n";
  for (const fs::path& bad : {text, dir_ / "missing.webm"}) {
    auto result = HasSignal(bad, {}, sink_);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
    EXPECT_FALSE(result.error().retryable);
    EXPECT_NE(result.error().message.find(bad.filename().string()), std::string::npos)
        << result.error().message;
  }

  fs::path silence = Make("silence.webm", "anullsrc=r=48000:cl=mono", 3, "-c:a libopus");
  std::stop_source stop;
  reflector::testing::StopOnFirstReport stopping(stop);
  auto cancelled = HasSignal(silence, stop.get_token(), stopping);
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().kind, ErrorKind::kCancelled);
}

}  // namespace
}  // namespace reflector::media
