// audio/mp3 (GET, HEAD, Range, the ?token= link), audio/waveform, and process (re-run).

#include "api_fixture.hpp"
#include "pipeline/task_context.hpp"
#include "support/test_files.hpp"

namespace reflector::api::testing {
namespace {

class AudioTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (HasFatalFailure()) return;
    id_ = CreateTranscript("ana");
    audio_ = reflector::testing::RandomBytes(100, 7);
    PutObject(pipeline::MixdownKey(id_), audio_);
    path_ = "/v1/transcripts/" + id_ + "/audio/mp3";
  }
  net::HttpResponse GetRange(const std::string& range, const std::string& method = "GET") {
    return Send(method, path_, {}, "ana", {{"Range", range}});
  }

  std::string id_;
  std::string audio_;
  std::string path_;
};

TEST_F(AudioTest, GetServesTheMixdownWithDownloadHeaders) {
  auto response = Get(path_, "ana");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, audio_);
  EXPECT_EQ(response.Header("Content-Type").value_or(""), "audio/mpeg");
  EXPECT_EQ(response.Header("Accept-Ranges").value_or(""), "bytes");
  EXPECT_EQ(response.Header("Content-Length").value_or(""), "100");
  EXPECT_EQ(response.Header("Content-Disposition").value_or(""),
            "inline; filename=recording_" + id_.substr(0, 8) + ".mp3");
  EXPECT_TRUE(ScratchEmptiesSoon());  // the downloaded copy is gone once sent
}

TEST_F(AudioTest, HeadDescribesTheBodyWithoutSendingIt) {
  auto response = Send("HEAD", path_, {}, "ana");
  ASSERT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(response.Header("Content-Length").value_or(""), "100");
  EXPECT_EQ(response.Header("Accept-Ranges").value_or(""), "bytes");
  auto ranged = GetRange("bytes=0-9", "HEAD");
  EXPECT_EQ(ranged.status, 206);
  EXPECT_EQ(ranged.Header("Content-Length").value_or(""), "10");
  EXPECT_TRUE(ranged.body.empty());
  // The connection is still good for a GET afterwards.
  EXPECT_EQ(Get(path_, "ana").body, audio_);
}

TEST_F(AudioTest, RangesAnswer206WithExactlyThoseBytes) {
  auto first = GetRange("bytes=0-9");
  ASSERT_EQ(first.status, 206) << first.body;
  EXPECT_EQ(first.body, audio_.substr(0, 10));
  EXPECT_EQ(first.Header("Content-Range").value_or(""), "bytes 0-9/100");
  EXPECT_EQ(first.Header("Content-Length").value_or(""), "10");

  auto suffix = GetRange("bytes=-5");
  ASSERT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.body, audio_.substr(95));
  EXPECT_EQ(suffix.Header("Content-Range").value_or(""), "bytes 95-99/100");

  auto open_ended = GetRange("bytes=10-");
  ASSERT_EQ(open_ended.status, 206);
  EXPECT_EQ(open_ended.body, audio_.substr(10));
  EXPECT_EQ(open_ended.Header("Content-Range").value_or(""), "bytes 10-99/100");

  auto past_the_end = GetRange("bytes=90-1000");
  ASSERT_EQ(past_the_end.status, 206);
  EXPECT_EQ(past_the_end.body, audio_.substr(90));
  EXPECT_EQ(past_the_end.Header("Content-Range").value_or(""), "bytes 90-99/100");

  auto whole_suffix = GetRange("bytes=-500");
  ASSERT_EQ(whole_suffix.status, 206);
  EXPECT_EQ(whole_suffix.body, audio_);
}

TEST_F(AudioTest, UnsatisfiableRangesAre416) {
  for (const std::string range : {"bytes=100-", "bytes=200-300", "bytes=50-10", "bytes=-0"}) {
    auto response = GetRange(range);
    EXPECT_EQ(response.status, 416) << range;
    EXPECT_EQ(response.Header("Content-Range").value_or(""), "bytes */100") << range;
  }
  // A range the server does not understand is ignored: the whole file.
  for (const std::string range : {"items=0-9", "bytes=0-1,5-6", "bytes=x-y"}) {
    auto response = GetRange(range);
    EXPECT_EQ(response.status, 200) << range;
    EXPECT_EQ(response.body, audio_) << range;
  }
}

TEST_F(AudioTest, MissingOrDeletedAudioIsNotFound) {
  ASSERT_EQ(SendJson("PATCH", "/v1/transcripts/" + id_, Json{{"audio_deleted", true}}, "ana").status, 200);
  auto deleted = Get(path_, "ana");
  EXPECT_EQ(deleted.status, 404);
  EXPECT_EQ(Detail(deleted), "Audio was deleted");

  const std::string other = CreateTranscript("ana");
  auto missing = Get("/v1/transcripts/" + other + "/audio/mp3", "ana");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Detail(missing), "Audio not found");
}

