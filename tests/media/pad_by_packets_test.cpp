// Padding by packets against padding by re-encoding, on speech made at test time (flite, encoded
// to WebM/Opus and Ogg/Opus by the ffmpeg tool with start offsets and a muted-microphone gap).
// Both outputs are decoded by the ffmpeg tool and compared: alignment within one 20 ms frame,
// level of every second within 1 dB, same length.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "audio_fixtures.hpp"
#include "media/audio.hpp"
#include "media/ffmpeg_handles.hpp"
#include "media/opus_packet.hpp"
#include "pcm_analysis.hpp"
#include "support/temp_dir.hpp"

namespace reflector::media {
namespace {

namespace fs = std::filesystem;
using reflector::testing::BestLag;
using reflector::testing::Decode;
using reflector::testing::LevelPerSecondDb;
using reflector::testing::Onset;
using reflector::testing::Pcm;
using reflector::testing::RunFfmpegTool;
using reflector::testing::ShellQuoted;
using reflector::testing::TempDir;

constexpr double kFrame = 0.020;       // seconds: one Opus frame, the alignment tolerance
constexpr double kSpeechLevel = 0.01;  // RMS of a 10 ms block where speech has started
constexpr double kQuietDb = -60;       // a second quieter than this in both outputs is silence
constexpr double kGapStart = 2.0;      // seconds into the track where the gap cases go quiet
constexpr double kGapLength = 2.0;     // seconds the timestamps jump there
constexpr const char* kSentence =
    "Good morning everyone. Let us review the budget for the new project and the schedule for the next "
    "quarter.";

std::string ReadBytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The audio stream's packets of `file`, read with libavformat (not with the code under test).
struct Packets {
  std::vector<std::string> payloads;
  std::vector<std::int64_t> pts;
  int pre_skip = -1;              // from the OpusHead
  std::int64_t codec_delay = -1;  // initial_padding: the container's CodecDelay, in samples
  int channels = 0;
};

Packets ReadPackets(const fs::path& file) {
  Packets packets;
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, file.c_str(), nullptr, nullptr) < 0) {
    ADD_FAILURE() << "cannot open " << file;
    return packets;
  }
  InputFormatPtr format(raw);
  if (avformat_find_stream_info(format.get(), nullptr) < 0 || format->nb_streams != 1) {
    ADD_FAILURE() << "no single stream in " << file;
    return packets;
  }
  const AVCodecParameters* parameters = format->streams[0]->codecpar;
  auto head = ParseOpusHead({parameters->extradata, static_cast<std::size_t>(parameters->extradata_size)});
  if (head) packets.pre_skip = head->pre_skip;
  packets.codec_delay = parameters->initial_padding;
  packets.channels = parameters->ch_layout.nb_channels;
  PacketPtr packet = MakePacket();
  while (av_read_frame(format.get(), packet.get()) >= 0) {
    packets.payloads.emplace_back(reinterpret_cast<const char*>(packet->data),
                                  static_cast<std::size_t>(packet->size));
    packets.pts.push_back(packet->pts);
    av_packet_unref(packet.get());
  }
  return packets;
}

// Whether `part` appears in `whole` in order (other elements may come between).
bool IsSubsequence(const std::vector<std::string>& part, const std::vector<std::string>& whole) {
  auto at = whole.begin();
  for (const std::string& p : part) {
    at = std::find(at, whole.end(), p);
    if (at == whole.end()) return false;
    ++at;
  }
  return true;
}

// `good` with everything from `from` on replaced by a fixed pseudo-random pattern.
void WriteWithGarbageFrom(const fs::path& good, std::size_t from, const fs::path& bad) {
  std::string bytes = ReadBytes(good);
  std::uint32_t state = 12345;
  for (std::size_t i = from; i < bytes.size(); ++i) {
    state = state * 1664525U + 1013904223U;
    bytes[i] = static_cast<char>(state >> 24);
  }
  std::ofstream(bad, std::ios::binary) << bytes;
}

struct Case {
  const char* name;
  const char* container;  // "webm" or "ogg"
  double offset;          // -output_ts_offset: where the track starts on the meeting timeline
  bool gap = false;       // timestamps jump by kGapLength after kGapStart
  int channels = 1;
};

class PaddingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(reflector::testing::RequireFfmpegTool());
    ASSERT_TRUE(reflector::testing::RequireFliteTool());
  }

  // Speech encoded like a participant track: libopus 32 kb/s, starting at `offset`.
  fs::path MakeTrack(const Case& c) {
    fs::path wav = dir_ / "speech.wav";
    EXPECT_TRUE(reflector::testing::MakeSpeech(wav, kSentence));
    fs::path track = dir_ / (std::string("track.") + c.container);
    std::string filter = c.gap ? "-af \"asetpts=if(gte(T\\,2)\\,PTS+2/TB\\,PTS)\" " : "";
    EXPECT_TRUE(RunFfmpegTool("-i " + ShellQuoted(wav) + " " + filter + "-ac " + std::to_string(c.channels) +
                              " -c:a libopus -b:a 32k -output_ts_offset " + std::to_string(c.offset) + " " +
                              ShellQuoted(track)));
    return track;
  }

  TempDir dir_{"pad-by-packets-test"};
  NullProgressSink sink_;
};

class PadByPacketsTest : public PaddingTest, public ::testing::WithParamInterface<Case> {};

TEST_P(PadByPacketsTest, DecodesLikeTheReencodedTrack) {
  const Case& c = GetParam();
  fs::path source = MakeTrack(c);
  auto packets = PadTrack(source, dir_ / "packets.webm", {}, sink_);
  ASSERT_TRUE(packets.ok()) << packets.error().message;
  auto reencoded = PadTrackByReencoding(source, dir_ / "reencoded.webm", {}, sink_);
  ASSERT_TRUE(reencoded.ok()) << reencoded.error().message;
  ASSERT_TRUE(packets->padded);
  EXPECT_EQ(packets->method, PadMethod::kPackets);
  EXPECT_EQ(reencoded->method, PadMethod::kReencoding);
  const double delay = packets->delay_seconds;
  EXPECT_DOUBLE_EQ(delay, reencoded->delay_seconds);
  EXPECT_NEAR(delay, c.offset, 0.010);

  const Pcm p = Decode(dir_ / "packets.webm", 1);
  const Pcm r = Decode(dir_ / "reencoded.webm", 1);
  const Pcm s = Decode(source, 1);
  // Length: the delay plus every sample of the track, as the re-encoded output.
  EXPECT_NEAR(p.seconds(), packets->duration, 0.001);
  EXPECT_NEAR(packets->duration, reencoded->duration, kFrame);
  EXPECT_NEAR(p.seconds(), r.seconds(), kFrame);
  EXPECT_NEAR(p.seconds(), delay + s.seconds() + (c.gap ? kGapLength : 0.0), kFrame);

  // Alignment: envelopes and speech onsets within one frame of each other and of the timeline.
  const double lag = BestLag(r, p, 0.1);
  EXPECT_LE(std::abs(lag), kFrame) << "cross-correlation lag of the envelopes";
  const double onset = Onset(p, kSpeechLevel);
  ASSERT_GT(onset, 0);
  EXPECT_NEAR(onset, Onset(r, kSpeechLevel), kFrame);
  RecordProperty("lag_ms", std::to_string(lag * 1000));
  RecordProperty("onset_difference_ms", std::to_string((onset - Onset(r, kSpeechLevel)) * 1000));
  EXPECT_NEAR(onset, delay + Onset(s, kSpeechLevel), kFrame);
  EXPECT_EQ(p.Peak(0.0, delay - kFrame), 0.0) << "the leading silence is digital silence";

  // Level of every second within 1 dB, where either output has sound.
  const std::vector<double> lp = LevelPerSecondDb(p);
  const std::vector<double> lr = LevelPerSecondDb(r);
  ASSERT_GE(lp.size(), 3U);
  double largest_difference = 0;
  for (std::size_t i = 0; i < std::min(lp.size(), lr.size()); ++i) {
    if (lp[i] < kQuietDb && lr[i] < kQuietDb) continue;
    EXPECT_NEAR(lp[i], lr[i], 1.0) << "second " << i;
    largest_difference = std::max(largest_difference, std::abs(lp[i] - lr[i]));
  }
  RecordProperty("largest_level_difference_db", std::to_string(largest_difference));
  if (c.gap) {
    // The gap's edges move by the encoder's delay and the container's packet timing (up to 0.1 s).
    EXPECT_EQ(p.Peak(delay + kGapStart + 0.1, delay + kGapStart + kGapLength - 0.1), 0.0)
        << "the gap is silent packets";
    EXPECT_GT(p.Rms(delay + kGapStart + kGapLength, p.seconds()), 0.01) << "speech after the gap";
  }

  // The track's own packets are in the output unchanged, in order, at increasing timestamps,
  // and the OpusHead pre-skip is the container's CodecDelay.
  const Packets in = ReadPackets(source);
  const Packets out = ReadPackets(dir_ / "packets.webm");
  EXPECT_TRUE(IsSubsequence(in.payloads, out.payloads));
  EXPECT_GE(out.payloads.size(), in.payloads.size() + static_cast<std::size_t>((delay - kFrame) / kFrame));
  EXPECT_TRUE(std::is_sorted(out.pts.begin(), out.pts.end()));
  EXPECT_EQ(std::adjacent_find(out.pts.begin(), out.pts.end()), out.pts.end()) << "strictly increasing";
  EXPECT_GE(out.pre_skip, 0);
  EXPECT_EQ(out.codec_delay, out.pre_skip);
  EXPECT_EQ(out.channels, c.channels);
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, PadByPacketsTest,
    ::testing::Values(Case{"webm_0_01s", "webm", 0.01}, Case{"webm_0_5s", "webm", 0.5},
                      Case{"webm_3s", "webm", 3.0}, Case{"webm_7_3s", "webm", 7.3},
                      Case{"webm_3s_gap", "webm", 3.0, true}, Case{"webm_1_2s_stereo", "webm", 1.2, false, 2},
                      Case{"ogg_0_5s", "ogg", 0.5}, Case{"ogg_3s", "ogg", 3.0}, Case{"ogg_7_3s", "ogg", 7.3},
                      Case{"ogg_3s_gap", "ogg", 3.0, true}),
    [](const ::testing::TestParamInfo<Case>& param_info) { return std::string(param_info.param.name); });

