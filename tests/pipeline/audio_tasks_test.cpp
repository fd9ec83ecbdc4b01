// pad_track, mixdown_tracks and generate_waveform on real audio made with the ffmpeg tool.

#include <gtest/gtest.h>

#include <fstream>

#include "pipeline_fixture.hpp"
#include "support/subprocess.hpp"

namespace reflector::pipeline {
namespace {

class AudioTasksTest : public ::testing::Test {
 protected:
  PipelineFixture f;

  // A 2 s tone encoded as WebM/Opus whose container starts at `offset` seconds.
  std::string Tone(const std::string& name, double offset, const std::string& source = "sine=frequency=440") {
    auto path = f.dir / name;
    char offset_text[32];
    std::snprintf(offset_text, sizeof offset_text, "%.3f", offset);
    auto result =
        testing::RunCommand({"ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-t", "2", "-i", source, "-ar",
                             "48000", "-c:a", "libopus", "-output_ts_offset", offset_text, path.string()});
    EXPECT_EQ(result.exit_code, 0) << "ffmpeg (Debian package ffmpeg) is needed: " << result.err;
    std::string key = "raw/" + name;
    EXPECT_TRUE(f.Put(key, path).ok());
    return key;
  }

  Result<Json> Pad(const std::string& id, int index, const std::string& key) {
    return f.Run("pad_track", Json{{"transcript_id", id},
                                   {"track_index", index},
                                   {"track_count", 2},
                                   {"s3_key", key},
                                   {"bucket_name", f.bucket}});
  }
};

TEST_F(AudioTasksTest, PadMixAndWaveform) {
  std::string id = f.CreateTranscript();
  auto early = Pad(id, 0, Tone("early.webm", 0));
  ASSERT_TRUE(early.ok()) << early.error().message;
  EXPECT_EQ((*early)["padded"]["key"], "raw/early.webm");  // already aligned: used as it is
  auto late = Pad(id, 1, Tone("late.webm", 2.0));
  ASSERT_TRUE(late.ok()) << late.error().message;
  EXPECT_EQ((*late)["padded"]["key"], PaddedTrackKey(id, 1));
  EXPECT_NEAR((*late)["start_time"].get<double>(), 2.0, 0.02);
  EXPECT_NEAR((*late)["duration"].get<double>(), 4.0, 0.05);
  EXPECT_TRUE(f.Exists(PaddedTrackKey(id, 1)));

  Json padded = Json::array({(*early)["padded"], (*late)["padded"]});
  auto mix = f.Run("mixdown_tracks", Json{{"transcript_id", id}, {"padded", padded}});
  ASSERT_TRUE(mix.ok()) << mix.error().message;
  EXPECT_EQ((*mix)["audio_key"], MixdownKey(id));
  EXPECT_NEAR((*mix)["duration"].get<double>(), 4.0, 0.05);
  store::Transcript t = f.Transcript(id);
  EXPECT_NEAR(t.duration, 4.0, 0.05);
  EXPECT_EQ(t.audio_location, "storage");

  auto waveform = f.Run("generate_waveform", Json{{"transcript_id", id}, {"audio_key", MixdownKey(id)}});
  ASSERT_TRUE(waveform.ok()) << waveform.error().message;
  ASSERT_EQ((*waveform)["waveform"].size(), 255U);
  EXPECT_TRUE(f.Exists(WaveformKey(id)));
  std::vector<std::string> names;
  for (const auto& e : f.Events(id))
    names.emplace_back(events::ToString(e.type));
  EXPECT_NE(std::find(names.begin(), names.end(), "DURATION"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "WAVEFORM"), names.end());
}

TEST_F(AudioTasksTest, SilentAndUndecodableTracksAreTerminalErrorsNamingTheTrack) {
  std::string id = f.CreateTranscript();
  auto silent = Pad(id, 1, Tone("quiet.webm", 0, "anullsrc=r=48000:cl=mono"));
  ASSERT_FALSE(silent.ok());
  EXPECT_FALSE(silent.error().retryable);
  EXPECT_NE(silent.error().message.find("track 1 (raw/quiet.webm): the track is silent"), std::string::npos)
      << silent.error().message;

  { std::ofstream(f.dir / "notes.webm") << "not audio"; }
  ASSERT_TRUE(f.Put("raw/notes.webm", f.dir / "notes.webm").ok());
  auto garbage = Pad(id, 0, "raw/notes.webm");
  ASSERT_FALSE(garbage.ok());
  EXPECT_FALSE(garbage.error().retryable);
  EXPECT_NE(garbage.error().message.find("track 0 (raw/notes.webm)"), std::string::npos)
      << garbage.error().message;

  auto missing = Pad(id, 0, "raw/never-uploaded.webm");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);

  auto no_tracks = f.Run("mixdown_tracks", Json{{"transcript_id", id}, {"padded", Json::array()}});
  ASSERT_FALSE(no_tracks.ok());
  EXPECT_NE(no_tracks.error().message.find("'padded' is empty"), std::string::npos);
}

}  // namespace
}  // namespace reflector::pipeline
