// A Daily.co raw-tracks recording announced by a signed webhook, through `reflector serve` in
// each engine mode on the test services (PostgreSQL, the S3 server holding Daily's bucket and
// the transcripts, the real Conductor server with two `reflector worker` processes; Daily's API
// is the double of tests/support/fake_daily.hpp):
// - Conductor: the workflow runs on Conductor's workers, and the recording stores its id;
// - fallback: Conductor is stopped (a closed port), the same recording runs in-process at once
//   and the transcript's events and /metrics say so;
// - shadow: the primary in-process run is the transcript users see, a shadow on Conductor is
//   compared with it, and with the deterministic offline backends the two agree exactly.
// Each ends with one transcript, named after Daily's participants, and a replay refused.

#include <gtest/gtest.h>

#include <iostream>
#include <thread>

#include "daily_fixture.hpp"
#include "storage/factory.hpp"
#include "store/recordings.hpp"
#include "store/transcripts.hpp"
#include "store_test_env.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

enum class Mode { kConductor, kFallback, kShadow };

std::string ModeName(const ::testing::TestParamInfo<Mode>& info) {
  switch (info.param) {
    case Mode::kConductor:
      return "Conductor";
    case Mode::kFallback:
      return "FallbackWithConductorStopped";
    case Mode::kShadow:
      return "Shadow";
  }
  return "Unknown";
}

class DailyModesEndToEndTest : public ::testing::TestWithParam<Mode> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("reflector-daily-modes-tracks");
    meeting_ = new DailyMeeting(MakeDailyMeeting(dir_->path() / "tracks"));
  }
  static void TearDownTestSuite() {
    delete meeting_;
    delete dir_;
  }

  void SetUp() override {
    database_ = store::testing::FreshDatabase::Create(store::testing::Backend::kPostgres);
    ASSERT_NE(database_, nullptr) << "see the failure above";
    env_ = ConductorServeEnv(database_->url());
    ASSERT_FALSE(env_.empty()) << "see the message above";
    S3Settings s3;
    s3.endpoint_url = env_["TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL"];
    s3.bucket = env_["TRANSCRIPT_STORAGE_AWS_BUCKET_NAME"];
    s3.region = env_["TRANSCRIPT_STORAGE_AWS_REGION"];
    s3.access_key_id = env_["TRANSCRIPT_STORAGE_AWS_ACCESS_KEY_ID"];
    s3.secret_access_key = env_["TRANSCRIPT_STORAGE_AWS_SECRET_ACCESS_KEY"];
    // Daily's bucket is the test server's bucket too; its keys start with a domain of their own.
    env_.insert({{"DAILY_API_KEY", daily_.api_key()},
                 {"DAILY_API_URL", daily_.BaseUrl()},
                 {"DAILY_WEBHOOK_SECRET", kSecret},
                 {"DAILY_POLL_SECONDS", "3600"},
                 {"DAILYCO_STORAGE_AWS_BUCKET_NAME", s3.bucket},
                 {"DAILYCO_STORAGE_AWS_REGION", s3.region},
                 {"DAILYCO_STORAGE_AWS_ACCESS_KEY_ID", s3.access_key_id},
                 {"DAILYCO_STORAGE_AWS_SECRET_ACCESS_KEY", s3.secret_access_key},
                 {"DAILYCO_STORAGE_AWS_ENDPOINT_URL", s3.endpoint_url}});
    conductor_url_ = env_["CONDUCTOR_SERVER_URL"];
    if (GetParam() == Mode::kFallback)
      env_["CONDUCTOR_SERVER_URL"] = "http://127.0.0.1:" + std::to_string(UnusedLocalPort()) + "/api";
    if (GetParam() == Mode::kShadow) env_["CONDUCTOR_SHADOW_MODE"] = "true";
    auto factory = storage::MakeObjectStoreFactory(StorageBackend::kS3, s3, {}, http_, clock_);
    ASSERT_TRUE(factory.ok()) << factory.error().Describe();
    auto bucket = (*factory)->ForBucket(s3.bucket);
    ASSERT_TRUE(bucket.ok()) << bucket.error().Describe();
    bucket_ = std::move(*bucket);
    meeting_copy_ = CopyDailyMeeting(*meeting_);
    PutTracks(*bucket_, meeting_copy_);
    reflector_ = BuiltBinary("reflector").string();
  }

  void TearDown() override {
    if (bucket_) RemoveTracks(*bucket_, meeting_copy_);
  }

  // The stored transcript (its recording, workflow and engine).
  store::Transcript StoredTranscript(const std::string& id) {
    auto database = store::Database::Open(database_->url());
    EXPECT_TRUE(database.ok());
    if (!database.ok()) return {};
    auto transcript = store::Transcripts(**database, clock_).Get(id);
    EXPECT_TRUE(transcript.ok()) << id;
    return transcript.ok() ? *transcript : store::Transcript{};
  }
  std::string RecordingWorkflow(const std::string& recording_id) {
    auto database = store::Database::Open(database_->url());
    if (!database.ok()) return "";
    auto recording = store::Recordings(**database, clock_).Get(recording_id);
    return recording.ok() ? recording->workflow_id.value_or("") : "";
  }

  // `reflector transcripts show ID --json` with the server's settings.
  Json Show(const std::string& id) {
    auto env = env_;
    env["DATA_DIR"] = (dir_->path() / "show").string();
    auto shown = RunCommand({reflector_, "transcripts", "show", id, "--json"}, env, 60s);
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    auto json = ParseJson(shown.out, "transcripts show");
    return json.ok() ? *json : Json(nullptr);
  }

  // The workflow as the Conductor server has it.
  Json ConductorWorkflow(const std::string& workflow_id) {
    net::HttpRequest request;
    request.url = conductor_url_ + "/workflow/" + workflow_id + "?includeTasks=true";
    auto answer = http_.Send(request);
    EXPECT_TRUE(answer.ok() && answer->status == 200) << workflow_id;
    if (!answer.ok() || answer->status != 200) return nullptr;
    auto json = ParseJson(answer->body, "workflow " + workflow_id);
    return json.ok() ? *json : Json(nullptr);
  }

  void ExpectRanOnConductorWorkers(const std::string& workflow_id, const std::string& correlation_id);
  void ExpectShadowAgreedExactly(ServeProcess& server, const std::string& recording_id,
                                 const std::string& transcript_id);

  static TempDir* dir_;
  static DailyMeeting* meeting_;
  TempDir work_{"reflector-daily-modes"};
  SystemClock clock_;
  net::HttpClient http_;
  FakeDaily daily_;
  std::unique_ptr<store::testing::FreshDatabase> database_;
  std::map<std::string, std::string> env_;
  std::string conductor_url_;
  std::unique_ptr<storage::ObjectStore> bucket_;
  DailyMeeting meeting_copy_;
  std::string reflector_;
};

