// Daily.co recordings end to end through the `reflector` binary: the raw tracks are in a bucket
// of the S3 test server (Daily's bucket, DAILYCO_STORAGE_AWS_*), the transcripts in local
// storage, Daily's REST API is the double of tests/support/fake_daily.hpp. A signed webhook gives
// a transcript named after Daily's participants; forged, stale and replayed deliveries are refused
// with nothing stored; `process --recording-id` does the same from the command line; a run that
// fails once is run again by the server and by `reflector reprocess`, without paying twice for a
// finished transcription.

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "core/ids.hpp"
#include "daily_fixture.hpp"
#include "storage/factory.hpp"
#include "store/daily_recordings.hpp"
#include "store/database.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

class DailyEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("reflector-daily-e2e-tracks");
    meeting_ = new DailyMeeting(MakeDailyMeeting(dir_->path() / "tracks"));
  }
  static void TearDownTestSuite() {
    delete meeting_;
    delete dir_;
  }

  void SetUp() override {
    constexpr const char* kService = "an S3 server (scripts/test-services start)";
    s3_.endpoint_url = RequireServiceVariable("REFLECTOR_TEST_S3_ENDPOINT", kService);
    s3_.bucket = RequireServiceVariable("REFLECTOR_TEST_S3_BUCKET", kService);
    s3_.region = RequireServiceVariable("REFLECTOR_TEST_S3_REGION", kService);
    s3_.access_key_id = RequireServiceVariable("REFLECTOR_TEST_S3_ACCESS_KEY", kService);
    s3_.secret_access_key = RequireServiceVariable("REFLECTOR_TEST_S3_SECRET_KEY", kService);
    ASSERT_FALSE(s3_.secret_access_key.empty());
    auto factory = storage::MakeObjectStoreFactory(StorageBackend::kS3, s3_, {}, http_, clock_);
    ASSERT_TRUE(factory.ok()) << factory.error().Describe();
    factory_ = std::move(*factory);
    auto bucket = factory_->ForBucket(s3_.bucket);
    ASSERT_TRUE(bucket.ok());
    bucket_ = std::move(*bucket);
    reflector_ = BuiltBinary("reflector").string();
  }

  void TearDown() override {
    for (const DailyMeeting& meeting : stored_)
      RemoveTracks(*bucket_, meeting);
  }

  // A meeting of its own (fresh recording id and keys) whose tracks are in Daily's bucket.
  DailyMeeting StoredMeeting() {
    DailyMeeting meeting = CopyDailyMeeting(*meeting_);
    PutTracks(*bucket_, meeting);
    stored_.push_back(meeting);
    return meeting;
  }

  // Settings of a server or command: transcripts in local files, Daily's tracks on S3.
  std::map<std::string, std::string> Env(const std::string& data_dir) const {
    return {{"DATA_DIR", data_dir},
            {"DATABASE_URL", ""},
            {"TRANSCRIPT_STORAGE_BACKEND", "local"},
            {"LOG_LEVEL", "info"},
            {"LLM_URL", ""},
            {"DAILY_API_KEY", daily_.api_key()},
            {"DAILY_API_URL", daily_.BaseUrl()},
            {"DAILYCO_STORAGE_AWS_BUCKET_NAME", s3_.bucket},
            {"DAILYCO_STORAGE_AWS_REGION", s3_.region},
            {"DAILYCO_STORAGE_AWS_ACCESS_KEY_ID", s3_.access_key_id},
            {"DAILYCO_STORAGE_AWS_SECRET_ACCESS_KEY", s3_.secret_access_key},
            {"DAILYCO_STORAGE_AWS_ENDPOINT_URL", s3_.endpoint_url}};
  }

  // `reflector transcripts show ID --json` on a data directory.
  Json Show(const std::map<std::string, std::string>& env, const std::string& id) {
    auto shown = RunCommand({reflector_, "transcripts", "show", id, "--json"}, env, 60s);
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    auto json = ParseJson(shown.out, "transcripts show");
    return json.ok() ? *json : Json(nullptr);
  }

  static TempDir* dir_;
  static DailyMeeting* meeting_;
  TempDir data_{"reflector-daily-e2e"};
  SystemClock clock_;
  net::HttpClient http_;
  S3Settings s3_;
  std::unique_ptr<storage::ObjectStoreFactory> factory_;
  std::unique_ptr<storage::ObjectStore> bucket_;
  std::vector<DailyMeeting> stored_;
  FakeDaily daily_;
  std::string reflector_;
};