TEST_F(PaddingTest, PaddingTwiceGivesTheSameBytes) {
  // The transcription cache is keyed by the padded track's bytes: a re-run must reproduce them.
  for (const char* container : {"webm", "ogg"}) {
    SCOPED_TRACE(container);
    fs::path source = MakeTrack({"", container, 2.5});
    auto first = PadTrack(source, dir_ / "first.webm", {}, sink_);
    auto second = PadTrack(source, dir_ / "second.webm", {}, sink_);
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(first->method, PadMethod::kPackets);
    const std::string bytes = ReadBytes(dir_ / "first.webm");
    EXPECT_EQ(bytes.size(), first->size);
    EXPECT_TRUE(bytes == ReadBytes(dir_ / "second.webm"));
  }
}

TEST_F(PaddingTest, TrackStartingAtZeroIsUsedAsItIs) {
  for (const char* container : {"webm", "ogg"}) {
    SCOPED_TRACE(container);
    fs::path source = MakeTrack({"", container, 0.0});
    fs::path output = dir_ / "padded.webm";
    auto result = PadTrack(source, output, {}, sink_);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_FALSE(result->padded);
    EXPECT_EQ(result->method, PadMethod::kNone);
    EXPECT_EQ(result->delay_seconds, 0.0);
    EXPECT_EQ(result->size, fs::file_size(source));
    EXPECT_FALSE(fs::exists(output)) << "nothing written";
    // The source is what the pipeline uses: valid audio starting at once.
    const Pcm pcm = Decode(source, 1);
    EXPECT_NEAR(pcm.seconds(), result->duration, 0.03);
    EXPECT_LT(Onset(pcm, kSpeechLevel), 0.5);
  }
}