TEST_F(AudioTest, AnotherUsersAudioNeedsTheirLink) {
  EXPECT_EQ(Get(path_, "ben").status, 403);
  EXPECT_EQ(Get(path_).status, 403);
  auto linked = Get(path_ + "?token=audio:ana:" + id_);
  ASSERT_EQ(linked.status, 200);
  EXPECT_EQ(linked.body, audio_);
  auto wrong_transcript = Get(path_ + "?token=audio:ana:some-other-id");
  EXPECT_EQ(wrong_transcript.status, 401);
  EXPECT_EQ(wrong_transcript.Header("WWW-Authenticate").value_or(""), "Bearer");
  EXPECT_EQ(Get(path_ + "?token=audio:ben:" + id_).status, 403);  // a link only carries its user's rights
}

TEST_F(AudioTest, BrowsersMayReadTheRangeHeaders) {
  auto response =
      Send("GET", path_, {}, "ana", {{"Origin", std::string(kFrontendOrigin)}, {"Range", "bytes=0-1"}});
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.Header("Access-Control-Allow-Origin").value_or(""), kFrontendOrigin);
  EXPECT_NE(response.Header("Access-Control-Expose-Headers").value_or("").find("Content-Range"),
            std::string::npos);
}

TEST_F(AudioTest, WaveformServesTheStoredData) {
  const std::string waveform = "/v1/transcripts/" + id_ + "/audio/waveform";
  auto missing = Get(waveform, "ana");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Detail(missing), "Waveform not found");

  PutObject(pipeline::WaveformKey(id_), "[0.0, 0.25, 1.0]");
  auto response = Get(waveform, "ana");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(BodyJson(response), Json::parse(R"({"data": [0.0, 0.25, 1.0]})"));
  // The {"data": [...]} shape is accepted too.
  PutObject(pipeline::WaveformKey(id_), R"({"data": [0.5]})");
  EXPECT_EQ(BodyJson(Get(waveform, "ana")), Json::parse(R"({"data": [0.5]})"));
  EXPECT_EQ(Get(waveform, "ben").status, 403);
}

TEST_F(AudioTest, ProcessRefusesWhatCannotRunAgain) {
  const std::string process = "/v1/transcripts/" + id_ + "/process";
  auto never_ran = Send("POST", process, {}, "ana");
  EXPECT_EQ(never_ran.status, 400);
  EXPECT_EQ(Detail(never_ran), "Recording is not ready for processing");
  EXPECT_EQ(Send("POST", process, {}, "ben").status, 403);

  ASSERT_EQ(SendJson("PATCH", "/v1/transcripts/" + id_, Json{{"locked", true}}, "ana").status, 200);
  auto locked = Send("POST", process, {}, "ana");
  EXPECT_EQ(locked.status, 400);
  EXPECT_EQ(Detail(locked), "Recording is locked");
  ASSERT_EQ(SendJson("PATCH", "/v1/transcripts/" + id_, Json{{"locked", false}}, "ana").status, 200);

  ASSERT_TRUE(Transcripts().SetStatus(id_, store::TranscriptStatus::kProcessing).ok());
  auto running = Send("POST", process, {}, "ana");
  EXPECT_EQ(running.status, 400);
  EXPECT_NE(Detail(running).find("already running"), std::string::npos) << running.body;
  EXPECT_TRUE(engine_.started.empty());
}

TEST_F(AudioTest, ProcessRunsAnEndedTranscriptAgainWithItsTracks) {
  const std::string wav = TinyWav();
  auto uploaded = PostMultipart("/v1/transcripts/" + id_ + "/tracks",
                                {{.name = "Ana", .value = wav, .filename = "ana.wav"}}, "ana");
  ASSERT_EQ(uploaded.status, 202) << uploaded.body;
  ASSERT_TRUE(Transcripts().SetStatus(id_, store::TranscriptStatus::kEnded).ok());
  ASSERT_TRUE(Transcripts().SetTopics(id_, SampleTopics(), "WEBVTT\n").ok());

  auto rerun = Send("POST", "/v1/transcripts/" + id_ + "/process", {}, "ana");
  ASSERT_EQ(rerun.status, 200) << rerun.body;
  EXPECT_EQ(BodyJson(rerun), (Json{{"status", "ok"}}));
  ASSERT_EQ(engine_.started.size(), 2U);
  EXPECT_EQ(engine_.started[1].input["tracks"], engine_.started[0].input["tracks"]);
  EXPECT_EQ(engine_.started[1].correlation_id, id_);
  EXPECT_EQ(Stored(id_).workflow_id, "wf-2");
  EXPECT_EQ(Stored(id_).topics, Json::array());  // results of the last run are cleared
}

}  // namespace
}  // namespace reflector::api::testing