TempDir* DailyModesEndToEndTest::dir_ = nullptr;
DailyMeeting* DailyModesEndToEndTest::meeting_ = nullptr;

void DailyModesEndToEndTest::ExpectRanOnConductorWorkers(const std::string& workflow_id,
                                                         const std::string& correlation_id) {
  // The transcript ends before the workflow's last tasks (notifications, clean-up) complete.
  Json workflow;
  for (int i = 0; i < 240; ++i) {
    workflow = ConductorWorkflow(workflow_id);
    if (!workflow.is_object() || workflow["status"] != "RUNNING") break;
    std::this_thread::sleep_for(500ms);
  }
  ASSERT_TRUE(workflow.is_object());
  EXPECT_EQ(workflow["status"], "COMPLETED");
  EXPECT_EQ(workflow["correlationId"], correlation_id);
  std::set<std::string> workers;
  bool fetched_from_daily = false;
  for (const auto& task : workflow["tasks"]) {
    if (task.contains("workerId") && task["workerId"].is_string()) workers.insert(task["workerId"]);
    fetched_from_daily = fetched_from_daily || (task.value("taskDefName", "") == "get_recording" &&
                                                task.value("status", "") == "COMPLETED");
  }
  EXPECT_FALSE(workers.empty()) << "the worker processes ran the tasks";
  EXPECT_TRUE(fetched_from_daily);
}

