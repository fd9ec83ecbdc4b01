// PcmReader on files made with the ffmpeg tool at test time; results are compared with what the
// ffmpeg tool itself decodes.

#include "stt/pocketsphinx/pcm_reader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "speech_fixtures.hpp"
#include "support/temp_dir.hpp"

namespace reflector::stt {
namespace {

namespace fs = std::filesystem;
using reflector::testing::ProbeDuration;
using reflector::testing::RunFfmpegTool;
using reflector::testing::ShellQuoted;
using reflector::testing::TempDir;

constexpr std::size_t kChunk = 1000;

// Reads the whole file in chunks of kChunk, checking the chunk sizes on the way.
std::vector<std::int16_t> ReadAll(const fs::path& file) {
  std::vector<std::int16_t> all;
  auto reader = PcmReader::Open(file);
  EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().Describe());
  if (!reader.ok()) return all;
  std::vector<std::int16_t> chunk;
  bool short_chunk_seen = false;
  while (true) {
    auto status = reader->Read(chunk, kChunk);
    EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().Describe());
    if (!status.ok() || chunk.empty()) break;
    EXPECT_LE(chunk.size(), kChunk);
    // Only the last chunk may be short.
    EXPECT_FALSE(short_chunk_seen) << "a short chunk came before the end";
    short_chunk_seen = chunk.size() < kChunk;
    all.insert(all.end(), chunk.begin(), chunk.end());
  }
  EXPECT_EQ(reader->samples_read(), static_cast<std::int64_t>(all.size()));
  return all;
}

// What the ffmpeg tool decodes: 16 kHz mono s16.
std::vector<std::int16_t> FfmpegDecode(const fs::path& file) {
  std::vector<std::int16_t> samples;
  std::string command =
      "ffmpeg -nostdin -hide_banner -v error -i " + ShellQuoted(file) + " -f s16le -ac 1 -ar 16000 -";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) {
    ADD_FAILURE() << "cannot run: " << command;
    return samples;
  }
  std::int16_t buffer[4096];
  std::size_t read = 0;
  while ((read = std::fread(buffer, sizeof(std::int16_t), std::size(buffer), pipe.get())) > 0)
    samples.insert(samples.end(), buffer, buffer + read);
  if (pclose(pipe.release()) != 0) ADD_FAILURE() << "decoding failed: " << command;
  return samples;
}

double Seconds(const std::vector<std::int16_t>& samples) {
  return static_cast<double>(samples.size()) / PcmReader::kSampleRate;
}

int Peak(const std::vector<std::int16_t>& samples, double from, double to) {
  int peak = 0;
  auto begin = static_cast<std::size_t>(from * PcmReader::kSampleRate);
  auto end = std::min(samples.size(), static_cast<std::size_t>(to * PcmReader::kSampleRate));
  for (std::size_t i = begin; i < end; ++i)
    peak = std::max(peak, std::abs(static_cast<int>(samples[i])));
  return peak;
}

class PcmReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(reflector::testing::RequireSpeechTools()); }

  fs::path Tone(const std::string& name, const std::string& codec_options, int channels = 1) {
    fs::path file = dir_ / name;
    std::string expression = "0.5*sin(2*PI*440*t)";
    if (channels == 2) expression += "|0.5*sin(2*PI*440*t)";
    EXPECT_TRUE(RunFfmpegTool("-f lavfi -i \"aevalsrc=" + expression + ":s=48000:d=3\" " + codec_options +
                              " " + ShellQuoted(file)));
    return file;
  }

  TempDir dir_{"pcm-reader-test"};
};

// 16 kHz mono s16 needs no conversion: the samples are the file's own.
TEST_F(PcmReaderTest, SixteenKilohertzWavIsReadUnchanged) {
  fs::path wav = Tone("tone16k.wav", "-ar 16000 -c:a pcm_s16le");
  std::vector<std::int16_t> ours = ReadAll(wav);
  EXPECT_EQ(ours.size(), 48000u);
  EXPECT_EQ(ours, FfmpegDecode(wav));
}

// Daily's format: 48 kHz WebM/Opus, here stereo; mixed down to mono at the same level.
TEST_F(PcmReaderTest, StereoWebmOpusIsResampledToMono) {
  fs::path webm = Tone("tone.webm", "-c:a libopus -b:a 64k", 2);
  std::vector<std::int16_t> ours = ReadAll(webm);
  std::vector<std::int16_t> theirs = FfmpegDecode(webm);
  EXPECT_NEAR(Seconds(ours), Seconds(theirs), 0.002);
  EXPECT_NEAR(Seconds(ours), 3.0, 0.02);
  // A 0.5 full-scale tone in both channels stays about 0.5 full scale (16384).
  EXPECT_NEAR(Peak(ours, 0.5, 2.5), 16384, 1500);
}

TEST_F(PcmReaderTest, Mp3AndM4aAreReadToTheirLength) {
  for (const auto& [name, options] : std::vector<std::pair<std::string, std::string>>{
           {"tone.mp3", "-ar 44100 -c:a libmp3lame -b:a 64k"}, {"tone.m4a", "-ar 44100 -c:a aac -b:a 64k"}}) {
    fs::path file = Tone(name, options, 2);
    std::vector<std::int16_t> ours = ReadAll(file);
    EXPECT_NEAR(Seconds(ours), Seconds(FfmpegDecode(file)), 0.01) << name;
    EXPECT_NEAR(Seconds(ours), 3.0, 0.06) << name;
    EXPECT_NEAR(Peak(ours, 0.5, 2.5), 16384, 1500) << name;
  }
}

// A 3 s timestamp gap (muted microphone) is read as 3 s of silence.
TEST_F(PcmReaderTest, TimestampGapIsReadAsSilence) {
  fs::path tone = Tone("tone.wav", "-c:a pcm_s16le");
  fs::path gapped = dir_ / "gapped.webm";
  ASSERT_TRUE(RunFfmpegTool("-i " + ShellQuoted(tone) +
                            " -af \"asetpts='PTS+gte(T,1.5)*3/TB'\" -c:a libopus " + ShellQuoted(gapped)));
  std::vector<std::int16_t> ours = ReadAll(gapped);
  EXPECT_NEAR(Seconds(ours), 6.0, 0.05);
  EXPECT_GT(Peak(ours, 0.2, 1.4), 10000);
  EXPECT_EQ(Peak(ours, 1.6, 4.4), 0);
  EXPECT_GT(Peak(ours, 4.6, 5.8), 10000);
}

TEST_F(PcmReaderTest, DeclaresTheDuration) {
  fs::path webm = Tone("tone.webm", "-c:a libopus");
  auto reader = PcmReader::Open(webm);
  ASSERT_TRUE(reader.ok()) << reader.error().Describe();
  EXPECT_NEAR(reader->declared_duration(), ProbeDuration(webm), 0.01);
}

TEST_F(PcmReaderTest, GarbageIsTerminalErrorNamingTheFile) {
  fs::path garbage = dir_ / "garbage.webm";
  {
    std::FILE* out = std::fopen(garbage.c_str(), "wb");
    ASSERT_NE(out, nullptr);
    std::uint32_t state = 7;
    for (int i = 0; i < 20000; ++i) {
      state = state * 1664525u + 1013904223u;
      std::fputc(static_cast<int>(state >> 24), out);
    }
    std::fclose(out);
  }
  auto reader = PcmReader::Open(garbage);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(reader.error().retryable);
  EXPECT_NE(reader.error().message.find("garbage.webm"), std::string::npos) << reader.error().message;
}

}  // namespace
}  // namespace reflector::stt
