// CONDUCTOR_ENABLED=true with the Conductor server stopped (CONDUCTOR_SERVER_URL at a closed
// port), through the binaries on PostgreSQL and the S3 server: `reflector process` and
// `reflector serve` run the recording on the in-process engine at once, the transcript's events
// say it fell back and why, and the server's /metrics counts it. And with a Conductor server that
// hangs: /v1/conductor/health answers `unhealthy` within 3 s and blocks no other request.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <map>
#include <thread>

#include "serve_fixture.hpp"
#include "store/recordings.hpp"
#include "store/transcripts.hpp"
#include "store_test_env.hpp"
#include "support/http_test_server.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

// A "Conductor server" on 127.0.0.1 that accepts every connection and never answers.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(fd_, 16) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] {
      while (true) {
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;  // the listening socket was shut down
        held_.push_back(client);
        ++accepted_;
      }
    });
  }
  ~SilentServer() {
    ::shutdown(fd_, SHUT_RDWR);
    if (acceptor_.joinable()) acceptor_.join();
    for (int client : held_)
      ::close(client);
    ::close(fd_);
  }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  int port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::vector<int> held_;  // the acceptor's only
  std::thread acceptor_;
};

class EngineFallbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::map<std::string, std::string> needed = {
        {"REFLECTOR_TEST_DATABASE_URL", "PostgreSQL"},    {"REFLECTOR_TEST_S3_ENDPOINT", "an S3 server"},
        {"REFLECTOR_TEST_S3_BUCKET", "an S3 server"},     {"REFLECTOR_TEST_S3_REGION", "an S3 server"},
        {"REFLECTOR_TEST_S3_ACCESS_KEY", "an S3 server"}, {"REFLECTOR_TEST_S3_SECRET_KEY", "an S3 server"}};
    std::map<std::string, std::string> values;
    for (const auto& [name, what] : needed) {
      values[name] = RequireServiceVariable(name, what);
      ASSERT_FALSE(values[name].empty()) << "see the message above";
    }
    database_ = store::testing::FreshDatabase::Create(store::testing::Backend::kPostgres);
    ASSERT_NE(database_, nullptr) << "see the failure above";
    const int closed = UnusedLocalPort();
    ASSERT_GT(closed, 0);
    env_ = {{"DATABASE_URL", database_->url()},
            {"TRANSCRIPT_STORAGE_BACKEND", "s3"},
            {"TRANSCRIPT_STORAGE_AWS_BUCKET_NAME", values["REFLECTOR_TEST_S3_BUCKET"]},
            {"TRANSCRIPT_STORAGE_AWS_REGION", values["REFLECTOR_TEST_S3_REGION"]},
            {"TRANSCRIPT_STORAGE_AWS_ACCESS_KEY_ID", values["REFLECTOR_TEST_S3_ACCESS_KEY"]},
            {"TRANSCRIPT_STORAGE_AWS_SECRET_ACCESS_KEY", values["REFLECTOR_TEST_S3_SECRET_KEY"]},
            {"TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL", values["REFLECTOR_TEST_S3_ENDPOINT"]},
            {"CONDUCTOR_ENABLED", "true"},
            {"CONDUCTOR_SERVER_URL", "http://127.0.0.1:" + std::to_string(closed) + "/api"},
            {"DATA_DIR", (dir_ / "data").string()},
            {"LOG_LEVEL", "info"},
            {"LLM_URL", ""}};
    reflector_ = BuiltBinary("reflector").string();
    samples_ = TestDataDir().parent_path().parent_path() / "samples";
  }

  // The ENGINE_FALLBACK events among a transcript's events.
  static std::vector<Json> Fallbacks(const Json& events) {
    std::vector<Json> found;
    for (const auto& event : events) {
      if (event.value("event", "") == "ENGINE_FALLBACK") found.push_back(event["data"]);
    }
    return found;
  }

  TempDir dir_{"reflector-fallback-e2e"};
  std::unique_ptr<store::testing::FreshDatabase> database_;
  std::map<std::string, std::string> env_;
  std::string reflector_;
  std::filesystem::path samples_;
};

TEST_F(EngineFallbackTest, ProcessRunsInProcessWhenConductorIsStopped) {
  auto result = RunCommand({reflector_, "process", "--track", "Alice=" + (samples_ / "alice.webm").string(),
                            "--track", "Bob=" + (samples_ / "bob.webm").string()},
                           env_, 600s);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("(in_process engine)"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("falling back to the in-process engine"), std::string::npos) << result.err;
  const std::string prefix = "transcript: ";
  ASSERT_EQ(result.out.rfind(prefix, 0), 0U) << result.out;
  const std::string id = result.out.substr(prefix.size(), 36);

  auto show = RunCommand({reflector_, "transcripts", "show", id, "--json"}, env_, 60s);
  ASSERT_EQ(show.exit_code, 0) << show.err;
  Json shown = Json::parse(show.out);
  EXPECT_EQ(shown["status"], "ended");
  EXPECT_EQ(shown["provenance"]["engine"], "in_process");
  std::vector<Json> fallbacks = Fallbacks(shown["events"]);
  ASSERT_EQ(fallbacks.size(), 1U) << shown["events"].dump();
  EXPECT_EQ(fallbacks[0]["from"], "conductor");
  EXPECT_EQ(fallbacks[0]["to"], "in_process");
  EXPECT_EQ(fallbacks[0]["reason"], "unreachable");
  EXPECT_NE(fallbacks[0]["error"].get<std::string>().find("connection refused"), std::string::npos)
      << fallbacks[0].dump();
  EXPECT_EQ(shown["events"][0]["event"], "ENGINE_FALLBACK") << "said before the run begins";

  // The recording keeps the workflow that ran it.
  auto database = store::Database::Open(database_->url());
  ASSERT_TRUE(database.ok()) << database.error().message;
  SystemClock clock;
  store::Transcripts transcripts(**database, clock);
  store::Transcript transcript = transcripts.Get(id).value();
  store::Recordings recordings(**database, clock);
  EXPECT_EQ(recordings.Get(*transcript.recording_id)->workflow_id, shown["provenance"]["workflow_id"]);
}

