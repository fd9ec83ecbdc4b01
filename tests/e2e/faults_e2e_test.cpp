// Faults of the services around the pipeline, through `reflector process` on the bundled samples
// (in-process, and on Conductor with two `reflector worker` processes running the tasks), with
// each service played by a local double following its documented format: the LLM server
// (OpenAI chat completions) first hangs, then answers 429 (with Retry-After) and 500 for 20 s;
// Zulip and the room's webhook receiver answer 503 several times. The transcript must still end,
// with one Zulip message and one webhook event id delivered once.

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "core/json.hpp"
#include "serve_fixture.hpp"
#include "store_test_env.hpp"
#include "support/http_test_server.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kLlmOutage = 20s;
constexpr int kZulipFailures = 3;
constexpr int kWebhookFailures = 2;

// An answer every prompt of the summariser can read (topic, title, subjects, paragraphs, recap).
TestHttpResponse ChatAnswer() {
  const Json content = {{"title", "Budget review"},
                        {"summary", "The team reviewed the budget and agreed on it."},
                        {"subjects", Json::array({"Budget"})},
                        {"paragraph", "The team agreed on the budget."},
                        {"recap", "The budget was agreed."}};
  const Json body = {
      {"id", "chatcmpl-1"},
      {"object", "chat.completion"},
      {"model", "fault-double"},
      {"choices", Json::array({{{"index", 0},
                                {"finish_reason", "stop"},
                                {"message", {{"role", "assistant"}, {"content", content.dump()}}}}})},
      {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 10}}}};
  return {200, {{"Content-Type", "application/json"}}, body.dump()};
}

struct Services {
  std::mutex mutex;
  std::optional<Clock::time_point> first_llm_request;
  int llm_requests = 0, llm_hangs = 0, llm_refusals = 0, llm_answers = 0;
  int zulip_attempts = 0;
  std::vector<std::string> zulip_messages;  // bodies of the posts answered 200
  int webhook_attempts = 0;
  std::vector<std::string> webhook_event_ids;  // of every attempt
  int webhook_deliveries = 0;                  // answered 200

  TestHttpResponse Answer(const TestHttpRequest& request) {
    std::lock_guard lock(mutex);
    if (request.method == "POST" && request.path == "/v1/chat/completions") return Llm();
    if (request.method == "POST" && request.path == "/api/v1/messages") {
      if (++zulip_attempts <= kZulipFailures) return {503, {}, "upstream unavailable"};
      zulip_messages.push_back(request.body);
      return {200, {{"Content-Type", "application/json"}}, R"({"result":"success","msg":"","id":4242})"};
    }
    if (request.method == "POST" && request.path == "/hook") {
      auto body = ParseJson(request.body, "webhook body");
      webhook_event_ids.push_back(body.ok() ? body->value("event_id", "") : "");
      if (++webhook_attempts <= kWebhookFailures) return {503, {}, "try later"};
      ++webhook_deliveries;
      return {200, {}, "ok"};
    }
    return {404, {}, "unexpected " + request.method + " " + request.path};
  }

  TestHttpResponse Llm() {
    ++llm_requests;
    const auto now = Clock::now();
    if (!first_llm_request) {
      first_llm_request = now;
      ++llm_hangs;
      TestHttpResponse hang = ChatAnswer();
      hang.delay = 120s;  // far past LLM_TIMEOUT_SECONDS
      return hang;
    }
    if (now - *first_llm_request < kLlmOutage) {
      ++llm_refusals;
      if (llm_refusals % 2 == 1) {
        return {429,
                {{"Content-Type", "application/json"}, {"Retry-After", "1"}},
                R"({"error":{"message":"Rate limit reached","type":"rate_limit_error"}})"};
      }
      return {500, {{"Content-Type", "application/json"}}, R"({"error":{"message":"internal error"}})"};
    }
    ++llm_answers;
    return ChatAnswer();
  }
};

class FaultsEndToEndTest : public ::testing::TestWithParam<bool> {};  // true: on Conductor