TempDir* DailyEndToEndTest::dir_ = nullptr;
DailyMeeting* DailyEndToEndTest::meeting_ = nullptr;

TEST_F(DailyEndToEndTest, ASignedWebhookGivesATranscriptNamedAfterDailysParticipants) {
  const DailyMeeting meeting = StoredMeeting();
  auto env = Env((data_ / "data").string());
  env["DAILY_WEBHOOK_SECRET"] = kSecret;
  env["DAILY_POLL_SECONDS"] = "3600";  // one poll at the start; the webhook brings the recording
  ServeProcess server(reflector_, env);
  ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
  for (int i = 0; i < 100 && daily_.CountRequests("/recordings") == 0; ++i)
    std::this_thread::sleep_for(100ms);
  ASSERT_EQ(daily_.CountRequests("/recordings"), 1) << "the poll at the start";
  DescribeToDaily(daily_, meeting);

  // Forged and stale deliveries: refused, nothing stored.
  const std::string event_id = "rec-rtd-" + meeting.recording_id;
  DailyDelivery forged = ReadyDelivery(meeting, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh4=", event_id);
  EXPECT_EQ(PostDelivery(http_, server, forged).status, 401);
  const std::int64_t stale_at = UnixSeconds(std::chrono::system_clock::now()) - 600;
  DailyDelivery stale = SignLikeDaily(kSecret, ReadyDelivery(meeting, kSecret, event_id).body, stale_at);
  EXPECT_EQ(PostDelivery(http_, server, stale).status, 401);
  EXPECT_TRUE(ListedTranscriptIds(http_, server).empty());

  const DailyDelivery delivery = ReadyDelivery(meeting, kSecret, event_id);
  auto accepted = PostDelivery(http_, server, delivery);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(WaitForOnlyTranscriptToFinish(http_, server, 900s), "ended") << server.command().ErrorsSoFar();

  EXPECT_EQ(PostDelivery(http_, server, delivery).status, 409) << "a replay is refused";
  const auto ids = ListedTranscriptIds(http_, server);
  ASSERT_EQ(ids.size(), 1U);
  Json listed = GetServerJson(http_, server, "/v1/transcripts/" + ids[0]);
  EXPECT_EQ(listed["source_kind"], "room");
  EXPECT_GE(daily_.CountRequests("/recordings/" + meeting.recording_id), 1) << "get_recording asked Daily";
  EXPECT_GE(daily_.CountRequests("/meetings/" + meeting.mtg_session_id + "/participants"), 1);

  const std::string deliveries = "reflector_daily_webhook_deliveries_total";
  EXPECT_EQ(
      MetricValue(http_, server, deliveries + "{event=\"recording.ready-to-download\",outcome=\"started\"}"),
      1);
  EXPECT_EQ(
      MetricValue(http_, server, deliveries + "{event=\"recording.ready-to-download\",outcome=\"replayed\"}"),
      1);
  EXPECT_EQ(MetricValue(http_, server, deliveries + "{event=\"unverified\",outcome=\"unauthorized\"}"), 1);
  EXPECT_EQ(MetricValue(http_, server, deliveries + "{event=\"unverified\",outcome=\"stale\"}"), 1);

  ExpectDailyTranscript(Show(env, ids[0]), meeting);
}

TEST_F(DailyEndToEndTest, ProcessRecordingIdTakesTheRecordingInFromTheCommandLine) {
  const DailyMeeting meeting = StoredMeeting();
  DescribeToDaily(daily_, meeting);
  const auto env = Env((data_ / "data").string());
  auto result =
      RunCommand({reflector_, "process", "--recording-id", meeting.recording_id, "--json"}, env, 900s);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(result.out.rfind("transcript: ", 0), 0U) << result.out;
  const std::string id = result.out.substr(12, result.out.find('\n') - 12);
  Json printed = Json::parse(result.out.substr(result.out.find('{')));
  EXPECT_EQ(printed["id"], id);
  ExpectDailyTranscript(printed, meeting);

  auto again = RunCommand({reflector_, "process", "--recording-id", meeting.recording_id}, env, 300s);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out.rfind("transcript: " + id + "\n", 0), 0U) << again.out;
  EXPECT_NE(again.err.find("taken in before"), std::string::npos) << again.err;
  auto listed = RunCommand({reflector_, "transcripts", "list"}, env, 60s);
  EXPECT_EQ(std::count(listed.out.begin(), listed.out.end(), '\n'), 2) << "a header and one transcript:\n"
                                                                       << listed.out;

  auto unfinished = RunCommand({reflector_, "process", "--recording-id", "no-such-recording"}, env, 60s);
  EXPECT_NE(unfinished.exit_code, 0);
  EXPECT_NE(unfinished.err.find("no-such-recording"), std::string::npos) << unfinished.err;
}

