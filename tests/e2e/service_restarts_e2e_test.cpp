// A service the pipeline depends on stopped in the middle of a run and started again: PostgreSQL
// restarted (a fast shutdown: every connection cut, 5 s without a database) under `reflector
// serve` on the in-process engine and under serve plus two `reflector worker` processes on
// Conductor, the Conductor server killed (SIGKILL) and started again, and `serve` itself killed
// and started again while the workers carry on (its watcher reconnecting with ?since_seq=, the
// in-process case is ServeEndToEndTest's). Each service that is
// stopped is one of the test's own (PrivateServices), so the shared ones other tests use keep
// running; the S3 server is the shared one.
//
// The meeting is a Daily.co recording announced by a signed webhook to a room with Zulip and a
// webhook receiver (both local doubles following their documented formats). Each run must end
// `ended` with every word of each speaker once, every event once (by seq), seen live by a
// WebSocket client that stayed connected through the fault, one Zulip message, and one webhook
// event id delivered once.

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

#include "daily_fixture.hpp"
#include "private_services.hpp"
#include "storage/factory.hpp"
#include "support/fake_zulip.hpp"
#include "support/http_test_server.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr const char* kZulipAuthorization =
    "Basic Ym90QGV4YW1wbGUuY29tOnp1bGlwLWtleQ==";  // bot@example.com:zulip-key

struct Fault {
  std::string name;
  bool on_conductor = false;     // serve + two workers on Conductor, else the in-process engine
  std::string private_services;  // started for this test: "pg" or "pg,conductor"
  std::string restarted;         // the service stopped and started again: pg, conductor or serve
  bool kill = false;             // SIGKILL / immediate shutdown instead of a clean stop
  int down_seconds = 0;
  std::string step;  // the fault starts when this step starts
};

void PrintTo(const Fault& fault, std::ostream* out) {
  *out << fault.name;
}

// The room's webhook receiver: every attempt's event id, answered 200.
struct WebhookReceiver {
  std::mutex mutex;
  std::vector<std::string> event_ids;
  HttpTestServer server{[this](const TestHttpRequest& request) -> TestHttpResponse {
    if (request.method != "POST" || request.path != "/hook") return {404, {}, "unexpected"};
    auto body = ParseJson(request.body, "webhook body");
    std::lock_guard lock(mutex);
    event_ids.push_back(body.ok() ? body->value("event_id", "") : "");
    return {200, {}, "ok"};
  }};
  std::size_t Count() {
    std::lock_guard lock(mutex);
    return event_ids.size();
  }
};

class ServiceRestartTest : public ::testing::TestWithParam<Fault> {
 protected:
  static void SetUpTestSuite() {
    tracks_dir_ = new TempDir("reflector-restarts-tracks");
    meeting_ = new DailyMeeting(MakeDailyMeeting(tracks_dir_->path() / "tracks"));
  }
  static void TearDownTestSuite() {
    delete meeting_;
    delete tracks_dir_;
  }

  void SetUp() override;
  void TearDown() override {
    if (bucket_) RemoveTracks(*bucket_, meeting_copy_);
  }

  // Reads the run's events until it ends, starting the fault (on another thread) when the step
  // starts. Returns the seq of every event seen.
  std::vector<std::int64_t> WatchThroughTheFault(const std::string& id);
  // Waits until a replay ends with every task completed (the notifications run after `ended`).
  Json ReplayWhenEveryTaskCompleted(const std::string& id);
  void StartServer() {
    auto server_env = env_;
    server_env["DATA_DIR"] = (work_ / "server").string();
    server_.reset();  // its port and data directory are taken again
    server_ = std::make_unique<ServeProcess>(reflector_, server_env);
  }
  void ExpectOneNotificationEach();
  std::string WorkerLogs() {
    std::string logs;
    for (std::size_t i = 0; i < workers_.size(); ++i)
      logs += "\nworker " + std::to_string(i + 1) + ":\n" + workers_[i]->ErrorsSoFar();
    return logs;
  }