void DailyModesEndToEndTest::ExpectShadowAgreedExactly(ServeProcess& server, const std::string& recording_id,
                                                       const std::string& transcript_id) {
  Json shown;
  for (int i = 0; i < 600; ++i) {
    shown = GetServerJson(http_, server, "/v1/shadow/" + recording_id);
    if (!shown.is_object() || shown["status"] != "running") break;
    std::this_thread::sleep_for(1s);
  }
  ASSERT_TRUE(shown.is_object());
  ASSERT_EQ(shown["status"], "compared") << shown.dump(2);
  const Json& comparison = shown["comparison"];
  EXPECT_EQ(shown["agreed"], true) << comparison.dump(2);
  EXPECT_EQ(shown["primary"]["transcript_id"], transcript_id);
  EXPECT_EQ(comparison["primary"]["engine"], "in_process");
  EXPECT_EQ(comparison["shadow"]["engine"], "conductor");
  EXPECT_EQ(comparison["title"]["equal"], true);
  EXPECT_EQ(comparison["words"]["word_error_rate"], 0.0);
  EXPECT_EQ(comparison["words"]["speaker_agreement"], 1.0);
  EXPECT_GT(comparison["words"]["primary_count"].get<int>(), 5);
  const std::string shadow_id = shown["shadow"]["transcript_id"].get<std::string>();
  ExpectRanOnConductorWorkers(shown["shadow"]["workflow_id"].get<std::string>(), shadow_id);
  ExpectDailyTranscript(Show(shadow_id), meeting_copy_);  // Daily's names in the shadow too

  auto env = env_;
  env["DATA_DIR"] = (dir_->path() / "report").string();
  auto report = RunCommand({reflector_, "shadow", "report", recording_id}, env, 120s);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("result:         AGREED"), std::string::npos) << report.out;
  std::cout << "reflector shadow report " << recording_id << "\n" << report.out << std::flush;
}

TEST_P(DailyModesEndToEndTest, ASignedWebhookGivesOneTranscriptNamedAfterDailysParticipants) {
  const Mode mode = GetParam();
  std::vector<std::unique_ptr<BackgroundCommand>> workers;
  if (mode != Mode::kFallback) workers = StartWorkers(reflector_, env_, work_.path());
  auto server_env = env_;
  server_env["DATA_DIR"] = (work_ / "server").string();
  ServeProcess server(reflector_, server_env);
  ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
  DescribeToDaily(daily_, meeting_copy_);

  const DailyDelivery delivery =
      ReadyDelivery(meeting_copy_, kSecret, "rec-rtd-" + meeting_copy_.recording_id);
  auto accepted = PostDelivery(http_, server, delivery);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  ASSERT_EQ(WaitForOnlyTranscriptToFinish(http_, server, 900s), "ended") << server.command().ErrorsSoFar();
  EXPECT_EQ(PostDelivery(http_, server, delivery).status, 409) << "a replay is refused";
  const auto ids = ListedTranscriptIds(http_, server);
  ASSERT_EQ(ids.size(), 1U) << "one transcript (a shadow's is hidden)";
  const std::string id = ids[0];
  Json shown = Show(id);
  ExpectDailyTranscript(shown, meeting_copy_);

  const store::Transcript transcript = StoredTranscript(id);
  ASSERT_TRUE(transcript.recording_id.has_value());
  const std::string workflow_id = shown["provenance"]["workflow_id"].is_string()
                                      ? shown["provenance"]["workflow_id"].get<std::string>()
                                      : std::string();
  EXPECT_FALSE(workflow_id.empty());
  EXPECT_EQ(RecordingWorkflow(*transcript.recording_id), workflow_id) << "the recording stores its workflow";
  switch (mode) {
    case Mode::kConductor:
      EXPECT_EQ(shown["provenance"]["engine"], "conductor");
      ExpectRanOnConductorWorkers(workflow_id, id);
      EXPECT_EQ(MetricValue(http_, server, "reflector_engine_mode{mode=\"conductor\"}"), 1);
      break;
    case Mode::kFallback: {
      EXPECT_EQ(shown["provenance"]["engine"], "in_process");
      int fallbacks = 0;
      for (const auto& event : shown["events"]) {
        if (event.value("event", "") != "ENGINE_FALLBACK") continue;
        ++fallbacks;
        EXPECT_EQ(event["data"]["reason"], "unreachable") << event.dump();
      }
      EXPECT_EQ(fallbacks, 1) << "the transcript's events say it fell back";
      EXPECT_EQ(MetricValue(http_, server, "reflector_engine_fallbacks_total{reason=\"unreachable\"}"), 1);
      break;
    }
    case Mode::kShadow:
      EXPECT_EQ(shown["provenance"]["engine"], "in_process") << "the primary run is the in-process one";
      EXPECT_EQ(MetricValue(http_, server, "reflector_engine_mode{mode=\"shadow\"}"), 1);
      ExpectShadowAgreedExactly(server, *transcript.recording_id, id);
      break;
  }
  EXPECT_GE(daily_.CountRequests("/meetings/" + meeting_copy_.mtg_session_id + "/participants"), 1);
}

INSTANTIATE_TEST_SUITE_P(Modes, DailyModesEndToEndTest,
                         ::testing::Values(Mode::kConductor, Mode::kFallback, Mode::kShadow), ModeName);

}  // namespace
}  // namespace reflector::testing