// An OpenAI-compatible transcription double whose second request fails once (a 400: terminal),
// answered only after the first request's answer went out, so that one track's transcription is
// finished (and cached) when the run fails.
class FlakyTranscription {
 public:
  FlakyTranscription() : server_([this](const TestHttpRequest& request) { return Answer(request); }) {}
  std::string Url() const { return server_.BaseUrl() + "/v1"; }
  int Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  TestHttpResponse Answer(const TestHttpRequest& request) {
    if (request.method != "POST" || request.path != "/v1/audio/transcriptions") return {404, {}, "no route"};
    std::unique_lock lock(mutex_);
    const int n = ++requests_;
    if (n == 2) {
      answered_.wait_for(lock, 30s, [&] { return first_answered_; });
      lock.unlock();
      std::this_thread::sleep_for(1s);  // the first track's task stores its result meanwhile
      return {400,
              {{"Content-Type", "application/json"}},
              R"({"error":{"message":"could not decode the audio","type":"invalid_request_error"}})"};
    }
    first_answered_ = true;
    answered_.notify_all();
    return {200,
            {{"Content-Type", "application/json"}},
            R"({"text":"bakery bread","words":[{"word":"bakery","start":1.0,"end":1.4},)"
            R"({"word":"bread","start":4.0,"end":4.4}]})"};
  }

  std::mutex mutex_;
  std::condition_variable answered_;
  int requests_ = 0;
  bool first_answered_ = false;
  HttpTestServer server_;  // last
};

TEST_F(DailyEndToEndTest, AFailedRunIsRunAgainByTheServerAndByReprocessWithoutPayingTwice) {
  const DailyMeeting meeting = StoredMeeting();
  DescribeToDaily(daily_, meeting);  // found by the poller: no webhook secret
  FlakyTranscription transcription;
  auto env = Env((data_ / "data").string());
  env["DAILY_POLL_SECONDS"] = "1";
  env["REPROCESS_DELAY_SECONDS"] = "1";
  env["TRANSCRIPT_BACKEND"] = "openai";
  env["TRANSCRIPT_URL"] = transcription.Url();
  env["TRANSCRIPT_MODEL"] = "whisper-1";
  std::string id;
  {
    ServeProcess server(reflector_, env);
    ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
    EXPECT_EQ(WaitForOnlyTranscriptToFinish(http_, server, 600s, /*until_ended=*/true), "ended")
        << server.command().ErrorsSoFar();
    const auto ids = ListedTranscriptIds(http_, server);
    ASSERT_EQ(ids.size(), 1U);
    id = ids[0];
    EXPECT_EQ(MetricValue(http_, server, "reflector_daily_reruns_total{outcome=\"started\"}"), 1);
    EXPECT_EQ(MetricValue(http_, server, "reflector_daily_polled_recordings_total{outcome=\"started\"}"), 1);
  }
  EXPECT_EQ(transcription.Requests(), 3) << "track 1 twice, track 0 once: its result came from the cache";
  auto database = store::Database::Open("sqlite://" + (data_ / "data" / "reflector.sqlite3").string());
  ASSERT_TRUE(database.ok());
  store::DailyRecordingClaims claims(**database, clock_);
  auto claim = claims.Get(meeting.recording_id);
  ASSERT_TRUE(claim.ok() && claim->has_value());
  EXPECT_EQ((*claim)->reprocess_attempts, 1);
  EXPECT_EQ((*claim)->announced_by, "poller");
  Json shown = Show(env, id);
  EXPECT_EQ(shown["status"], "ended");
  ASSERT_EQ(shown["participants"].size(), 2U);
  EXPECT_EQ(shown["participants"][1]["name"], meeting.daily_names[1]);

  auto reprocessed = RunCommand({reflector_, "reprocess", id}, env, 600s);
  ASSERT_EQ(reprocessed.exit_code, 0) << reprocessed.err;
  EXPECT_EQ(reprocessed.out.rfind("transcript: " + id + "\n", 0), 0U) << reprocessed.out;
  EXPECT_NE(reprocessed.err.find("calls: transcription 0 made, 2 cached"), std::string::npos)
      << reprocessed.err;
  EXPECT_EQ(transcription.Requests(), 3) << "nothing transcribed again";
  auto unknown = RunCommand({reflector_, "reprocess", "no-such-transcript"}, env, 60s);
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
}

}  // namespace
}  // namespace reflector::testing