  static TempDir* tracks_dir_;
  static DailyMeeting* meeting_;
  TempDir work_{"reflector-restarts"};
  SystemClock clock_;
  net::HttpClient http_;
  FakeDaily daily_;
  FakeZulip zulip_{kZulipAuthorization};
  WebhookReceiver webhook_;
  std::unique_ptr<PrivateServices> services_;
  std::vector<std::unique_ptr<BackgroundCommand>> workers_;
  std::unique_ptr<ServeProcess> server_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<storage::ObjectStore> bucket_;
  DailyMeeting meeting_copy_;
  std::string reflector_;
  std::string fault_error_ = "the fault never started";
};

TempDir* ServiceRestartTest::tracks_dir_ = nullptr;
DailyMeeting* ServiceRestartTest::meeting_ = nullptr;

void ServiceRestartTest::SetUp() {
  const Fault& fault = GetParam();
  services_ = PrivateServices::Start(fault.private_services);
  ASSERT_NE(services_, nullptr) << "see the failure above";
  const std::string database_url = services_->Variable("REFLECTOR_TEST_DATABASE_URL");
  ASSERT_FALSE(database_url.empty());
  env_ = ConductorServeEnv(database_url);
  ASSERT_FALSE(env_.empty()) << "see the message above";
  if (!fault.on_conductor) {
    env_.erase("CONDUCTOR_SERVER_URL");
    env_["CONDUCTOR_ENABLED"] = "false";
  } else if (fault.private_services.find("conductor") != std::string::npos) {
    env_["CONDUCTOR_SERVER_URL"] = services_->Variable("CONDUCTOR_SERVER_URL");
  }
  S3Settings s3;
  s3.endpoint_url = env_["TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL"];
  s3.bucket = env_["TRANSCRIPT_STORAGE_AWS_BUCKET_NAME"];
  s3.region = env_["TRANSCRIPT_STORAGE_AWS_REGION"];
  s3.access_key_id = env_["TRANSCRIPT_STORAGE_AWS_ACCESS_KEY_ID"];
  s3.secret_access_key = env_["TRANSCRIPT_STORAGE_AWS_SECRET_ACCESS_KEY"];
  env_.insert({{"DAILY_API_KEY", daily_.api_key()},
               {"DAILY_API_URL", daily_.BaseUrl()},
               {"DAILY_WEBHOOK_SECRET", kSecret},
               {"DAILY_POLL_SECONDS", "3600"},
               {"DAILYCO_STORAGE_AWS_BUCKET_NAME", s3.bucket},
               {"DAILYCO_STORAGE_AWS_REGION", s3.region},
               {"DAILYCO_STORAGE_AWS_ACCESS_KEY_ID", s3.access_key_id},
               {"DAILYCO_STORAGE_AWS_SECRET_ACCESS_KEY", s3.secret_access_key},
               {"DAILYCO_STORAGE_AWS_ENDPOINT_URL", s3.endpoint_url},
               {"ZULIP_REALM", zulip_.BaseUrl()},
               {"ZULIP_BOT_EMAIL", "bot@example.com"},
               {"ZULIP_API_KEY", "zulip-key"}});
  auto factory = storage::MakeObjectStoreFactory(StorageBackend::kS3, s3, {}, http_, clock_);
  ASSERT_TRUE(factory.ok()) << factory.error().Describe();
  auto bucket = (*factory)->ForBucket(s3.bucket);
  ASSERT_TRUE(bucket.ok()) << bucket.error().Describe();
  bucket_ = std::move(*bucket);
  meeting_copy_ = CopyDailyMeeting(*meeting_);
  PutTracks(*bucket_, meeting_copy_);
  DescribeToDaily(daily_, meeting_copy_);
  reflector_ = BuiltBinary("reflector").string();

  auto room_env = env_;
  room_env["DATA_DIR"] = (work_ / "cli").string();
  auto room = RunCommand({reflector_, "rooms", "create", "standup", "--zulip-stream", "meetings",
                          "--zulip-topic", "standup", "--zulip-auto-post", "--webhook-url",
                          webhook_.server.BaseUrl() + "/hook", "--webhook-secret", "hook-secret"},
                         room_env, 120s);
  ASSERT_EQ(room.exit_code, 0) << room.err;
}

