// `reflector process` with the external services switched on by settings, each played by a
// local test server that follows its documented format: OpenAI-compatible transcription
// (TRANSCRIPT_BACKEND=openai), Zulip (a room with auto-post) and the room's signed webhook.

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "core/json.hpp"
#include "notify/webhook.hpp"
#include "support/http_test_server.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

struct Seen {
  std::mutex mutex;
  int transcriptions = 0;
  std::vector<TestHttpRequest> zulip;
  std::vector<TestHttpRequest> webhooks;
};

TEST(ExternalServicesEndToEndTest, OpenAiTranscriptionZulipAndWebhookThroughProcess) {
  Seen seen;
  HttpTestServer server([&seen](const TestHttpRequest& request) -> TestHttpResponse {
    std::lock_guard lock(seen.mutex);
    if (request.method == "POST" && request.path == "/v1/audio/transcriptions") {
      if (request.body.find("timestamp_granularities[]") == std::string::npos)
        return {400, {}, "no word timestamps"};
      ++seen.transcriptions;
      // Out of order and with spaces, as some servers answer.
      return {200,
              {{"Content-Type", "application/json"}},
              R"({"text":"hello budget","words":[{"word":"budget ","start":1.0,"end":1.4},)"
              R"({"word":" hello","start":0.5,"end":0.9}]})"};
    }
    if (request.method == "POST" && request.path == "/api/v1/messages") {
      seen.zulip.push_back(request);
      if (!request.Header("Authorization").value_or("").starts_with("Basic ")) return {401, {}, "{}"};
      return {200, {{"Content-Type", "application/json"}}, R"({"result":"success","msg":"","id":4242})"};
    }
    if (request.method == "POST" && request.path == "/hook") {
      seen.webhooks.push_back(request);
      return {200, {}, "ok"};
    }
    return {404, {}, "unexpected " + request.method + " " + request.path};
  });

  TempDir dir("reflector-external-e2e");
  std::string reflector = BuiltBinary("reflector").string();
  std::map<std::string, std::string> env = {{"DATA_DIR", (dir.path() / "data").string()},
                                            {"LOG_LEVEL", "warning"},
                                            {"LLM_URL", ""},
                                            {"TRANSCRIPT_BACKEND", "openai"},
                                            {"TRANSCRIPT_URL", server.BaseUrl() + "/v1"},
                                            {"TRANSCRIPT_MODEL", "whisper-1"},
                                            {"ZULIP_REALM", server.BaseUrl()},
                                            {"ZULIP_BOT_EMAIL", "bot@example.com"},
                                            {"ZULIP_API_KEY", "zulip-key"},
                                            {"UI_BASE_URL", "https://reflector.example.com"}};
  auto room = RunCommand({reflector, "rooms", "create", "weekly", "--zulip-stream", "engineering",
                          "--zulip-topic", "weekly sync", "--zulip-auto-post", "--webhook-url",
                          server.BaseUrl() + "/hook", "--webhook-secret", "hook-secret"},
                         env, 60s);
  ASSERT_EQ(room.exit_code, 0) << room.err;

  auto samples = TestDataDir().parent_path().parent_path() / "samples";
  auto result = RunCommand(
      {reflector, "process", "--room", "weekly", "--track", "Alice=" + (samples / "alice.webm").string(),
       "--track", "Bob=" + (samples / "bob.webm").string(), "--json"},
      env, 600s);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json transcript = Json::parse(result.out.substr(result.out.find('{')));
  EXPECT_EQ(transcript["status"], "ended");
  EXPECT_EQ(transcript["provenance"]["stt_backend"], "openai");
  std::set<std::pair<int, std::string>> words;
  for (const auto& word : transcript["words"])
    words.insert({word["speaker"].get<int>(), word["text"].get<std::string>()});
  EXPECT_EQ(words, (std::set<std::pair<int, std::string>>{
                       {0, "hello"}, {0, "budget"}, {1, "hello"}, {1, "budget"}}));

  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(seen.transcriptions, 2);
  ASSERT_EQ(seen.zulip.size(), 1U);
  const std::string& form = seen.zulip[0].body;
  EXPECT_NE(form.find("to=engineering"), std::string::npos) << form;
  EXPECT_NE(form.find("topic=weekly+sync"), std::string::npos) << form;
  EXPECT_NE(form.find("reflector.example.com"), std::string::npos) << form;
  ASSERT_EQ(seen.webhooks.size(), 1U);
  const TestHttpRequest& hook = seen.webhooks[0];
  EXPECT_EQ(hook.Header("X-Webhook-Event"), "transcript.completed");
  auto verified = notify::VerifyWebhookSignature("hook-secret",
                                                 hook.Header("X-Webhook-Signature").value_or(""), hook.body);
  EXPECT_TRUE(verified.ok()) << verified.error().message;
  Json payload = Json::parse(hook.body);
  EXPECT_EQ(payload["event"], "transcript.completed");
  EXPECT_EQ(payload["transcript"]["id"], transcript["id"]);
}

}  // namespace
}  // namespace reflector::testing