TEST_F(EngineFallbackTest, ServeRunsInProcessShowsTheFallbackLiveAndCountsIt) {
  ServeProcess server(reflector_, env_);
  ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
  net::HttpClient http;
  net::HttpRequest health;
  health.url = server.Url("/v1/conductor/health");
  auto unhealthy = http.Send(health);
  ASSERT_TRUE(unhealthy.ok());
  EXPECT_NE(unhealthy->body.find("\"unhealthy\""), std::string::npos) << unhealthy->body;

  std::vector<SpokenTrack> tracks;
  for (const char* name : {"alice", "bob"}) {
    SpokenTrack track;
    track.script.name = name;
    track.file = samples_ / (std::string(name) + ".webm");
    tracks.push_back(track);
  }
  const std::string id = CreateTranscript(http, server, "fallback");
  ASSERT_FALSE(id.empty());
  auto socket = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
  ASSERT_TRUE(socket.ok()) << socket.error().message;
  net::HttpResponse accepted = UploadTracks(http, server, id, tracks);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  EXPECT_NE(accepted.body.find("\"engine\":\"in_process\""), std::string::npos) << accepted.body;
  WatchedRun run = WatchUntilEnd(**socket, 600s);
  EXPECT_EQ(run.final_status, "ended");
  ASSERT_EQ(run.Count("ENGINE_FALLBACK"), 1U);
  for (const auto& message : run.messages) {
    if (message.value("event", "") == "ENGINE_FALLBACK") {
      EXPECT_EQ(message["data"]["reason"], "unreachable");
    }
  }

  net::HttpRequest metrics;
  metrics.url = server.Url("/metrics");
  auto scraped = http.Send(metrics);
  ASSERT_TRUE(scraped.ok());
  EXPECT_NE(scraped->body.find("reflector_engine_fallbacks_total{reason=\"unreachable\"} 1\n"),
            std::string::npos)
      << scraped->body;
  EXPECT_NE(scraped->body.find("reflector_engine_mode{mode=\"conductor\"} 1\n"), std::string::npos);
}

TEST_F(EngineFallbackTest, ConductorHealthAnswersWithin3sWhenConductorHangsAndBlocksNoOtherRequest) {
  SilentServer hanging;
  ASSERT_GT(hanging.port(), 0);
  env_["CONDUCTOR_SERVER_URL"] = "http://127.0.0.1:" + std::to_string(hanging.port()) + "/api";
  ServeProcess server(reflector_, env_);
  ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
  const int accepted_before = hanging.accepted();

  using Clock = std::chrono::steady_clock;
  auto conductor_health = std::async(std::launch::async, [&server] {
    net::HttpClient http;
    net::HttpRequest request;
    request.url = server.Url("/v1/conductor/health");
    request.timeout = 20s;
    const auto started = Clock::now();
    auto response = http.Send(request);
    return std::make_tuple(std::move(response), Clock::now() - started, Clock::now());
  });
  // Once the check waits on the silent server, other requests are answered at once.
  for (int i = 0; i < 200 && hanging.accepted() == accepted_before; ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_GT(hanging.accepted(), accepted_before) << "the health check never reached the Conductor server";
  net::HttpClient http;
  Clock::time_point last_health_answer;
  for (int i = 0; i < 5; ++i) {
    net::HttpRequest request;
    request.url = server.Url("/health");
    const auto started = Clock::now();
    auto response = http.Send(request);
    last_health_answer = Clock::now();
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 200) << response->body;
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(last_health_answer - started).count(),
              3000)
        << "GET /health waited for the Conductor check";
  }

  auto [response, took, answered_at] = conductor_health.get();
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200) << response->body;
  const Json health = ParseJson(response->body, "health").value_or(Json::object());
  EXPECT_EQ(health.value("status", ""), "unhealthy") << response->body;
  EXPECT_EQ(health.value("connected", true), false) << response->body;
  EXPECT_FALSE(health.value("error", "").empty()) << response->body;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), 3000)
      << "the contract: an answer within 3 s when Conductor hangs";
  EXPECT_TRUE(last_health_answer < answered_at) << "every GET /health answered while the check still waited";
}

}  // namespace
}  // namespace reflector::testing