std::vector<std::int64_t> ServiceRestartTest::WatchThroughTheFault(const std::string& id) {
  const Fault& fault = GetParam();
  const std::string path = "/v1/transcripts/" + id + "/events";
  auto socket = WebSocketClient::Connect("127.0.0.1", server_->port(), path);
  EXPECT_TRUE(socket.ok()) << socket.error().message;
  if (!socket.ok()) return {};
  std::vector<std::int64_t> seqs;
  std::thread fault_thread;
  std::atomic<bool> restarted{false};
  bool faulted = false, ended_after_restart = false;
  std::string status;
  const auto deadline = std::chrono::steady_clock::now() + 900s;
  while (status != "ended" && status != "error" && std::chrono::steady_clock::now() < deadline) {
    auto message = (*socket)->Read(300s);
    if (!message.ok() || message->closed) {
      ADD_FAILURE() << "the WebSocket ended before the run ("
                    << (message.ok() ? "closed " + std::to_string(message->close_code)
                                     : message.error().message)
                    << "): " << server_->command().ErrorsSoFar();
      break;
    }
    const Json parsed = Json::parse(message->text);
    if (parsed.contains("seq")) seqs.push_back(parsed["seq"].get<std::int64_t>());
    const std::string event = parsed.value("event", "");
    if (event == "STATUS") {
      status = parsed["data"].value("value", "");
      ended_after_restart = restarted;
    }
    if (faulted || event != "PIPELINE_PROGRESS" || parsed["data"].value("current_step", "") != fault.step)
      continue;
    faulted = true;
    if (fault.restarted != "serve") {
      fault_thread = std::thread([this, &fault, &restarted] {
        fault_error_ = services_->Restart(fault.restarted, fault.kill, fault.down_seconds);
        restarted = true;
      });
      continue;
    }
    // serve killed and started again; the watcher reconnects from the last seq it saw.
    server_->command().Kill(SIGKILL);
    StartServer();
    fault_error_ = server_->Ready() ? "" : "serve did not start again: " + server_->command().ErrorsSoFar();
    const std::int64_t since = seqs.empty() ? 0 : seqs.back();
    socket =
        WebSocketClient::Connect("127.0.0.1", server_->port(), path + "?since_seq=" + std::to_string(since));
    EXPECT_TRUE(socket.ok()) << socket.error().message;
    if (!socket.ok()) break;
    restarted = true;
  }
  if (fault_thread.joinable()) fault_thread.join();
  EXPECT_EQ(fault_error_, "") << "restarting " << fault.restarted;
  EXPECT_TRUE(ended_after_restart) << "the run ended before " << fault.restarted
                                   << " was back: the fault missed it";
  EXPECT_EQ(status, "ended") << "serve:\n" << server_->command().ErrorsSoFar() << WorkerLogs();
  return seqs;
}

Json ServiceRestartTest::ReplayWhenEveryTaskCompleted(const std::string& id) {
  Json replay = Json::array();
  for (int attempt = 0; attempt < 120; ++attempt) {
    replay = Json::array();
    auto late = WebSocketClient::Connect("127.0.0.1", server_->port(), "/v1/transcripts/" + id + "/events");
    if (!late.ok()) break;
    while (true) {
      auto message = (*late)->Read(2s);
      if (!message.ok() || message->closed) break;
      replay.push_back(Json::parse(message->text));
    }
    bool completed = !replay.empty() && replay.back().value("event", "") == "DAG_STATUS";
    if (completed) {
      for (const auto& task : replay.back()["data"]["tasks"])
        completed = completed && task.value("status", "") == "completed";
    }
    if (completed) return replay;
    std::this_thread::sleep_for(1s);
  }
  ADD_FAILURE() << "the workflow's tasks did not all complete: "
                << (replay.empty() ? std::string("no replay") : replay.back().dump());
  return replay;
}

