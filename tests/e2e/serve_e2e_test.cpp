// `reflector serve` on the embedded default: a meeting uploaded over HTTP is watched live over
// the events WebSocket step by step and read back in every transcript format; the server stops
// cleanly on SIGTERM and a run it left behind is finished by the next start.

#include <gtest/gtest.h>

#include <signal.h>

#include <optional>
#include <set>
#include <thread>
#include <tuple>

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

// The value of one series ("name{labels}") in Prometheus text, or nullopt when absent.
std::optional<double> MetricValue(const std::string& text, const std::string& series) {
  const std::string start = series + " ";
  for (std::size_t at = text.find(start); at != std::string::npos; at = text.find(start, at + 1)) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + start.size()));
  }
  return std::nullopt;
}

std::string Scrape(net::HttpClient& http, const ServeProcess& server) {
  net::HttpRequest request;
  request.url = server.Url("/metrics");
  auto response = http.Send(request);
  EXPECT_TRUE(response.ok() && response->status == 200);
  return response.ok() ? response->body : "";
}

// Scrapes until `series` has `value` (the server reads workflow ends on its next poll) or 30 s
// pass; returns the last text.
std::string ScrapeUntil(net::HttpClient& http, const ServeProcess& server, const std::string& series,
                        double value) {
  std::string text = Scrape(http, server);
  for (int i = 0; i < 300 && MetricValue(text, series) != value; ++i) {
    std::this_thread::sleep_for(100ms);
    text = Scrape(http, server);
  }
  return text;
}

TEST_F(ServeEndToEndTest, MetricsCountTheRunsStepsWorkflowsRequestsAndSockets) {
  ServeProcess server(BuiltBinary("reflector").string(), env_);
  ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
  const std::string id = CreateTranscript(http_, server, "metrics meeting");
  auto socket = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
  ASSERT_TRUE(socket.ok()) << socket.error().message;
  ASSERT_EQ(UploadTracks(http_, server, id, Tracks()).status, 202);
  ASSERT_TRUE(WatchUntilEnd(**socket, 600s).ended) << server.command().ErrorsSoFar();

  const std::string completed =
      "reflector_workflows_total{workflow=\"diarization_pipeline\",status=\"COMPLETED\"}";
  const std::string text = ScrapeUntil(http_, server, completed, 1);
  EXPECT_EQ(MetricValue(text, completed), 1) << text;
  EXPECT_EQ(MetricValue(text, "reflector_workflows_in_flight{workflow=\"diarization_pipeline\"}"), 0);
  // Every step of the pipeline ran and was timed: once, or once per track for the forked ones
  // (more when an attempt was retried).
  const double tracks = static_cast<double>(Tracks().size());
  for (const auto& [step, runs] :
       std::vector<std::pair<std::string, double>>{{"get_recording", 1},
                                                   {"get_participants", 1},
                                                   {"generate_padding_tasks", 1},
                                                   {"pad_track", tracks},
                                                   {"mixdown_tracks", 1},
                                                   {"generate_waveform", 1},
                                                   {"generate_transcription_tasks", 1},
                                                   {"transcribe_track", tracks},
                                                   {"merge_transcripts", 1},
                                                   {"detect_topics", 1},
                                                   {"generate_title", 1},
                                                   {"generate_summary", 1},
                                                   {"finalize", 1},
                                                   {"cleanup_consent", 1},
                                                   {"post_zulip", 1},
                                                   {"send_webhook", 1}}) {
    const std::string series = "reflector_step_duration_seconds_count{step=\"" + step + "\"}";
    EXPECT_GE(MetricValue(text, series).value_or(0), runs) << series;
    EXPECT_GE(MetricValue(text, "reflector_step_attempts_total{step=\"" + step + "\"}").value_or(0), runs)
        << step;
  }
  EXPECT_EQ(MetricValue(text, "reflector_transcriptions_total{result=\"made\"}"), tracks);
  // HTTP requests by route and code, and the WebSocket still open.
  EXPECT_EQ(MetricValue(text, "reflector_http_requests_total{route=\"POST /v1/transcripts\",code=\"200\"}"),
            1)
      << text;
  EXPECT_EQ(
      MetricValue(text,
                  "reflector_http_requests_total{route=\"POST /v1/transcripts/{id}/tracks\",code=\"202\"}"),
      1)
      << text;
  EXPECT_EQ(MetricValue(text, "reflector_websocket_clients"), 1) << text;
  socket->reset();
  EXPECT_EQ(MetricValue(ScrapeUntil(http_, server, "reflector_websocket_clients", 0),
                        "reflector_websocket_clients"),
            0);
}

