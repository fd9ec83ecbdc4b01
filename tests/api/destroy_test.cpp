// DELETE /v1/transcripts/{id}/destroy removes rows and files, as Reflector does: the transcript,
// its events, its shadow transcripts and its recording, and every object the pipeline wrote for
// it (uploaded tracks, padded tracks, word files, mixdown, waveform; a shadow run's copies), but
// nothing another transcript still uses.

#include <algorithm>

#include "api_fixture.hpp"
#include "store/recordings.hpp"
#include "store/shadow_runs.hpp"

namespace reflector::api::testing {
namespace {

class DestroyTest : public ApiFixture {
 protected:
  // Uploads two tracks (Ana, Ben) to the transcript as ana; returns the recording's id.
  std::string UploadTwoTracks(const std::string& id) {
    auto response = PostMultipart("/v1/transcripts/" + id + "/tracks",
                                  {{.name = "Ana", .value = TinyWav(0.25), .filename = "ana.wav"},
                                   {.name = "Ben", .value = TinyWav(0.25), .filename = "ben.wav"}},
                                  "ana");
    EXPECT_EQ(response.status, 202) << response.body;
    return Stored(id).recording_id.value_or("");
  }
  // What a finished run of two tracks leaves under `root` (the keys of src/pipeline/tasks).
  void WriteRunObjects(const std::string& root) {
    PutObject(root + "/audio.mp3", "mp3");
    PutObject(root + "/waveform.json", "[0.5]");
    PutObject(root + "/words/merged.json", "[]");
    for (const std::string track : {"0", "1"}) {
      PutObject(root + "/padded/track_" + track + ".webm", "webm");
      PutObject(root + "/words/track_" + track + ".json", "[]");
    }
  }
  void SoftDeleteAndDestroy(const std::string& id) {
    ASSERT_EQ(Send("DELETE", "/v1/transcripts/" + id, {}, "ana").status, 200);
    auto destroyed = Send("DELETE", "/v1/transcripts/" + id + "/destroy", {}, "ana");
    ASSERT_EQ(destroyed.status, 200) << destroyed.body;
  }
  static std::vector<std::string> Without(const std::vector<std::string>& keys,
                                          const std::vector<std::string>& prefixes) {
    std::vector<std::string> kept;
    for (const std::string& key : keys) {
      const bool gone = std::any_of(prefixes.begin(), prefixes.end(),
                                    [&](const std::string& prefix) { return key.starts_with(prefix); });
      if (!gone) kept.push_back(key);
    }
    return kept;
  }
  store::Recordings Recordings() { return store::Recordings(*database_, clock_); }
};

TEST_F(DestroyTest, RemovesTheRowsAndEveryObjectOfTheTranscriptAndNothingElse) {
  const std::string id = CreateTranscript("ana", "to destroy");
  const std::string recording = UploadTwoTracks(id);
  ASSERT_FALSE(recording.empty());
  WriteRunObjects(id);
  Append(id, events::EventType::kFinalTitle, events::FinalTitleData("gone soon"));
  // A shadow run of it (CONDUCTOR_SHADOW_MODE) wrote its own copies under shadow/.
  const std::string shadow = StoreOwnerlessTranscript("shadow");
  store::ShadowRun run;
  run.id = "shadow-run-1";
  run.recording_id = recording;
  run.primary_transcript_id = id;
  run.primary_workflow_id = "wf-1";
  run.primary_engine = "in_process";
  run.shadow_transcript_id = shadow;
  run.shadow_engine = "conductor";
  ASSERT_TRUE(store::ShadowRuns(*database_, clock_).Create(run).ok());
  WriteRunObjects("shadow/" + shadow);
  // Another meeting of the same user keeps everything.
  const std::string other = CreateTranscript("ana", "to keep");
  const std::string other_recording = UploadTwoTracks(other);
  WriteRunObjects(other);

  const std::vector<std::string> before = StoredObjectKeys();
  // Seven run objects for each of the three runs, two uploaded tracks for each of two recordings.
  ASSERT_EQ(before.size(), 3U * 7U + 2U * 2U) << Json(before).dump();
  SoftDeleteAndDestroy(id);

  const std::vector<std::string> after = StoredObjectKeys();
  EXPECT_EQ(after, Without(before, {id + "/", "shadow/" + shadow + "/", "uploads/" + recording + "/"}));
  EXPECT_EQ(after.size(), 2U + 7U) << "the other meeting's tracks and run objects: " << Json(after).dump();
  EXPECT_EQ(Transcripts().Get(id).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(Transcripts().Get(shadow).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(Recordings().Get(recording).error().kind, ErrorKind::kNotFound);
  auto events = store::TranscriptEvents(*database_, clock_).List(id);
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
  EXPECT_TRUE(Recordings().Get(other_recording).ok());
  EXPECT_EQ(Get("/v1/transcripts/" + other, "ana").status, 200);
}

TEST_F(DestroyTest, TracksAnotherTranscriptStillUsesStay) {
  const std::string id = CreateTranscript("ana", "to destroy");
  const std::string recording = UploadTwoTracks(id);
  WriteRunObjects(id);
  // A second transcript of the same recording (as a Daily.co recording run again would be).
  const std::string sibling = CreateTranscript("ana", "same recording");
  ASSERT_TRUE(Transcripts().SetRecording(sibling, recording).ok());

  const std::vector<std::string> before = StoredObjectKeys();
  SoftDeleteAndDestroy(id);
  EXPECT_EQ(StoredObjectKeys(), Without(before, {id + "/"}));
  EXPECT_TRUE(ObjectExists("uploads/" + recording + "/0-Ana"));
  EXPECT_TRUE(Recordings().Get(recording).ok());
}

}  // namespace
}  // namespace reflector::api::testing
