// Probe, PadTrack, Mixdown and Waveform on real files made with the ffmpeg tool at test time.
// Results are checked by decoding them with the ffmpeg tool, not with the code under test.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <stop_token>
#include <string>
#include <vector>

#include "audio_fixtures.hpp"
#include "fakes/progress_sink_fake.hpp"
#include "media/audio.hpp"
#include "support/temp_dir.hpp"

namespace reflector::media {
namespace {

namespace fs = std::filesystem;
using reflector::testing::Decode;
using reflector::testing::MakeToneTrack;
using reflector::testing::Pcm;
using reflector::testing::RecordingSink;
using reflector::testing::RunFfmpegTool;
using reflector::testing::ShellQuoted;
using reflector::testing::StopOnFirstReport;
using reflector::testing::TempDir;
using reflector::testing::ToneSpec;

constexpr double kTolerance = 0.020;  // seconds

double Decibels(double ratio) {
  return 20.0 * std::log10(ratio);
}

std::vector<fs::path> FilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    files.push_back(entry.path().filename());
  std::sort(files.begin(), files.end());
  return files;
}

class MediaTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(reflector::testing::RequireFfmpegTool()); }

  fs::path Tone(const std::string& name, const ToneSpec& spec) {
    fs::path file = dir_ / name;
    EXPECT_TRUE(MakeToneTrack(file, spec));
    return file;
  }

  // Pads every track as the pipeline does; returns what to mix (the padded file, or the
  // source when it is already aligned) and the longest resulting length.
  std::vector<fs::path> PadAll(const std::vector<fs::path>& sources, const std::vector<ToneSpec>& specs,
                               double* longest) {
    std::vector<fs::path> aligned;
    *longest = 0;
    for (std::size_t i = 0; i < sources.size(); ++i) {
      fs::path padded = dir_ / ("padded_" + std::to_string(i) + ".webm");
      auto result = PadTrack(sources[i], padded, {}, sink_);
      EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
      if (!result.ok()) continue;
      aligned.push_back(result->padded ? padded : sources[i]);
      *longest = std::max(*longest, result->padded ? result->duration : specs[i].seconds);
    }
    return aligned;
  }

  TempDir dir_{"media-test"};
  NullProgressSink sink_;
};

TEST_F(MediaTest, ProbeReportsStartTimeDurationAndFormat) {
  fs::path late = Tone("late.webm", {.seconds = 5, .offset = 3});
  fs::path zero = Tone("zero.webm", {.seconds = 2, .channels = 2});

  auto probe = Probe(late);
  ASSERT_TRUE(probe.ok()) << probe.error().message;
  // Opus pre-skip and the 1 ms Matroska time base put the start a little before 3 s.
  EXPECT_NEAR(probe->start_time, 2.99, 0.015);
  EXPECT_NEAR(probe->duration, 5.0, 0.03);
  EXPECT_EQ(probe->sample_rate, 48000);
  EXPECT_EQ(probe->channels, 1);
  EXPECT_EQ(probe->codec, "opus");

  auto zero_probe = Probe(zero);
  ASSERT_TRUE(zero_probe.ok()) << zero_probe.error().message;
  EXPECT_LE(zero_probe->start_time, 0.0);
  EXPECT_GT(zero_probe->start_time, -0.02);
  EXPECT_NEAR(zero_probe->duration, 2.0, 0.03);
  EXPECT_EQ(zero_probe->channels, 2);
}