// The words of a finished transcript, read from its topics.
Json TopicWords(net::HttpClient& http, const ServeProcess& server, const std::string& id) {
  net::HttpRequest request;
  request.url = server.Url("/v1/transcripts/" + id + "/topics/with-words");
  auto response = http.Send(request);
  EXPECT_TRUE(response.ok() && response->status == 200);
  Json words = Json::array();
  if (!response.ok()) return words;
  for (const auto& topic : ParseJson(response->body, "topics").value_or(Json::array()))
    for (const auto& word : topic["words"])
      words.push_back(word);
  return words;
}

// `reflector transcripts show --json` (the server need not run).
Json Shown(const std::map<std::string, std::string>& env, const std::string& id) {
  auto shown = RunCommand({BuiltBinary("reflector").string(), "transcripts", "show", id, "--json"}, env, 60s);
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  return ParseJson(shown.out, "transcripts show").value_or(Json::object());
}

TEST_F(ServeEndToEndTest, SigtermDuringTranscriptionLeavesTheRunForTheNextStartWhichFinishesItOnce) {
  std::string id;
  {
    ServeProcess server(BuiltBinary("reflector").string(), env_);
    ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
    id = CreateTranscript(http_, server, "stopped mid-run");
    auto socket = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
    ASSERT_TRUE(socket.ok());
    ASSERT_EQ(UploadTracks(http_, server, id, Tracks()).status, 202);
    bool transcribing = false;
    while (!transcribing) {
      auto message = (*socket)->Read(120s);
      ASSERT_TRUE(message.ok() && !message->closed) << "the run never reached transcription";
      transcribing = message->text.find("\"transcribe_track\"") != std::string::npos &&
                     message->text.find("PIPELINE_PROGRESS") != std::string::npos;
    }
    CommandResult stopped = server.command().Kill(SIGTERM);
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  }
  const Json left = Shown(env_, id);
  EXPECT_EQ(left.value("status", ""), "processing") << "a stopped run is neither ended nor failed";
  const std::string workflow = left["provenance"].value("workflow_id", "");
  ASSERT_FALSE(workflow.empty()) << left.dump().substr(0, 2000);

  ServeProcess restarted(BuiltBinary("reflector").string(), env_);
  ASSERT_TRUE(restarted.Ready()) << restarted.command().ErrorsSoFar();
  auto socket = WebSocketClient::Connect("127.0.0.1", restarted.port(), "/v1/transcripts/" + id + "/events");
  ASSERT_TRUE(socket.ok());
  std::string status;
  for (auto message = (*socket)->Read(600s);
       message.ok() && !message->closed && status != "ended" && status != "error";
       message = (*socket)->Read(600s)) {
    const Json parsed = Json::parse(message->text);
    if (parsed.value("event", "") == "STATUS") status = parsed["data"].value("value", "");
  }
  const Json finished = Shown(env_, id);
  ASSERT_EQ(finished.value("status", ""), "ended") << restarted.command().ErrorsSoFar();
  EXPECT_EQ(finished["provenance"].value("workflow_id", ""), workflow) << "the same workflow, resumed";

  // Every word once: the words of each track, none twice (a track transcribed again after the
  // restart would add its words a second time).
  const Json words = TopicWords(http_, restarted, id);
  ExpectWordsOfEachSpeaker(words, Tracks());
  std::set<std::tuple<std::string, double, int>> distinct;
  for (const auto& word : words)
    distinct.emplace(word.value("text", ""), word.value("start", 0.0), word.value("speaker", -1));
  EXPECT_EQ(distinct.size(), words.size()) << words.dump();
}

TEST_F(ServeEndToEndTest, ANetworkAddressNeedsAuthentication) {
  CommandResult refused =
      RunCommand({BuiltBinary("reflector").string(), "serve", "--host", "0.0.0.0"}, env_, 30s);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("AUTH_BACKEND=jwt"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace reflector::testing
