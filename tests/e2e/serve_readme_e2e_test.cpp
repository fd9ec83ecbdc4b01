// The README's two commands of "The service", as written there: the start command in the
// background and the upload command in a shell at the top of the repository, on the bundled
// samples/. The start command gets `--port 0` (the upload command the port it printed instead of
// 1250, which may be taken here); nothing else is changed. The meeting must end `ended` with
// every participant in its transcript.

#include <gtest/gtest.h>

#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "core/json.hpp"
#include "net/http_client.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

fs::path RepositoryRoot() {
  return TestDataDir().parent_path().parent_path();
}

std::string WithoutComment(std::string line) {
  if (const std::size_t hash = line.find(" #"); hash != std::string::npos) line.erase(hash);
  while (!line.empty() && line.back() == ' ')
    line.pop_back();
  return line;
}

// The commands of the sh block between "<!-- serve-commands" and "<!-- /serve-commands -->" in
// README.md: continuation lines joined, comments dropped.
std::vector<std::string> ReadmeServeCommands() {
  std::ifstream in(RepositoryRoot() / "README.md");
  std::vector<std::string> commands;
  std::string line;
  std::string pending;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.starts_with("<!-- serve-commands")) {
      inside = true;
    } else if (line.starts_with("<!-- /serve-commands")) {
      break;
    } else if (inside && !line.starts_with("```")) {
      line = WithoutComment(line);
      if (line.empty()) continue;
      if (line.back() == '\\') {
        pending += line.substr(0, line.size() - 1);
        continue;
      }
      commands.push_back(pending + line);
      pending.clear();
    }
  }
  return commands;
}

// The port of "listening on http://HOST:PORT" once printed; 0 if the server ended or 60 s passed.
int WaitForPort(BackgroundCommand& server) {
  const std::string marker = "listening on http://";
  for (int i = 0; i < 600 && server.Running(); ++i) {
    const std::string out = server.OutputSoFar();
    const std::size_t at = out.find(marker);
    const std::size_t colon = at == std::string::npos ? at : out.find(':', at + marker.size());
    const std::size_t end = colon == std::string::npos ? colon : out.find('\n', colon);
    if (end != std::string::npos) return std::stoi(out.substr(colon + 1, end - colon - 1));
    std::this_thread::sleep_for(100ms);
  }
  return 0;
}

// GET /v1/transcripts/{id} until it is `ended` or `error` (or `limit` passes); the last answer.
Json WaitForEnd(net::HttpClient& http, const std::string& url, std::chrono::seconds limit) {
  Json last;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    net::HttpRequest request;
    request.url = url;
    auto response = http.Send(request);
    if (response.ok() && response->status == 200) {
      last = ParseJson(response->body, "transcript").value_or(Json());
      const std::string status = last.is_object() ? last.value("status", "") : "";
      if (status == "ended" || status == "error") break;
    }
    std::this_thread::sleep_for(500ms);
  }
  return last;
}

TEST(ServeReadmeTest, TheTwoCommandsStartTheServiceAndProcessTheSamples) {
  const std::vector<std::string> commands = ReadmeServeCommands();
  ASSERT_EQ(commands.size(), 2U) << "README.md shows the service in two commands: " << Json(commands).dump();
  ASSERT_TRUE(commands[0].starts_with("reflector serve")) << commands[0];
  const std::string port_1250 = "localhost:1250";
  ASSERT_NE(commands[1].find(port_1250), std::string::npos) << commands[1];

  TempDir dir("reflector-readme-e2e");
  const char* path = std::getenv("PATH");
  const std::map<std::string, std::string> env = {
      {"PATH",
       BuiltBinary("reflector").parent_path().string() + ":" + (path != nullptr ? path : "/usr/bin:/bin")},
      {"DATA_DIR", (dir / "data").string()},
      {"LLM_URL", ""},
      {"LOG_LEVEL", "info"}};
  BackgroundCommand server({"bash", "-c", "exec " + commands[0] + " --port 0"}, env);
  const int port = WaitForPort(server);
  ASSERT_GT(port, 0) << server.ErrorsSoFar();

  std::string upload = commands[1];
  for (std::size_t at = upload.find(port_1250); at != std::string::npos; at = upload.find(port_1250, at))
    upload.replace(at, port_1250.size(), "localhost:" + std::to_string(port));
  const std::string root = RepositoryRoot().string();
  CommandResult uploaded = RunCommand({"bash", "-c", "cd '" + root + "' && " + upload}, env, 300s);
  ASSERT_EQ(uploaded.exit_code, 0) << uploaded.err;
  auto answer = ParseJson(uploaded.out, "upload answer");
  ASSERT_TRUE(answer.ok()) << uploaded.out;
  EXPECT_EQ(answer->value("status", ""), "ok") << uploaded.out;
  EXPECT_EQ((*answer)["tracks"], (Json{"Alice", "Bob", "Carol"})) << uploaded.out;
  const std::string id = answer->value("transcript_id", "");
  ASSERT_FALSE(id.empty()) << uploaded.out;

  net::HttpClient http;
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1/transcripts/" + id;
  const Json done = WaitForEnd(http, url + "?transcript_format=text", 600s);
  ASSERT_TRUE(done.is_object()) << server.ErrorsSoFar();
  EXPECT_EQ(done.value("status", ""), "ended") << done.dump().substr(0, 2000);
  const std::string text = done.value("transcript", "");
  for (const char* name : {"Alice", "Bob", "Carol"})
    EXPECT_NE(text.find(name), std::string::npos) << name << " missing from: " << text;
  CommandResult stopped = server.Kill(SIGTERM);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
}

}  // namespace
}  // namespace reflector::testing