TEST_F(MediaTest, PadTrackPutsLateTrackAtItsStartAndKeepsAllItsAudio) {
  fs::path source = Tone("late.webm", {.seconds = 5, .amplitude = 0.5, .offset = 3});
  fs::path output = dir_ / "padded.webm";
  RecordingSink progress;

  auto result = PadTrack(source, output, {}, progress);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->padded);
  EXPECT_NEAR(result->start_time, 2.99, 0.015);
  EXPECT_DOUBLE_EQ(result->delay_seconds, static_cast<double>(PaddingDelayMs(result->start_time)) / 1000.0);
  const double delay = result->delay_seconds;
  EXPECT_NEAR(result->duration, delay + 5.0, kTolerance);
  ASSERT_TRUE(fs::exists(output));
  EXPECT_EQ(result->size, fs::file_size(output));

  Pcm pcm = Decode(output, 1);
  EXPECT_NEAR(pcm.seconds(), delay + 5.0, kTolerance);
  EXPECT_LT(pcm.Peak(0.0, delay - 0.05), 0.01) << "silence before the track starts";
  EXPECT_GT(pcm.Rms(delay + 0.05, delay + 0.5), 0.3) << "the tone right after the delay";
  EXPECT_GT(pcm.Rms(delay + 4.5, delay + 4.95), 0.3) << "the tone is still there at the end";

  // The padded file starts at the timeline origin: padding it again changes nothing.
  auto again = Probe(output);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_LE(again->start_time, 0.0);
  EXPECT_NEAR(again->duration, delay + 5.0, 0.03);

  ASSERT_FALSE(progress.fractions.empty());
  EXPECT_TRUE(std::is_sorted(progress.fractions.begin(), progress.fractions.end()));
  EXPECT_GE(progress.fractions.front(), 0.0);
  EXPECT_DOUBLE_EQ(progress.fractions.back(), 1.0);
  EXPECT_EQ(FilesIn(dir_.path()), (std::vector<fs::path>{"late.webm", "padded.webm"})) << "no temporary left";
}