void ServiceRestartTest::ExpectOneNotificationEach() {
  EXPECT_EQ(zulip_.Messages().size(), 1U) << "one Zulip message";
  std::lock_guard lock(webhook_.mutex);
  ASSERT_EQ(webhook_.event_ids.size(), 1U) << "one webhook delivery";
  EXPECT_FALSE(webhook_.event_ids[0].empty());
}

// Every word once: no two words of a speaker at the same start.
void ExpectNoWordTwice(const Json& words) {
  std::set<std::pair<int, double>> seen;
  for (const auto& word : words) {
    const auto key = std::make_pair(word.value("speaker", -1), word.value("start", -1.0));
    EXPECT_TRUE(seen.insert(key).second) << "a word twice: " << word.dump();
  }
}

TEST_P(ServiceRestartTest, TheRunEndsWithEverythingOnce) {
  const Fault& fault = GetParam();
  if (fault.on_conductor) workers_ = StartWorkers(reflector_, env_, work_.path());
  StartServer();
  ASSERT_TRUE(server_->Ready()) << server_->command().ErrorsSoFar();

  auto accepted =
      PostDelivery(http_, *server_, ReadyDelivery(meeting_copy_, kSecret, "rec-rtd-" + fault.name));
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  std::vector<std::string> ids;
  for (int i = 0; i < 120 && ids.empty(); ++i) {
    ids = ListedTranscriptIds(http_, *server_);
    if (ids.empty()) std::this_thread::sleep_for(250ms);
  }
  ASSERT_EQ(ids.size(), 1U);
  const std::vector<std::int64_t> live = WatchThroughTheFault(ids[0]);
  const Json replay = ReplayWhenEveryTaskCompleted(ids[0]);

  const std::set<std::int64_t> live_once(live.begin(), live.end());
  EXPECT_EQ(live_once.size(), live.size()) << "an event reached the watcher twice";
  const std::int64_t last_live = live_once.empty() ? 0 : *live_once.rbegin();
  std::set<std::int64_t> stored;
  std::map<std::string, int> counts;
  for (const auto& message : replay) {
    ++counts[message.value("event", "")];
    if (!message.contains("seq")) continue;
    const auto seq = message["seq"].get<std::int64_t>();
    EXPECT_TRUE(stored.insert(seq).second) << "stored twice: " << message.dump();
    if (seq <= last_live) {
      EXPECT_TRUE(live_once.count(seq)) << "the watcher missed " << message.dump();
    }
  }
  for (const char* once :
       {"DURATION", "WAVEFORM", "FINAL_TITLE", "FINAL_SHORT_SUMMARY", "FINAL_LONG_SUMMARY"})
    EXPECT_EQ(counts[once], 1) << once;

  auto show_env = env_;
  show_env["DATA_DIR"] = (work_ / "show").string();
  auto shown = RunCommand({reflector_, "transcripts", "show", ids[0], "--json"}, show_env, 60s);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const Json transcript = Json::parse(shown.out);
  ExpectDailyTranscript(transcript, meeting_copy_);
  ExpectNoWordTwice(transcript["words"]);
  ExpectOneNotificationEach();
}

INSTANTIATE_TEST_SUITE_P(
    Faults, ServiceRestartTest,
    ::testing::Values(Fault{"PostgresRestartedInProcess", false, "pg", "pg", false, 5, "transcribe_track"},
                      Fault{"PostgresRestartedOnConductor", true, "pg", "pg", false, 5, "transcribe_track"},
                      Fault{"ConductorKilledAndRestarted", true, "pg,conductor", "conductor", true, 2,
                            "transcribe_track"},
                      Fault{"ServeKilledOnConductor", true, "pg", "serve", true, 0, "transcribe_track"}),
    [](const ::testing::TestParamInfo<Fault>& param) { return param.param.name; });

}  // namespace
}  // namespace reflector::testing
