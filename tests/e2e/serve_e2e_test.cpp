// `reflector serve` on the embedded default: a meeting uploaded over HTTP is watched live over
// the events WebSocket step by step and read back in every transcript format; the server stops
// cleanly on SIGTERM and a run it left behind is finished by the next start.

#include <gtest/gtest.h>

#include <signal.h>
#include <set>

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

// The seq of an event message (-1 for DAG_STATUS snapshots, which have none).
std::int64_t SeqOf(const Json& message) {
  return message.value("seq", std::int64_t{-1});
}

TEST_F(ServeEndToEndTest, ARunLeftByAKilledServerIsFinishedByTheNextStartAndItsWatcherMissesNothing) {
  std::string id;
  std::vector<std::int64_t> seen;  // seqs a watcher received, over both connections
  std::int64_t last_seq = 0;
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
      const Json parsed = Json::parse(message->text);
      if (SeqOf(parsed) >= 0) seen.push_back(SeqOf(parsed));
      transcribing = StepStarted(parsed, "transcribe_track");
    }
    server.command().Kill(SIGKILL);
    last_seq = seen.empty() ? 0 : seen.back();
  }
  ServeProcess restarted(BuiltBinary("reflector").string(), env_);
  ASSERT_TRUE(restarted.Ready()) << restarted.command().ErrorsSoFar();
  // The watcher reconnects, saying what it has seen.
  auto socket =
      WebSocketClient::Connect("127.0.0.1", restarted.port(),
                               "/v1/transcripts/" + id + "/events?since_seq=" + std::to_string(last_seq));
  ASSERT_TRUE(socket.ok()) << socket.error().message;
  std::string status;
  while (status != "ended" && status != "error") {
    auto message = (*socket)->Read(300s);
    ASSERT_TRUE(message.ok() && !message->closed) << "no end; " << restarted.command().ErrorsSoFar();
    const Json parsed = Json::parse(message->text);
    if (SeqOf(parsed) >= 0) seen.push_back(SeqOf(parsed));
    if (parsed.value("event", "") == "STATUS") status = parsed["data"].value("value", "");
  }
  EXPECT_EQ(status, "ended") << restarted.command().ErrorsSoFar();
  // The last steps (notifications) come after STATUS ended: read until the stream goes quiet.
  for (auto more = (*socket)->Read(5s); more.ok() && !more->closed; more = (*socket)->Read(5s)) {
    const Json parsed = Json::parse(more->text);
    if (SeqOf(parsed) >= 0) seen.push_back(SeqOf(parsed));
  }

  // Every stored event reached the watcher once (TRANSCRIPT and STATUS are not replayed, so those
  // written while it was away may be missing), and nothing came twice.
  const std::set<std::int64_t> distinct(seen.begin(), seen.end());
  EXPECT_EQ(distinct.size(), seen.size()) << "an event came twice";
  auto shown =
      RunCommand({BuiltBinary("reflector").string(), "transcripts", "show", id, "--json"}, env_, 60s);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const Json events = Json::parse(shown.out)["events"];
  ASSERT_GT(events.size(), 10U);
  for (const auto& event : events) {
    const std::string name = event.value("event", "");
    if (name == "TRANSCRIPT" || name == "STATUS") continue;
    EXPECT_TRUE(distinct.count(event["seq"].get<std::int64_t>())) << "missed " << event.dump().substr(0, 200);
  }
}

TEST_F(ServeEndToEndTest, ANetworkAddressNeedsAuthentication) {
  CommandResult refused =
      RunCommand({BuiltBinary("reflector").string(), "serve", "--host", "0.0.0.0"}, env_, 30s);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("AUTH_BACKEND=jwt"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace reflector::testing
