#include "serve_fixture.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <set>
#include <thread>

#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

int PortFrom(const std::string& out) {
  const std::string marker = "listening on http://";
  const std::size_t at = out.find(marker);
  if (at == std::string::npos) return 0;
  const std::size_t colon = out.find(':', at + marker.size());
  const std::size_t end = out.find('\n', colon);
  if (colon == std::string::npos || end == std::string::npos) return 0;
  return std::stoi(out.substr(colon + 1, end - colon - 1));
}

Json GetJson(net::HttpClient& http, const std::string& url) {
  net::HttpRequest request;
  request.url = url;
  auto response = http.Send(request);
  EXPECT_TRUE(response.ok()) << url;
  if (!response.ok()) return nullptr;
  EXPECT_EQ(response->status, 200) << url << ": " << response->body;
  auto json = ParseJson(response->body, url);
  return json.ok() ? *json : Json(nullptr);
}

}  // namespace

ServeProcess::ServeProcess(const std::string& binary, const std::map<std::string, std::string>& env,
                           std::vector<std::string> extra_args) {
  std::vector<std::string> argv = {binary, "serve", "--port", "0"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  command_ = std::make_unique<BackgroundCommand>(argv, env);
  for (int i = 0; i < 600 && port_ == 0 && command_->Running(); ++i) {
    port_ = PortFrom(command_->OutputSoFar());
    if (port_ == 0) std::this_thread::sleep_for(100ms);
  }
}

ServeProcess::~ServeProcess() {
  if (command_->Running()) command_->Kill(SIGTERM);
}

std::string ServeProcess::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<std::string> WatchedRun::Names() const {
  std::vector<std::string> names;
  for (const auto& message : messages)
    names.push_back(message.value("event", ""));
  return names;
}

std::size_t WatchedRun::Count(const std::string& event) const {
  std::size_t count = 0;
  for (const auto& message : messages)
    count += message.value("event", "") == event ? 1 : 0;
  return count;
}

WatchedRun WatchUntilEnd(WebSocketClient& socket, std::chrono::seconds limit) {
  WatchedRun run;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto message = socket.Read(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!message.ok() || message->closed) break;
    auto json = ParseJson(message->text, "event");
    if (!json.ok()) continue;
    run.messages.push_back(*json);
    if ((*json)["event"] == "STATUS") {
      run.final_status = (*json)["data"].value("value", "");
      if (run.final_status == "ended" || run.final_status == "error") {
        run.ended = run.final_status == "ended";
        break;
      }
    }
  }
  return run;
}

std::string CreateTranscript(net::HttpClient& http, const ServeProcess& server, const std::string& name) {
  net::HttpRequest request;
  request.method = "POST";
  request.url = server.Url("/v1/transcripts");
  request.headers = {{"Content-Type", "application/json"}};
  request.body = Json{{"name", name}, {"source_kind", "file"}}.dump();
  auto response = http.Send(request);
  EXPECT_TRUE(response.ok());
  if (!response.ok()) return "";
  EXPECT_EQ(response->status, 200) << response->body;
  auto json = ParseJson(response->body, "created");
  return json.ok() ? json->value("id", "") : "";
}

net::HttpResponse UploadTracks(net::HttpClient& http, const ServeProcess& server, const std::string& id,
                               const std::vector<SpokenTrack>& tracks) {
  net::HttpRequest request;
  request.method = "POST";
  request.url = server.Url("/v1/transcripts/" + id + "/tracks");
  for (const auto& track : tracks) {
    net::MultipartPart part;
    part.name = track.script.name;
    part.file = track.file;
    request.multipart.push_back(part);
  }
  request.timeout = std::chrono::milliseconds(120000);
  auto response = http.Send(request);
  EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message);
  return response.ok() ? *response : net::HttpResponse{};
}

bool StepStarted(const Json& message, const std::string& step) {
  const std::string event = message.value("event", "");
  const Json data = message.value("data", Json::object());
  if (event == "PIPELINE_PROGRESS") return data.value("current_step", "") == step;
  if (event != "DAG_STATUS" || !data.contains("tasks")) return false;
  for (const auto& task : data["tasks"]) {
    if (task.value("name", "") == step) return task.value("status", "queued") != "queued";
  }
  return false;
}