TEST_P(FaultsEndToEndTest, LlmHangsAndRefusalsZulipAndWebhookOutagesEndWithOneMessageAndOneDelivery) {
  const bool on_conductor = GetParam();
  Services services;
  HttpTestServer server([&services](const TestHttpRequest& request) { return services.Answer(request); });
  TempDir dir("reflector-faults-e2e");
  const std::string reflector = BuiltBinary("reflector").string();
  std::map<std::string, std::string> env = {{"DATA_DIR", (dir.path() / "data").string()},
                                            {"LOG_LEVEL", "warning"},
                                            {"LLM_URL", server.BaseUrl() + "/v1"},
                                            {"LLM_MODEL", "fault-double"},
                                            {"LLM_TIMEOUT_SECONDS", "3"},
                                            {"ZULIP_REALM", server.BaseUrl()},
                                            {"ZULIP_BOT_EMAIL", "bot@example.com"},
                                            {"ZULIP_API_KEY", "zulip-key"}};
  std::unique_ptr<store::testing::FreshDatabase> database;
  std::vector<std::unique_ptr<BackgroundCommand>> workers;
  if (on_conductor) {
    // The LLM, Zulip and webhook tasks run in two `reflector worker` processes.
    database = store::testing::FreshDatabase::Create(store::testing::Backend::kPostgres);
    ASSERT_NE(database, nullptr) << "see the failure above";
    std::map<std::string, std::string> conductor = ConductorServeEnv(database->url());
    ASSERT_FALSE(conductor.empty()) << "see the message above";
    conductor.erase("LLM_URL");
    conductor.erase("LOG_LEVEL");
    env.insert(conductor.begin(), conductor.end());
    workers = StartWorkers(reflector, env, dir.path());
  }
  auto room = RunCommand({reflector, "rooms", "create", "weekly", "--zulip-stream", "engineering",
                          "--zulip-topic", "weekly sync", "--zulip-auto-post", "--webhook-url",
                          server.BaseUrl() + "/hook", "--webhook-secret", "hook-secret"},
                         env, 60s);
  ASSERT_EQ(room.exit_code, 0) << room.err;

  const auto samples = TestDataDir().parent_path().parent_path() / "samples";
  const auto started = Clock::now();
  auto result = RunCommand(
      {reflector, "process", "--room", "weekly", "--track", "Alice=" + (samples / "alice.webm").string(),
       "--track", "Bob=" + (samples / "bob.webm").string(), "--json"},
      env, 900s);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json transcript = Json::parse(result.out.substr(result.out.find('{')));
  EXPECT_EQ(transcript["status"], "ended");
  EXPECT_EQ(transcript["provenance"]["llm_backend"], "openai") << transcript["provenance"].dump();
  EXPECT_EQ(transcript["title"], "Budget Review") << "the title came from the LLM once it answered";
  EXPECT_GE(Clock::now() - started, kLlmOutage) << "the run outlasted the outage";

  std::lock_guard lock(services.mutex);
  EXPECT_EQ(services.llm_hangs, 1);
  EXPECT_GE(services.llm_refusals, 4) << "retried through the outage";
  EXPECT_GE(services.llm_answers, 1);
  EXPECT_EQ(services.zulip_attempts, kZulipFailures + 1);
  ASSERT_EQ(services.zulip_messages.size(), 1U) << "one Zulip message";
  EXPECT_NE(services.zulip_messages[0].find("to=engineering"), std::string::npos);
  EXPECT_EQ(services.webhook_deliveries, 1) << "one delivery";
  ASSERT_EQ(services.webhook_event_ids.size(), static_cast<std::size_t>(kWebhookFailures + 1));
  const std::set<std::string> ids(services.webhook_event_ids.begin(), services.webhook_event_ids.end());
  EXPECT_EQ(ids.size(), 1U) << "every attempt carries the same event id";
  EXPECT_FALSE(ids.begin()->empty());
  EXPECT_EQ(transcript["provenance"]["engine"], on_conductor ? "conductor" : "in_process");
}

INSTANTIATE_TEST_SUITE_P(Engines, FaultsEndToEndTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? std::string("Conductor") : std::string("InProcess");
                         });

}  // namespace
}  // namespace reflector::testing
