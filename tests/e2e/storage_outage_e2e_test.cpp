// The S3 server unreachable for 30 s in the middle of a run, through `reflector serve` on the
// in-process engine, and on Conductor with two `reflector worker` processes, with the transcripts
// on the S3 test server reached through a TCP proxy (by serve and the workers): the
// outage starts when the watched step starts (padding, or mixdown), cuts the connections open at
// that moment and refuses new ones; the run must end with every word, once the server is back.

#include <gtest/gtest.h>

#include <thread>

#include "net/url.hpp"
#include "serve_fixture.hpp"
#include "store_test_env.hpp"
#include "support/tcp_proxy.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kOutage = 30s;

struct Outage {
  bool on_conductor = false;  // serve + two workers on Conductor (PostgreSQL), else in-process
  std::string step;           // the outage starts as this step starts
};

void PrintTo(const Outage& outage, std::ostream* out) {
  *out << (outage.on_conductor ? "Conductor/" : "InProcess/") << outage.step;
}

class StorageOutageTest : public ::testing::TestWithParam<Outage> {};

TEST_P(StorageOutageTest, ThirtySecondsWithoutStorageDuringAStepEndsTheRunWell) {
  const std::string step = GetParam().step;
  const std::string s3_endpoint = RequireServiceVariable("REFLECTOR_TEST_S3_ENDPOINT", "an S3 server");
  ASSERT_FALSE(s3_endpoint.empty()) << "see the message above";
  auto endpoint = net::ParseUrl(s3_endpoint);
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
  TcpProxy proxy(endpoint->host, endpoint->port, /*start_down=*/false);
  TempDir dir("reflector-storage-outage");
  std::unique_ptr<store::testing::FreshDatabase> database;
  if (GetParam().on_conductor) {
    database = store::testing::FreshDatabase::Create(store::testing::Backend::kPostgres);
    ASSERT_NE(database, nullptr) << "see the failure above";
  }
  // serve and the workers reach the S3 server through the proxy.
  std::map<std::string, std::string> env = ConductorServeEnv(database ? database->url() : "");
  ASSERT_FALSE(env.empty()) << "see the message above";
  env["TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL"] = "http://127.0.0.1:" + std::to_string(proxy.port());
  env["DATA_DIR"] = (dir / "data").string();
  std::vector<std::unique_ptr<BackgroundCommand>> workers;
  if (GetParam().on_conductor) {
    workers = StartWorkers(BuiltBinary("reflector").string(), env, dir.path());
  } else {
    env["CONDUCTOR_ENABLED"] = "false";
    env.erase("CONDUCTOR_SERVER_URL");
  }
  ServeProcess server(BuiltBinary("reflector").string(), env);
  ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
  std::filesystem::create_directories(dir / "tracks");
  const std::vector<SpokenTrack> tracks =
      SynthesiseMeeting({{"Ines",
                          "slt",
                          0.0,
                          "The ferry to the island leaves at nine on Saturday morning.",
                          {"ferry", "island", "leaves", "nine", "saturday", "morning"}},
                         {"Paul",
                          "rms",
                          1.0,
                          "Then I will book two tickets and pack the picnic basket.",
                          {"book", "tickets", "pack", "picnic", "basket"}}},
                        dir / "tracks");
  net::HttpClient http;
  const std::string id = CreateTranscript(http, server, "ferry");
  ASSERT_FALSE(id.empty());
  auto socket = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
  ASSERT_TRUE(socket.ok()) << socket.error().message;
  ASSERT_EQ(UploadTracks(http, server, id, tracks).status, 202);

  // The outage begins as the step starts.
  std::thread restore;
  std::string status;
  bool cut = false;
  const auto deadline = std::chrono::steady_clock::now() + 900s;
  while (status != "ended" && status != "error" && std::chrono::steady_clock::now() < deadline) {
    auto message = (*socket)->Read(300s);
    ASSERT_TRUE(message.ok() && !message->closed) << server.command().ErrorsSoFar();
    const Json parsed = Json::parse(message->text);
    const std::string event = parsed.value("event", "");
    if (!cut && event == "PIPELINE_PROGRESS" && parsed["data"].value("current_step", "") == step) {
      proxy.SetDown(true);
      cut = true;
      restore = std::thread([&proxy] {
        std::this_thread::sleep_for(kOutage);
        proxy.SetDown(false);
      });
    }
    if (event == "STATUS") status = parsed["data"].value("value", "");
  }
  if (restore.joinable()) restore.join();
  ASSERT_TRUE(cut) << "the step " << step << " never started";
  EXPECT_GT(proxy.refused(), 0U) << "storage was wanted during the outage";
  std::string worker_logs;
  for (const auto& worker : workers)
    worker_logs += worker->ErrorsSoFar();
  ASSERT_EQ(status, "ended") << server.command().ErrorsSoFar() << worker_logs;

  net::HttpRequest request;
  request.url = server.Url("/v1/transcripts/" + id + "/topics/with-words");
  auto topics = http.Send(request);
  ASSERT_TRUE(topics.ok() && topics->status == 200);
  Json words = Json::array();
  for (const auto& topic : Json::parse(topics->body)) {
    for (const auto& word : topic["words"])
      words.push_back(word);
  }
  ExpectWordsOfEachSpeaker(words, tracks);
}

INSTANTIATE_TEST_SUITE_P(Steps, StorageOutageTest,
                         ::testing::Values(Outage{false, "pad_track"}, Outage{false, "mixdown_tracks"},
                                           Outage{true, "pad_track"}, Outage{true, "mixdown_tracks"}),
                         [](const ::testing::TestParamInfo<Outage>& param) {
                           return std::string(param.param.on_conductor ? "Conductor_" : "InProcess_") +
                                  param.param.step;
                         });

}  // namespace
}  // namespace reflector::testing