void ExpectWatchedMeeting(net::HttpClient& http, const ServeProcess& server, const std::string& id,
                          const WatchedRun& run, const std::vector<SpokenTrack>& tracks) {
  ASSERT_TRUE(run.ended) << "no STATUS ended; last status '" << run.final_status
                         << "', events seen: " << Json(run.Names()).dump();
  for (const char* event : {"PIPELINE_PROGRESS", "DAG_STATUS", "DURATION", "WAVEFORM", "TOPIC", "FINAL_TITLE",
                            "FINAL_LONG_SUMMARY", "FINAL_SHORT_SUMMARY"}) {
    EXPECT_GE(run.Count(event), 1u) << event << " never arrived";
  }
  EXPECT_GE(run.Count("DAG_STATUS"), 3u) << "the task list must be sent again as tasks change";
  std::set<std::string> dag_states;  // every status a task showed while we watched
  const Json* last_dag = nullptr;
  for (const auto& message : run.messages) {
    if (message["event"] != "DAG_STATUS") continue;
    last_dag = &message;
    for (const auto& task : message["data"]["tasks"])
      dag_states.insert(task.value("status", ""));
  }
  EXPECT_TRUE(dag_states.count("running") || dag_states.count("queued"))
      << "a task was seen before it completed";
  ASSERT_NE(last_dag, nullptr);
  double track_end = 0;
  for (const auto& track : tracks)
    track_end = std::max(track_end, track.track_end);
  for (const auto& message : run.messages) {
    if (message["event"] == "DURATION") {
      EXPECT_NEAR(message["data"]["duration"].get<double>(), track_end * 1000, 200);
    }
  }

  const std::string base = server.Url("/v1/transcripts/" + id);
  for (const char* format : {"text", "text-timestamped", "webvtt-named", "json"}) {
    Json got = GetJson(http, base + "?transcript_format=" + format);
    ASSERT_TRUE(got.is_object()) << format;
    EXPECT_EQ(got["status"], "ended");
    EXPECT_EQ(got["transcript_format"], format);
    const std::string text = got["transcript"].dump();
    for (const auto& track : tracks)
      EXPECT_NE(text.find(track.script.name), std::string::npos) << format << " lacks " << track.script.name;
  }
  Json topics = GetJson(http, base + "/topics");
  ASSERT_TRUE(topics.is_array());
  EXPECT_FALSE(topics.empty());

  // A client that connects afterwards gets the stored events again (not STATUS, not TRANSCRIPT)
  // and the final DAG_STATUS with every task completed.
  auto late = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
  ASSERT_TRUE(late.ok()) << late.error().message;
  std::vector<Json> replay;
  while (true) {
    auto message = (*late)->Read(2s);
    if (!message.ok() || message->closed) break;
    replay.push_back(ParseJson(message->text, "replay").value());
  }
  ASSERT_FALSE(replay.empty());
  for (const auto& message : replay) {
    EXPECT_NE(message["event"], "STATUS");
    EXPECT_NE(message["event"], "TRANSCRIPT");
  }
  // The last DAG_STATUS: events the run's last tasks append after this client connected may
  // follow it, and a DAG_STATUS equal to the one already sent is not sent again.
  auto replayed_dag = std::find_if(replay.rbegin(), replay.rend(),
                                   [](const Json& message) { return message["event"] == "DAG_STATUS"; });
  ASSERT_TRUE(replayed_dag != replay.rend()) << "no DAG_STATUS among " << replay.size() << " messages";
  for (const auto& task : (*replayed_dag)["data"]["tasks"])
    EXPECT_EQ(task["status"], "completed") << task.dump();
}

std::map<std::string, std::string> ConductorServeEnv(const std::string& database_url) {
  const std::map<std::string, std::string> needed = {
      {"REFLECTOR_TEST_S3_ENDPOINT", "an S3 server"},   {"REFLECTOR_TEST_S3_BUCKET", "an S3 server"},
      {"REFLECTOR_TEST_S3_REGION", "an S3 server"},     {"REFLECTOR_TEST_S3_ACCESS_KEY", "an S3 server"},
      {"REFLECTOR_TEST_S3_SECRET_KEY", "an S3 server"}, {"CONDUCTOR_SERVER_URL", "a Conductor OSS server"}};
  std::map<std::string, std::string> values;
  for (const auto& [name, what] : needed) {
    values[name] = RequireServiceVariable(name, what);
    if (values[name].empty()) return {};
  }
  return {{"DATABASE_URL", database_url},
          {"TRANSCRIPT_STORAGE_BACKEND", "s3"},
          {"TRANSCRIPT_STORAGE_AWS_BUCKET_NAME", values["REFLECTOR_TEST_S3_BUCKET"]},
          {"TRANSCRIPT_STORAGE_AWS_REGION", values["REFLECTOR_TEST_S3_REGION"]},
          {"TRANSCRIPT_STORAGE_AWS_ACCESS_KEY_ID", values["REFLECTOR_TEST_S3_ACCESS_KEY"]},
          {"TRANSCRIPT_STORAGE_AWS_SECRET_ACCESS_KEY", values["REFLECTOR_TEST_S3_SECRET_KEY"]},
          {"TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL", values["REFLECTOR_TEST_S3_ENDPOINT"]},
          {"CONDUCTOR_SERVER_URL", values["CONDUCTOR_SERVER_URL"]},
          {"CONDUCTOR_ENABLED", "true"},
          {"LOG_LEVEL", "info"},
          {"LLM_URL", ""}};
}

std::vector<std::unique_ptr<BackgroundCommand>> StartWorkers(const std::string& reflector,
                                                             const std::map<std::string, std::string>& env,
                                                             const std::filesystem::path& dir) {
  std::vector<std::unique_ptr<BackgroundCommand>> workers;
  for (const char* name : {"worker-a", "worker-b"}) {
    auto worker_env = env;
    worker_env["DATA_DIR"] = (dir / name).string();
    workers.push_back(std::make_unique<BackgroundCommand>(
        std::vector<std::string>{reflector, "worker", "--concurrency", "2", "--shutdown-timeout", "5"},
        worker_env));
  }
  return workers;
}

}  // namespace reflector::testing
