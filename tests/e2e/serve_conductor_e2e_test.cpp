// `reflector serve` with CONDUCTOR_ENABLED=true: the server starts the workflow on Conductor and
// two `reflector worker` processes run the tasks, so every event a WebSocket client sees was
// written by another process and reached the server through PostgreSQL LISTEN/NOTIFY. And in
// shadow mode, with serve the only long-lived process: the upload's shadow run is compared by
// the server when it ends, and GET /v1/shadow/{recording_id} shows it.

#include <gtest/gtest.h>

#include <thread>

#include "serve_fixture.hpp"
#include "store_test_env.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

TEST(ServeConductorEndToEndTest, EventsFromTwoWorkersReachTheWebSocketLive) {
  auto database = store::testing::FreshDatabase::Create(store::testing::Backend::kPostgres);
  ASSERT_NE(database, nullptr);
  TempDir dir("reflector-serve-conductor-e2e");
  std::map<std::string, std::string> env = ConductorServeEnv(database->url());
  ASSERT_FALSE(env.empty()) << "see the message above";
  const std::string reflector = BuiltBinary("reflector").string();
  auto workers = StartWorkers(reflector, env, dir.path());
  auto server_env = env;
  server_env["DATA_DIR"] = (dir / "server").string();
  ServeProcess server(reflector, server_env);
  ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();

  std::filesystem::create_directories(dir / "tracks");
  std::vector<SpokenTrack> tracks =
      SynthesiseMeeting({{"Rosa",
                          "awb",
                          0.0,
                          "The library roof leaks again after the storm on Tuesday night.",
                          {"library", "roof", "leaks", "storm", "tuesday", "night"}},
                         {"Theo",
                          "kal16",
                          1.0,
                          "I will phone the builder and ask for a ladder and a new gutter.",
                          {"phone", "builder", "ladder", "gutter"}}},
                        dir / "tracks");
  net::HttpClient http;
  net::HttpRequest health;
  health.url = server.Url("/v1/conductor/health");
  auto healthy = http.Send(health);
  ASSERT_TRUE(healthy.ok());
  EXPECT_NE(healthy->body.find("\"healthy\""), std::string::npos) << healthy->body;

  const std::string id = CreateTranscript(http, server, "library roof");
  ASSERT_FALSE(id.empty());
  auto socket = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
  ASSERT_TRUE(socket.ok()) << socket.error().message;
  net::HttpResponse accepted = UploadTracks(http, server, id, tracks);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  EXPECT_NE(accepted.body.find("\"conductor\""), std::string::npos) << accepted.body;
  WatchedRun run = WatchUntilEnd(**socket, 900s);
  ExpectWatchedMeeting(http, server, id, run, tracks);
}

TEST(ServeConductorEndToEndTest, ShadowModeComparesTheUploadsShadowRunAndServesIt) {
  auto database = store::testing::FreshDatabase::Create(store::testing::Backend::kPostgres);
  ASSERT_NE(database, nullptr);
  TempDir dir("reflector-serve-shadow-e2e");
  std::map<std::string, std::string> env = ConductorServeEnv(database->url());
  ASSERT_FALSE(env.empty()) << "see the message above";
  env["CONDUCTOR_SHADOW_MODE"] = "true";
  const std::string reflector = BuiltBinary("reflector").string();
  auto workers = StartWorkers(reflector, env, dir.path());
  auto server_env = env;
  server_env["DATA_DIR"] = (dir / "server").string();
  ServeProcess server(reflector, server_env);
  ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();

  std::filesystem::create_directories(dir / "tracks");
  std::vector<SpokenTrack> tracks =
      SynthesiseMeeting({{"Nora",
                          "slt",
                          0.0,
                          "The garden hose is broken and the tomatoes need water every morning.",
                          {"garden", "hose", "broken", "tomatoes", "water", "morning"}},
                         {"Omar",
                          "rms",
                          1.0,
                          "I will buy a new hose and a watering can at the market on Friday.",
                          {"buy", "hose", "watering", "market", "friday"}}},
                        dir / "tracks");
  net::HttpClient http;
  const std::string id = CreateTranscript(http, server, "garden");
  ASSERT_FALSE(id.empty());
  auto socket = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
  ASSERT_TRUE(socket.ok()) << socket.error().message;
  net::HttpResponse accepted = UploadTracks(http, server, id, tracks);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  Json started = Json::parse(accepted.body);
  EXPECT_EQ(started["engine"], "in_process") << "the primary run is the in-process one";
  const std::string recording = started["recording_id"].get<std::string>();
  WatchedRun run = WatchUntilEnd(**socket, 900s);
  ASSERT_EQ(run.final_status, "ended");

  // Nobody waits for the shadow but the server: it compares the pair when the shadow has ended.
  Json shown;
  for (int i = 0; i < 600; ++i) {
    net::HttpRequest request;
    request.url = server.Url("/v1/shadow/" + recording);
    auto answer = http.Send(request);
    ASSERT_TRUE(answer.ok());
    ASSERT_EQ(answer->status, 200) << answer->body;
    shown = Json::parse(answer->body);
    if (shown["status"] != "running") break;
    std::this_thread::sleep_for(1s);
  }
  ASSERT_EQ(shown["status"], "compared") << shown.dump(2);
  EXPECT_EQ(shown["agreed"], true) << shown["comparison"].dump(2);
  EXPECT_EQ(shown["comparison"]["words"]["word_error_rate"], 0.0);
  EXPECT_EQ(shown["comparison"]["title"]["equal"], true);
  EXPECT_EQ(shown["primary"]["transcript_id"], id);

  net::HttpRequest list;
  list.url = server.Url("/v1/transcripts");
  auto listed = http.Send(list);
  ASSERT_TRUE(listed.ok());
  Json page = Json::parse(listed->body);
  EXPECT_EQ(page["total"], 1) << "the shadow transcript is hidden: " << listed->body;
  net::HttpRequest metrics;
  metrics.url = server.Url("/metrics");
  auto scraped = http.Send(metrics);
  ASSERT_TRUE(scraped.ok());
  EXPECT_NE(scraped->body.find("reflector_shadow_runs_total{result=\"started\"} 1\n"), std::string::npos)
      << scraped->body;
  EXPECT_NE(scraped->body.find("reflector_shadow_comparisons_total{result=\"agreed\"} 1\n"),
            std::string::npos)
      << scraped->body;
  EXPECT_NE(scraped->body.find("reflector_engine_mode{mode=\"shadow\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace reflector::testing