TEST_F(PaddingTest, OtherFormatsAreDecodedAndEncodedAgain) {
  // An MP3 (its encoder delay makes it start at 25 ms), PCM in Matroska starting at 1.5 s and
  // Opus in MP4 starting at 2 s: none is Opus in WebM/Ogg.
  fs::path wav = dir_ / "speech.wav";
  ASSERT_TRUE(reflector::testing::MakeSpeech(wav, kSentence));
  fs::path mp3 = dir_ / "speech.mp3";
  ASSERT_TRUE(RunFfmpegTool("-i " + ShellQuoted(wav) + " -c:a libmp3lame -b:a 64k " + ShellQuoted(mp3)));
  fs::path pcm_mka = dir_ / "speech.mka";
  ASSERT_TRUE(RunFfmpegTool("-i " + ShellQuoted(wav) + " -c:a pcm_s16le -output_ts_offset 1.5 " +
                            ShellQuoted(pcm_mka)));
  fs::path opus_mp4 = dir_ / "speech.mp4";
  ASSERT_TRUE(RunFfmpegTool("-i " + ShellQuoted(wav) + " -c:a libopus -b:a 32k -output_ts_offset 2 " +
                            ShellQuoted(opus_mp4)));
  const double length = Decode(wav, 1).seconds();
  for (const fs::path& source : {mp3, pcm_mka, opus_mp4}) {
    SCOPED_TRACE(source.filename().string());
    fs::path output = dir_ / "padded.webm";
    auto result = PadTrack(source, output, {}, sink_);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_TRUE(result->padded);
    EXPECT_EQ(result->method, PadMethod::kReencoding);
    const Pcm pcm = Decode(output, 1);
    EXPECT_NEAR(pcm.seconds(), result->duration, 0.001);
    EXPECT_NEAR(pcm.seconds(), result->delay_seconds + length, 0.06);  // MP3 and Opus frame padding
    EXPECT_NEAR(Onset(pcm, kSpeechLevel), result->delay_seconds + Onset(Decode(wav, 1), kSpeechLevel),
                kFrame);
  }
  // A WAV has no start time: it is already aligned.
  auto plain = PadTrack(wav, dir_ / "wav.webm", {}, sink_);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_FALSE(plain->padded);
}

TEST_F(PaddingTest, CorruptFilesGiveTerminalErrorsNamingTheFile) {
  // A WebM whose clusters are garbage, an Ogg whose audio pages are garbage, and a WebM whose
  // OpusHead says it has no channels.
  fs::path webm = MakeTrack({"", "webm", 2.0});
  const std::string webm_bytes = ReadBytes(webm);
  const std::size_t cluster = webm_bytes.find("\x1F\x43\xB6\x75");
  ASSERT_NE(cluster, std::string::npos);
  fs::path bad_webm = dir_ / "bad_clusters.webm";
  WriteWithGarbageFrom(webm, cluster, bad_webm);
  fs::path ogg = MakeTrack({"", "ogg", 2.0});
  const std::string ogg_bytes = ReadBytes(ogg);
  const std::size_t third_page =
      ogg_bytes.find("OggS", ogg_bytes.find("OggS", 4) + 4);  // after the 2 headers
  ASSERT_NE(third_page, std::string::npos);
  fs::path bad_ogg = dir_ / "bad_pages.ogg";
  WriteWithGarbageFrom(ogg, third_page, bad_ogg);
  std::string no_channels = webm_bytes;
  const std::size_t head = no_channels.find("OpusHead");
  ASSERT_NE(head, std::string::npos);
  no_channels[head + 9] = 0;
  fs::path bad_head = dir_ / "bad_head.webm";
  std::ofstream(bad_head, std::ios::binary) << no_channels;

  for (const fs::path& bad : {bad_webm, bad_ogg, bad_head}) {
    SCOPED_TRACE(bad.filename().string());
    fs::path output = dir_ / "padded.webm";
    auto result = PadTrack(bad, output, {}, sink_);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput) << result.error().message;
    EXPECT_FALSE(result.error().retryable);
    EXPECT_EQ(result.error().message.rfind(bad.filename().string(), 0), 0U)
        << "starts with the file name: " << result.error().message;
    EXPECT_FALSE(fs::exists(output));
  }
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    EXPECT_NE(entry.path().extension(), ".partial") << "temporary left: " << entry.path();
  }
}

TEST_F(PaddingTest, TheComparisonsCatchAShiftAndALevelChange) {
  // The checks of the corpus test must be able to fail: a 25 ms shift and a 2 dB change show.
  fs::path source = MakeTrack({"", "webm", 1.0});
  ASSERT_TRUE(PadTrack(source, dir_ / "packets.webm", {}, sink_).ok());
  const Pcm p = Decode(dir_ / "packets.webm", 1);
  const Pcm shifted = reflector::testing::Delayed(p, 0.025);
  EXPECT_NEAR(BestLag(p, shifted, 0.1), 0.025, 0.002);
  EXPECT_NEAR(Onset(shifted, kSpeechLevel) - Onset(p, kSpeechLevel), 0.025, 0.011);
  Pcm louder = p;
  for (float& sample : louder.samples)
    sample *= 1.2589F;  // +2 dB
  const std::vector<double> before = LevelPerSecondDb(p);
  const std::vector<double> after = LevelPerSecondDb(louder);
  ASSERT_GE(before.size(), 3U);
  EXPECT_NEAR(after[2] - before[2], 2.0, 0.01);
}

}  // namespace
}  // namespace reflector::media