TEST_F(MediaTest, PaddingTheSameTrackTwiceGivesTheSameBytes) {
  // The transcription cache is keyed by the padded track's bytes: a re-run must reproduce them.
  fs::path source = Tone("late.webm", {.seconds = 2, .amplitude = 0.5, .offset = 1});
  ASSERT_TRUE(PadTrack(source, dir_ / "first.webm", {}, sink_).ok());
  ASSERT_TRUE(PadTrack(source, dir_ / "second.webm", {}, sink_).ok());
  auto read = [](const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string first = read(dir_ / "first.webm");
  EXPECT_FALSE(first.empty());
  EXPECT_TRUE(first == read(dir_ / "second.webm"));
}

TEST_F(MediaTest, PadTrackFillsTimestampGapsWithSilence) {
  // 4 s of tone whose timestamps jump by 2 s after 2 s (a muted microphone), starting at 3 s.
  fs::path source = dir_ / "gap.webm";
  ASSERT_TRUE(
      RunFfmpegTool("-f lavfi -i \"aevalsrc=0.5*sin(2*PI*440*t):s=48000:d=4\" "
                    "-af \"asetpts=if(gte(T\\,2)\\,PTS+2/TB\\,PTS)\" -c:a libopus -b:a 64k "
                    "-output_ts_offset 3 " +
                    reflector::testing::ShellQuoted(source)));
  fs::path output = dir_ / "padded.webm";

  auto result = PadTrack(source, output, {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const double delay = result->delay_seconds;
  EXPECT_NEAR(result->duration, delay + 6.0, kTolerance);

  Pcm pcm = Decode(output, 1);
  EXPECT_NEAR(pcm.seconds(), delay + 6.0, kTolerance);
  EXPECT_LT(pcm.Peak(0.0, delay - 0.05), 0.01);
  EXPECT_GT(pcm.Rms(delay + 0.1, delay + 1.9), 0.3);
  EXPECT_LT(pcm.Peak(delay + 2.1, delay + 3.9), 0.01) << "the gap is silence";
  EXPECT_GT(pcm.Rms(delay + 4.1, delay + 5.9), 0.3) << "audio after the gap is at its time";
}

TEST_F(MediaTest, PadTrackLeavesTrackThatStartsAtZero) {
  fs::path source = Tone("zero.webm", {.seconds = 5});
  fs::path output = dir_ / "padded.webm";

  auto result = PadTrack(source, output, {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE(result->padded);
  EXPECT_LE(result->start_time, 0.0);
  EXPECT_EQ(result->delay_seconds, 0.0);
  EXPECT_NEAR(result->duration, 5.0, 0.03);
  EXPECT_EQ(result->size, fs::file_size(source));
  EXPECT_FALSE(fs::exists(output)) << "an aligned track is used as it is, not re-encoded";
}

TEST_F(MediaTest, MixdownOfOneTrackLastsAsLongAsThePaddedTrack) {
  std::vector<ToneSpec> specs{{.seconds = 3, .offset = 2}};
  std::vector<fs::path> sources{Tone("t0.webm", specs[0])};
  double longest = 0;
  auto aligned = PadAll(sources, specs, &longest);
  fs::path output = dir_ / "audio.mp3";

  auto result = Mixdown(aligned, output, {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_NEAR(result->duration, longest, kTolerance);
  EXPECT_EQ(result->size, fs::file_size(output));
  Pcm pcm = Decode(output, 2);
  EXPECT_NEAR(pcm.seconds(), longest, kTolerance);
  EXPECT_LT(pcm.Peak(0.0, 1.9), 0.01);
  EXPECT_GT(pcm.Rms(2.1, 4.9), 0.2);
}

TEST_F(MediaTest, MixdownOfTwoTracksLastsAsLongAsTheLongest) {
  std::vector<ToneSpec> specs{{.seconds = 4, .frequency = 330},
                              {.seconds = 3, .frequency = 550, .offset = 2.5}};
  std::vector<fs::path> sources{Tone("t0.webm", specs[0]), Tone("t1.webm", specs[1])};
  double longest = 0;
  auto aligned = PadAll(sources, specs, &longest);
  EXPECT_NEAR(longest, 5.5, 0.03);
  fs::path output = dir_ / "audio.mp3";

  auto result = Mixdown(aligned, output, {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_NEAR(result->duration, longest, kTolerance);
  Pcm pcm = Decode(output, 2);
  EXPECT_NEAR(pcm.seconds(), longest, kTolerance);
  EXPECT_GT(pcm.Rms(0.1, 2.4), 0.2);
  EXPECT_GT(pcm.Rms(4.1, 5.4), 0.2) << "the second track alone, after the first ended";
  // Where both play, levels add up (no normalisation).
  EXPECT_GT(pcm.Peak(2.6, 3.9), 0.8);
}

TEST_F(MediaTest, MixdownOfFiveTracksHasEnergyWhereEachTrackHasEnergy) {
  // Track i plays 1.5 s from 2i s: five separate windows with silence between them.
  std::vector<ToneSpec> specs;
  std::vector<fs::path> sources;
  for (int i = 0; i < 5; ++i) {
    specs.push_back({.seconds = 1.5, .frequency = 300.0 + 100 * i, .offset = 2.0 * i});
    sources.push_back(Tone("t" + std::to_string(i) + ".webm", specs.back()));
  }
  double longest = 0;
  auto aligned = PadAll(sources, specs, &longest);
  ASSERT_EQ(aligned.size(), 5U);
  EXPECT_EQ(aligned[0], sources[0]) << "the track starting at 0 is mixed as it is";
  fs::path output = dir_ / "audio.mp3";

  auto result = Mixdown(aligned, output, {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_NEAR(longest, 9.5, 0.03);
  EXPECT_NEAR(result->duration, longest, kTolerance);
  Pcm pcm = Decode(output, 1);
  EXPECT_NEAR(pcm.seconds(), longest, kTolerance);
  for (int i = 0; i < 5; ++i) {
    double start = 2.0 * i;
    EXPECT_GT(pcm.Rms(start + 0.1, start + 1.4), 0.2) << "track " << i;
    if (i < 4) {
      EXPECT_LT(pcm.Peak(start + 1.6, start + 1.9), 0.02) << "gap after track " << i;
    }
  }
}

TEST_F(MediaTest, MixdownKeepsTheLevelOfAMonoTrackInBothChannels) {
  fs::path mono = Tone("mono.webm", {.seconds = 3, .amplitude = 0.5});
  fs::path output = dir_ / "audio.mp3";
  auto result = Mixdown({mono}, output, {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const double source_peak = Decode(mono, 1).Peak(0.2, 2.8);
  Pcm pcm = Decode(output, 2);
  EXPECT_NEAR(Decibels(pcm.Peak(0.2, 2.8, 0) / source_peak), 0.0, 1.0) << "left";
  EXPECT_NEAR(Decibels(pcm.Peak(0.2, 2.8, 1) / source_peak), 0.0, 1.0) << "right";

  // Mixed with a stereo track the mono one is still at its level in both channels.
  fs::path stereo = Tone("stereo.webm", {.seconds = 1, .frequency = 660, .amplitude = 0.3, .channels = 2});
  fs::path stereo_late = dir_ / "stereo_padded.webm";
  ASSERT_TRUE(RunFfmpegTool("-i " + reflector::testing::ShellQuoted(stereo) +
                            " -af adelay=delays=3500:all=1 -c:a libopus -b:a 64k " +
                            reflector::testing::ShellQuoted(stereo_late)));
  fs::path mixed = dir_ / "mixed.mp3";
  result = Mixdown({mono, stereo_late}, mixed, {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_NEAR(result->duration, 4.5, kTolerance);
  Pcm both = Decode(mixed, 2);
  EXPECT_NEAR(Decibels(both.Peak(0.2, 2.8, 0) / source_peak), 0.0, 1.0) << "left";
  EXPECT_NEAR(Decibels(both.Peak(0.2, 2.8, 1) / source_peak), 0.0, 1.0) << "right";
  EXPECT_NEAR(Decibels(both.Peak(3.7, 4.3, 0) / 0.3), 0.0, 1.0) << "stereo track, left";
  EXPECT_NEAR(Decibels(both.Peak(3.7, 4.3, 1) / 0.3), 0.0, 1.0) << "stereo track, right";
}

TEST_F(MediaTest, MixdownAcceptsOtherFormatsAndSampleRates) {
  // A 16 kHz mono WAV and a 44.1 kHz stereo MP3 starting 1 s later.
  fs::path wav = dir_ / "speech.wav";
  ASSERT_TRUE(RunFfmpegTool("-f lavfi -i \"aevalsrc=0.5*sin(2*PI*440*t):s=16000:d=2\" " +
                            reflector::testing::ShellQuoted(wav)));
  fs::path mp3 = dir_ / "music.mp3";
  ASSERT_TRUE(
      RunFfmpegTool("-f lavfi -i \"aevalsrc=0.3*sin(2*PI*660*t)|0.3*sin(2*PI*660*t):s=44100:d=2\" "
                    "-af adelay=delays=1000:all=1 -c:a libmp3lame -b:a 128k " +
                    reflector::testing::ShellQuoted(mp3)));
  fs::path output = dir_ / "audio.mp3";
  auto result = Mixdown({wav, mp3}, output, {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_NEAR(result->duration, 3.0, kTolerance);
  Pcm pcm = Decode(output, 2);
  EXPECT_NEAR(pcm.seconds(), 3.0, kTolerance);
  EXPECT_NEAR(Decibels(pcm.Peak(0.1, 0.9, 0) / 0.5), 0.0, 1.0) << "the WAV alone, left";
  EXPECT_NEAR(Decibels(pcm.Peak(0.1, 0.9, 1) / 0.5), 0.0, 1.0) << "the WAV alone, right";
  EXPECT_NEAR(Decibels(pcm.Peak(2.1, 2.9, 0) / 0.3), 0.0, 1.0) << "the MP3 alone";
}

TEST_F(MediaTest, MixdownLimitsOverlapsInsteadOfClipping) {
  // Two in-phase tones at 0.8 add up to 1.6: clipped, the sum would be nearly square.
  fs::path a = Tone("a.webm", {.seconds = 2, .amplitude = 0.8});
  fs::path b = Tone("b.webm", {.seconds = 2, .amplitude = 0.8});
  fs::path output = dir_ / "audio.mp3";
  auto result = Mixdown({a, b}, output, {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_NEAR(result->duration, 2.0, kTolerance);
  Pcm pcm = Decode(output, 2);
  EXPECT_GT(pcm.Peak(0.5, 1.5), 0.9);
  // A sine held at full scale has an RMS of 0.71; clipping 1.6 at full scale gives 0.88.
  EXPECT_LT(pcm.Rms(0.5, 1.5), 0.78);
}

TEST_F(MediaTest, WaveformShowsWhereTheLoudPartIs) {
  // 10 s: quiet tone, loud between 4 and 5 s, as an MP3 like the mixdown.
  fs::path audio = dir_ / "audio.mp3";
  ASSERT_TRUE(RunFfmpegTool(
      "-f lavfi -i \"aevalsrc=if(between(t\\,4\\,5)\\,0.8\\,0.05)*sin(2*PI*440*t):s=48000:d=10\" "
      "-c:a libmp3lame -b:a 64k " +
      reflector::testing::ShellQuoted(audio)));
  RecordingSink progress;
  auto values = Waveform(audio, 255, {}, progress);
  ASSERT_TRUE(values.ok()) << values.error().message;
  ASSERT_EQ(values->size(), 255U);
  EXPECT_DOUBLE_EQ(*std::max_element(values->begin(), values->end()), 1.0);
  for (std::size_t i = 0; i < values->size(); ++i) {
    double t = (static_cast<double>(i) + 0.5) * 10.0 / 255.0;  // middle of the slice
    if (t > 4.1 && t < 4.9) {
      EXPECT_GE((*values)[i], 0.9) << "slice " << i;
    }
    if (t < 3.8 || t > 5.2) {
      EXPECT_LE((*values)[i], 0.1) << "slice " << i;
    }
    EXPECT_DOUBLE_EQ((*values)[i], std::round((*values)[i] * 100) / 100) << "two decimals";
  }
  ASSERT_FALSE(progress.fractions.empty());
  EXPECT_DOUBLE_EQ(progress.fractions.back(), 1.0);
}

TEST_F(MediaTest, WaveformOfSilenceIsAllZeros) {
  fs::path audio = dir_ / "silence.wav";
  ASSERT_TRUE(
      RunFfmpegTool("-f lavfi -i anullsrc=r=48000:cl=mono -t 3 " + reflector::testing::ShellQuoted(audio)));
  auto values = Waveform(audio, 255, {}, sink_);
  ASSERT_TRUE(values.ok()) << values.error().message;
  EXPECT_EQ(*values, std::vector<double>(255, 0.0));
}

TEST_F(MediaTest, WaveformOfAVeryShortFileStillHasEveryPoint) {
  fs::path audio = Tone("short.webm", {.seconds = 0.3});
  auto values = Waveform(audio, 255, {}, sink_);
  ASSERT_TRUE(values.ok()) << values.error().message;
  ASSERT_EQ(values->size(), 255U);
  EXPECT_DOUBLE_EQ(*std::max_element(values->begin(), values->end()), 1.0);

  auto none = Waveform(audio, 0, {}, sink_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorKind::kInvalidInput);
}

// Every step refuses a bad file with a terminal error that names it, and writes nothing.
TEST_F(MediaTest, BadFilesGiveTerminalErrorsNamingTheFile) {
  fs::path good = Tone("good.webm", {.seconds = 1});
  fs::path text = dir_ / "notes.webm";
  std::ofstream(text) << "these are meeting notes, not audio\n";
  fs::path garbage = dir_ / "garbage.webm";
  reflector::testing::WriteGarbage(garbage, 64 * 1024);
  fs::path empty = dir_ / "empty.webm";
  std::ofstream{empty};
  fs::path video = dir_ / "video.webm";
  ASSERT_TRUE(RunFfmpegTool("-f lavfi -i testsrc=duration=1:size=64x64:rate=5 -c:v libvpx -b:v 50k " +
                            reflector::testing::ShellQuoted(video)));
  fs::path truncated = dir_ / "truncated.webm";
  {
    std::ifstream in(good, std::ios::binary);
    std::string head(200, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(truncated, std::ios::binary) << head;
  }
  fs::path missing = dir_ / "missing.webm";

  fs::path out_webm = dir_ / "out.webm";
  fs::path out_mp3 = dir_ / "out.mp3";
  std::ofstream(out_mp3) << "previous mix";  // replaced only by a successful mixdown

  auto expect_terminal = [](const Error& error, const fs::path& file, const char* step) {
    EXPECT_EQ(error.kind, ErrorKind::kInvalidInput) << step << ": " << error.message;
    EXPECT_FALSE(error.retryable) << step;
    EXPECT_NE(error.message.find(file.filename().string()), std::string::npos)
        << step << " does not name the file: " << error.message;
  };
  for (const fs::path& bad : {text, garbage, empty, video, truncated, missing}) {
    SCOPED_TRACE(bad.filename().string());
    auto probe = Probe(bad);
    ASSERT_FALSE(probe.ok());
    expect_terminal(probe.error(), bad, "Probe");

    auto pad = PadTrack(bad, out_webm, {}, sink_);
    ASSERT_FALSE(pad.ok());
    expect_terminal(pad.error(), bad, "PadTrack");
    EXPECT_FALSE(fs::exists(out_webm));

    auto mix = Mixdown({good, bad}, out_mp3, {}, sink_);
    ASSERT_FALSE(mix.ok());
    expect_terminal(mix.error(), bad, "Mixdown");

    auto waveform = Waveform(bad, 255, {}, sink_);
    ASSERT_FALSE(waveform.ok());
    expect_terminal(waveform.error(), bad, "Waveform");
  }
  std::ifstream previous(out_mp3);
  std::string content;
  std::getline(previous, content);
  EXPECT_EQ(content, "previous mix");
  EXPECT_EQ(FilesIn(dir_.path()),
            (std::vector<fs::path>{"empty.webm", "garbage.webm", "good.webm", "notes.webm", "out.mp3",
                                   "truncated.webm", "video.webm"}))
      << "no temporary files left";

  auto none = Mixdown({}, out_mp3, {}, sink_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorKind::kInvalidInput);
}

TEST_F(MediaTest, StopRequestCancelsAndLeavesNoOutput) {
  fs::path late = Tone("late.webm", {.seconds = 20, .offset = 2});
  fs::path zero = Tone("zero.webm", {.seconds = 20});
  const std::vector<fs::path> inputs_only{"late.webm", "zero.webm"};

  {
    std::stop_source stop;
    StopOnFirstReport sink(stop);
    auto pad = PadTrack(late, dir_ / "padded.webm", stop.get_token(), sink);
    ASSERT_FALSE(pad.ok());
    EXPECT_EQ(pad.error().kind, ErrorKind::kCancelled);
    EXPECT_EQ(FilesIn(dir_.path()), inputs_only);
  }
  {
    std::stop_source stop;
    StopOnFirstReport sink(stop);
    auto mix = Mixdown({late, zero}, dir_ / "audio.mp3", stop.get_token(), sink);
    ASSERT_FALSE(mix.ok());
    EXPECT_EQ(mix.error().kind, ErrorKind::kCancelled);
    EXPECT_EQ(FilesIn(dir_.path()), inputs_only);
  }
  {
    std::stop_source stop;
    StopOnFirstReport sink(stop);
    auto waveform = Waveform(zero, 255, stop.get_token(), sink);
    ASSERT_FALSE(waveform.ok());
    EXPECT_EQ(waveform.error().kind, ErrorKind::kCancelled);
  }
  {
    std::stop_source stop;
    stop.request_stop();  // already stopped before the call
    auto pad = PadTrack(late, dir_ / "padded.webm", stop.get_token(), sink_);
    ASSERT_FALSE(pad.ok());
    EXPECT_EQ(pad.error().kind, ErrorKind::kCancelled);
    EXPECT_EQ(FilesIn(dir_.path()), inputs_only);
  }
}

}  // namespace
}  // namespace reflector::media
