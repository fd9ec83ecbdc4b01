// `reflector serve` on the embedded default: a meeting uploaded over HTTP is watched live over
// the events WebSocket step by step and read back in every transcript format; the server stops
// cleanly on SIGTERM and a run it left behind is finished by the next start.

#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "serve_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

std::vector<SpeakerScript> Speakers() {
  return {{"Lena",
           "slt",
           0.0,
           "Good afternoon. The garden fence needs painting before the summer fair.",
           {"afternoon", "garden", "fence", "painting", "summer"}},
          {"Omar",
           "rms",
           2.0,
           "I can bring brushes and green paint on Saturday morning.",
           {"bring", "brushes", "green", "paint", "saturday", "morning"}}};
}

class ServeEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {{"DATA_DIR", (dir_ / "data").string()}, {"LOG_LEVEL", "info"}, {"LLM_URL", ""}};
  }
  // The meeting's tracks, synthesised on first use.
  const std::vector<SpokenTrack>& Tracks() {
    if (tracks_.empty()) {
      std::filesystem::create_directories(dir_ / "tracks");
      tracks_ = SynthesiseMeeting(Speakers(), dir_ / "tracks");
    }
    return tracks_;
  }

  TempDir dir_{"reflector-serve-e2e"};
  std::map<std::string, std::string> env_;
  std::vector<SpokenTrack> tracks_;
  net::HttpClient http_;
};

TEST_F(ServeEndToEndTest, UploadedMeetingIsWatchedLiveAndReadBackInEveryFormat) {
  ServeProcess server(BuiltBinary("reflector").string(), env_);
  ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
  const std::string id = CreateTranscript(http_, server, "fence meeting");
  ASSERT_FALSE(id.empty());
  auto socket = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
  ASSERT_TRUE(socket.ok()) << socket.error().message;

  net::HttpResponse accepted = UploadTracks(http_, server, id, Tracks());
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  WatchedRun run = WatchUntilEnd(**socket, 600s);
  ExpectWatchedMeeting(http_, server, id, run, Tracks());

  // SIGTERM: a clean stop, sockets closed with 1001.
  auto watcher = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
  ASSERT_TRUE(watcher.ok());
  CommandResult stopped = server.command().Kill(SIGTERM);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  bool closed_going_away = false;
  for (int i = 0; i < 100 && !closed_going_away; ++i) {
    auto message = (*watcher)->Read(5s);
    if (!message.ok()) break;
    if (message->closed) closed_going_away = message->close_code == 1001;
  }
  EXPECT_TRUE(closed_going_away);
}

TEST_F(ServeEndToEndTest, ARunLeftByAKilledServerIsFinishedByTheNextStart) {
  std::string id;
  {
    ServeProcess server(BuiltBinary("reflector").string(), env_);
    ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
    id = CreateTranscript(http_, server, "killed mid-run");
    auto socket = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
    ASSERT_TRUE(socket.ok());
    ASSERT_EQ(UploadTracks(http_, server, id, Tracks()).status, 202);
    bool transcribing = false;  // kill it once the work is under way
    while (!transcribing) {
      auto message = (*socket)->Read(120s);
      ASSERT_TRUE(message.ok() && !message->closed) << "the run never reached transcription";
      transcribing = message->text.find("transcribe_track") != std::string::npos;
    }
    server.command().Kill(SIGKILL);
  }
  ServeProcess restarted(BuiltBinary("reflector").string(), env_);
  ASSERT_TRUE(restarted.Ready()) << restarted.command().ErrorsSoFar();
  std::string status;
  for (int i = 0; i < 600 && status != "ended" && status != "error"; ++i) {
    net::HttpRequest request;
    request.url = restarted.Url("/v1/transcripts/" + id);
    auto response = http_.Send(request);
    if (response.ok() && response->status == 200)
      status = ParseJson(response->body, "t").value().value("status", "");
    std::this_thread::sleep_for(500ms);
  }
  EXPECT_EQ(status, "ended") << restarted.command().ErrorsSoFar();
}

TEST_F(ServeEndToEndTest, ANetworkAddressNeedsAuthentication) {
  CommandResult refused =
      RunCommand({BuiltBinary("reflector").string(), "serve", "--host", "0.0.0.0"}, env_, 30s);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("AUTH_BACKEND=jwt"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace reflector::testing
