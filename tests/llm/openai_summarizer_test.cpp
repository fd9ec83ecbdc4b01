// The OpenAI-compatible backend against a scripted chat-completions server: request shape,
// lenient parsing and re-asking, the fallback, transport retries, cancellation and the bound on
// requests in flight. Waits between attempts go through a ManualClock, so nothing here sleeps
// for a back-off.

#include "llm/openai/openai_summarizer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "llm/extractive/extractive_summarizer.hpp"
#include "llm/text.hpp"
#include "support/http_test_server.hpp"

namespace reflector::llm {
namespace {

using namespace std::chrono_literals;
using reflector::testing::HttpTestServer;
using reflector::testing::TestHttpHeaders;
using reflector::testing::TestHttpRequest;
using reflector::testing::TestHttpResponse;

constexpr int kAlice = 0;
constexpr int kBob = 1;
const SpeakerNames kNames = {{kAlice, "Alice"}, {kBob, "Bob"}};

std::vector<Word> Meeting() {
  std::vector<Word> words;
  double clock = 0;
  auto say = [&](int speaker, std::string_view text) {
    for (std::string_view word : SplitWords(text)) {
      words.push_back(Word{std::string(word), clock, clock + 0.25, speaker});
      clock += 0.3;
    }
    clock += 1.0;
  };
  say(kAlice, "we need to decide the budget for the new office furniture");
  say(kBob, "i think we can spend five thousand on desks and chairs");
  say(kAlice, "fine let's order the desks this week and hire a designer next month");
  return words;
}

TestHttpResponse Chat(const std::string& content, const std::string& finish_reason = "stop") {
  Json body = {{"id", "chatcmpl-test"},
               {"object", "chat.completion"},
               {"model", "test-model"},
               {"choices",
                {{{"index", 0},
                  {"message", {{"role", "assistant"}, {"content", content}}},
                  {"finish_reason", finish_reason}}}},
               {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 5}, {"total_tokens", 15}}}};
  return TestHttpResponse{200, {{"Content-Type", "application/json"}}, body.dump(), 0ms};
}

TestHttpResponse Status(int status, TestHttpHeaders headers = {}, std::string body = "") {
  if (body.empty()) body = R"({"error":{"message":"scripted","type":"test","param":null,"code":null}})";
  headers.emplace_back("Content-Type", "application/json");
  return TestHttpResponse{status, std::move(headers), std::move(body), 0ms};
}

// The content of the first user message of a request body: the question (re-asks add more).
std::string Question(const Json& body) {
  for (const auto& message : body["messages"]) {
    if (message["role"] == "user") return message["content"].get<std::string>();
  }
  return "";
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// A chat-completions server answering with `script(body, index)`; it records every request.
class ScriptedLlm {
 public:
  using Script = std::function<TestHttpResponse(const Json& body, int index)>;

  explicit ScriptedLlm(Script script)
      : script_(std::move(script)),
        server_([this](const TestHttpRequest& request) { return Handle(request); }) {}

  std::string BaseUrl() const { return server_.BaseUrl() + "/v1"; }
  int RequestCount() const { return server_.RequestCount(); }
  std::vector<TestHttpRequest> Requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<Json> Bodies() const {
    std::lock_guard lock(mutex_);
    return bodies_;
  }

 private:
  TestHttpResponse Handle(const TestHttpRequest& request) {
    Json body = Json::parse(request.body, nullptr, false);
    int index = 0;
    {
      std::lock_guard lock(mutex_);
      index = static_cast<int>(requests_.size());
      requests_.push_back(request);
      bodies_.push_back(body);
    }
    if (body.is_discarded()) return Status(400);
    return script_(body, index);
  }

  Script script_;
  mutable std::mutex mutex_;
  std::vector<TestHttpRequest> requests_;
  std::vector<Json> bodies_;
  HttpTestServer server_;  // last: stops before the members it uses
};

class OpenAiSummarizerTest : public ::testing::Test {
 protected:
  std::unique_ptr<OpenAiSummarizer> Make(const ScriptedLlm& llm, OpenAiOptions options = {}) {
    options.base_url = llm.BaseUrl();
    if (options.model.empty()) options.model = "test-model";
    auto summarizer = OpenAiSummarizer::Create(std::move(options), http_, clock_);
    EXPECT_TRUE(summarizer.ok()) << summarizer.error().message;
    return summarizer.ok() ? std::move(summarizer).value() : nullptr;
  }

  net::HttpClient http_;
  ManualClock clock_;
  ExtractiveSummarizer extractive_;
  std::vector<Word> words_ = Meeting();
};

const std::vector<TopicDraft> kOneTopic = {{"Budget", "They set a budget."}};

constexpr const char* kTopicJson =
    R"({"title": "office furniture budget", "summary": "Alice and Bob agreed to spend five thousand on desks."})";

TEST_F(OpenAiSummarizerTest, SendsAChatCompletionWithTheSpeakersNamed) {
  ScriptedLlm llm([](const Json&, int) { return Chat(kTopicJson); });
  OpenAiOptions options;
  options.api_key = "sk-test";
  options.model = "smollm2";
  options.max_tokens = 200;
  auto summarizer = Make(llm, options);
  ASSERT_TRUE(summarizer);
  EXPECT_EQ(summarizer->Backend(), "openai");
  EXPECT_EQ(summarizer->Model(), "smollm2/prompts-v1");

  auto draft = summarizer->DescribeTopic(words_, kNames, {});
  ASSERT_TRUE(draft.ok()) << draft.error().Describe();
  EXPECT_EQ(draft->title, "Office Furniture Budget");
  EXPECT_EQ(draft->summary, "Alice and Bob agreed to spend five thousand on desks.");

  ASSERT_EQ(llm.RequestCount(), 1);
  const TestHttpRequest request = llm.Requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/v1/chat/completions");
  EXPECT_EQ(request.Header("Authorization").value_or(""), "Bearer sk-test");
  EXPECT_EQ(request.Header("Content-Type").value_or(""), "application/json");
  const Json body = llm.Bodies()[0];
  EXPECT_EQ(body["model"], "smollm2");
  EXPECT_EQ(body["max_tokens"], 200);
  EXPECT_TRUE(body["temperature"].is_number());
  EXPECT_EQ(body["response_format"], Json({{"type", "json_object"}}));
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["messages"][1]["role"], "user");
  const std::string user = Question(body);
  EXPECT_TRUE(Contains(user, "Participants: Alice, Bob")) << user;
  EXPECT_TRUE(Contains(user, "\nAlice: we need to decide the budget")) << user;
  EXPECT_TRUE(Contains(user, "\nBob: i think we can spend")) << user;
}

TEST_F(OpenAiSummarizerTest, OptionalFieldsAreLeftOutWhenUnset) {
  ScriptedLlm llm([](const Json&, int) { return Chat(kTopicJson); });
  OpenAiOptions options;
  options.json_response_format = false;
  auto summarizer = Make(llm, options);
  ASSERT_TRUE(summarizer);
  ASSERT_TRUE(summarizer->DescribeTopic(words_, kNames, {}).ok());
  ASSERT_EQ(llm.RequestCount(), 1);
  EXPECT_FALSE(llm.Requests()[0].Header("Authorization").has_value());
  EXPECT_FALSE(llm.Bodies()[0].contains("max_tokens"));
  EXPECT_FALSE(llm.Bodies()[0].contains("response_format"));
}

TEST_F(OpenAiSummarizerTest, ParsesFencedJsonAndJsonFollowedByText) {
  for (const std::string& answer :
       {"```json\n" + std::string(kTopicJson) + "\n```",
        "Here is the answer: " + std::string(kTopicJson) + "\nI hope this helps!"}) {
    ScriptedLlm llm([&](const Json&, int) { return Chat(answer); });
    auto summarizer = Make(llm);
    ASSERT_TRUE(summarizer);
    auto draft = summarizer->DescribeTopic(words_, kNames, {});
    ASSERT_TRUE(draft.ok()) << draft.error().Describe();
    EXPECT_EQ(draft->title, "Office Furniture Budget");
    EXPECT_EQ(llm.RequestCount(), 1) << "no re-ask for a usable answer";
  }
}

TEST_F(OpenAiSummarizerTest, ReasksWithTheAnswerAndTheErrorShown) {
  ScriptedLlm llm([](const Json&, int index) {
    return index == 0 ? Chat(R"({"title": "Desks", "summary": {"text": "nested"}})") : Chat(kTopicJson);
  });
  auto summarizer = Make(llm);
  ASSERT_TRUE(summarizer);
  auto draft = summarizer->DescribeTopic(words_, kNames, {});
  ASSERT_TRUE(draft.ok()) << draft.error().Describe();
  EXPECT_EQ(draft->title, "Office Furniture Budget");

  ASSERT_EQ(llm.RequestCount(), 2);
  const Json first = llm.Bodies()[0];
  const Json retry = llm.Bodies()[1];
  ASSERT_EQ(retry["messages"].size(), 4u);
  EXPECT_EQ(retry["messages"][1], first["messages"][1]) << "the original question is asked again";
  EXPECT_EQ(retry["messages"][2]["role"], "assistant");
  EXPECT_EQ(retry["messages"][2]["content"], R"({"title": "Desks", "summary": {"text": "nested"}})");
  EXPECT_EQ(retry["messages"][3]["role"], "user");
  const std::string again = retry["messages"][3]["content"];
  EXPECT_EQ(
      again.rfind("Your answer could not be used: \"summary\" must be a string, not an object. Answer again "
                  "with only the JSON object",
                  0),
      0u)
      << again;
}

TEST_F(OpenAiSummarizerTest, UnusableAnswersFallBackToTheFallbackBackend) {
  // Not JSON for the topic; nothing at all for the title.
  ScriptedLlm llm([](const Json& body, int) {
    return Chat(Contains(Question(body), "Write a short title") ? "  " : "I cannot answer in JSON, sorry.");
  });
  OpenAiOptions options;
  options.parse_max_retries = 2;
  options.fallback = &extractive_;
  auto summarizer = Make(llm, options);
  ASSERT_TRUE(summarizer);
  auto draft = summarizer->DescribeTopic(words_, kNames, {});
  ASSERT_TRUE(draft.ok()) << draft.error().Describe();
  auto expected = extractive_.DescribeTopic(words_, kNames, {});
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(draft->title, expected->title);
  EXPECT_EQ(draft->summary, expected->summary);
  EXPECT_EQ(llm.RequestCount(), 3) << "one question and two re-asks";

  // Title falls back the same way.
  std::vector<TopicDraft> topics = {{"Budget", "a"}, {"Desks", "b"}};
  auto title = summarizer->Title(topics, {});
  ASSERT_TRUE(title.ok()) << title.error().Describe();
  EXPECT_EQ(*title, extractive_.Title(topics, {}).value_or("?"));
  EXPECT_EQ(llm.RequestCount(), 6);
}

TEST_F(OpenAiSummarizerTest, UnusableAnswersWithoutFallbackAreATerminalError) {
  ScriptedLlm llm([](const Json&, int) { return Chat("no json at all"); });
  OpenAiOptions options;
  options.parse_max_retries = 1;
  auto summarizer = Make(llm, options);
  ASSERT_TRUE(summarizer);
  auto draft = summarizer->DescribeTopic(words_, kNames, {});
  ASSERT_FALSE(draft.ok());
  EXPECT_FALSE(draft.error().retryable);
  EXPECT_EQ(draft.error().kind, ErrorKind::kExternal);
  EXPECT_TRUE(Contains(draft.error().message, "DescribeTopic")) << draft.error().message;
  EXPECT_TRUE(Contains(draft.error().message, "no JSON object")) << draft.error().message;
  EXPECT_EQ(llm.RequestCount(), 2);
}

TEST_F(OpenAiSummarizerTest, RateLimitWaitsForRetryAfterThenSucceeds) {
  ScriptedLlm llm([](const Json&, int index) {
    return index == 0 ? Status(429, {{"Retry-After", "1"}}) : Chat(kTopicJson);
  });
  auto summarizer = Make(llm);
  ASSERT_TRUE(summarizer);
  auto draft = summarizer->DescribeTopic(words_, kNames, {});
  ASSERT_TRUE(draft.ok()) << draft.error().Describe();
  EXPECT_EQ(llm.RequestCount(), 2);
  EXPECT_EQ(clock_.TotalSlept(), 1000ms) << "Retry-After: 1 is honoured";
}

TEST_F(OpenAiSummarizerTest, ServerErrorIsRetriedWithBackoff) {
  ScriptedLlm llm([](const Json&, int index) { return index == 0 ? Status(500) : Chat(kTopicJson); });
  auto summarizer = Make(llm);
  ASSERT_TRUE(summarizer);
  auto draft = summarizer->DescribeTopic(words_, kNames, {});
  ASSERT_TRUE(draft.ok()) << draft.error().Describe();
  EXPECT_EQ(llm.RequestCount(), 2);
  EXPECT_EQ(clock_.TotalSlept(), 500ms);
}

TEST_F(OpenAiSummarizerTest, PersistentServerErrorIsRetryableAfterTheAttempts) {
  ScriptedLlm llm([](const Json&, int) { return Status(503); });
  OpenAiOptions options;
  options.max_attempts = 4;
  options.initial_backoff_seconds = 1;
  options.max_backoff_seconds = 3;
  options.fallback = &extractive_;  // not used for transport failures
  auto summarizer = Make(llm, options);
  ASSERT_TRUE(summarizer);
  auto draft = summarizer->DescribeTopic(words_, kNames, {});
  ASSERT_FALSE(draft.ok());
  EXPECT_TRUE(draft.error().retryable);
  EXPECT_EQ(draft.error().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(Contains(draft.error().message, "HTTP 503")) << draft.error().message;
  EXPECT_TRUE(Contains(draft.error().message, "after 4 attempts")) << draft.error().message;
  EXPECT_EQ(llm.RequestCount(), 4);
  EXPECT_EQ(clock_.TotalSlept(), 1000ms + 2000ms + 3000ms) << "exponential, capped";
}

TEST_F(OpenAiSummarizerTest, ClientErrorsAreTerminalAtOnce) {
  for (int status : {400, 401, 404}) {
    ScriptedLlm llm([&](const Json&, int) { return Status(status); });
    auto summarizer = Make(llm);
    ASSERT_TRUE(summarizer);
    auto draft = summarizer->DescribeTopic(words_, kNames, {});
    ASSERT_FALSE(draft.ok()) << status;
    EXPECT_FALSE(draft.error().retryable) << status;
    EXPECT_TRUE(Contains(draft.error().message, "HTTP " + std::to_string(status))) << draft.error().message;
    EXPECT_EQ(llm.RequestCount(), 1) << status;
  }
  // A used-up quota also comes as 429, and waiting does not help.
  ScriptedLlm quota([](const Json&, int) {
    return Status(429, {},
                  R"({"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}})");
  });
  auto summarizer = Make(quota);
  ASSERT_TRUE(summarizer);
  auto draft = summarizer->DescribeTopic(words_, kNames, {});
  ASSERT_FALSE(draft.ok());
  EXPECT_FALSE(draft.error().retryable);
  EXPECT_EQ(quota.RequestCount(), 1);
}

TEST_F(OpenAiSummarizerTest, SlowServerIsARetryableTimeout) {
  ScriptedLlm llm([](const Json&, int) {
    TestHttpResponse response = Chat(kTopicJson);
    response.delay = 30s;  // cut short when the server is destroyed
    return response;
  });
  OpenAiOptions options;
  options.request_timeout_seconds = 0.2;
  options.max_attempts = 2;
  auto summarizer = Make(llm, options);
  ASSERT_TRUE(summarizer);
  auto draft = summarizer->DescribeTopic(words_, kNames, {});
  ASSERT_FALSE(draft.ok());
  EXPECT_EQ(draft.error().kind, ErrorKind::kTimeout) << draft.error().Describe();
  EXPECT_TRUE(draft.error().retryable);
  EXPECT_EQ(llm.RequestCount(), 2);
}

TEST_F(OpenAiSummarizerTest, StopTokenCancels) {
  // Stopped before: no request.
  ScriptedLlm idle([](const Json&, int) { return Chat(kTopicJson); });
  auto summarizer = Make(idle);
  ASSERT_TRUE(summarizer);
  std::stop_source stopped;
  stopped.request_stop();
  auto before = summarizer->DescribeTopic(words_, kNames, stopped.get_token());
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.error().kind, ErrorKind::kCancelled);
  EXPECT_EQ(summarizer->Title(kOneTopic, stopped.get_token()).error().kind, ErrorKind::kCancelled);
  EXPECT_EQ(summarizer->Summarize(kOneTopic, words_, kNames, stopped.get_token()).error().kind,
            ErrorKind::kCancelled);
  EXPECT_EQ(idle.RequestCount(), 0);

  // Stopped while the request is in flight: the request is abandoned at once.
  std::promise<void> arrived;
  std::atomic<bool> signalled{false};
  ScriptedLlm slow([&](const Json&, int) {
    if (!signalled.exchange(true)) arrived.set_value();
    TestHttpResponse response = Chat(kTopicJson);
    response.delay = 60s;
    return response;
  });
  auto slow_summarizer = Make(slow);
  ASSERT_TRUE(slow_summarizer);
  std::stop_source source;
  std::thread stopper([&] {
    arrived.get_future().wait();
    source.request_stop();
  });
  auto during = slow_summarizer->DescribeTopic(words_, kNames, source.get_token());
  stopper.join();
  ASSERT_FALSE(during.ok());
  EXPECT_EQ(during.error().kind, ErrorKind::kCancelled) << during.error().Describe();
  EXPECT_EQ(slow.RequestCount(), 1);
}

TEST_F(OpenAiSummarizerTest, TitleFromPlainTextOrJson) {
  std::vector<TopicDraft> topics = {{"Office Furniture Budget", "a"}, {"Designer Hiring", "b"}};
  for (const std::string& answer :
       {std::string("Title: \"Office furniture budget and designer hiring\""),
        std::string(R"({"title": "office furniture budget and designer hiring"})")}) {
    ScriptedLlm llm([&](const Json&, int) { return Chat(answer); });
    auto summarizer = Make(llm);
    ASSERT_TRUE(summarizer);
    auto title = summarizer->Title(topics, {});
    ASSERT_TRUE(title.ok()) << title.error().Describe();
    EXPECT_EQ(*title, "Office Furniture Budget and Designer Hiring");
    const std::string user = Question(llm.Bodies()[0]);
    EXPECT_TRUE(Contains(user, "- Office Furniture Budget\n- Designer Hiring")) << user;
    EXPECT_FALSE(llm.Bodies()[0].contains("response_format")) << "a plain-text answer";
  }
  ScriptedLlm none([](const Json&, int) { return Chat("x"); });
  auto summarizer = Make(none);
  ASSERT_TRUE(summarizer);
  EXPECT_EQ(summarizer->Title({}, {}).value_or("?"), "");
  const std::vector<TopicDraft> untitled = {{"", "summary only"}};
  EXPECT_EQ(summarizer->Title(untitled, {}).value_or("?"), "");
  EXPECT_EQ(summarizer->DescribeTopic({}, kNames, {}).value_or(TopicDraft{"?", "?"}).title, "");
  EXPECT_EQ(none.RequestCount(), 0);
}

// Routes a Summarize conversation by what is asked.
TestHttpResponse SummarizeScript(const Json& body, const std::string& subjects_answer) {
  const std::string user = Question(body);
  if (Contains(user, "List the main subjects")) return Chat(subjects_answer);
  if (Contains(user, "Write a short recap")) return Chat("Alice and Bob planned the office.");
  const std::size_t start = user.find("about the subject \"");
  if (start != std::string::npos) {
    const std::size_t begin = start + std::string_view("about the subject \"").size();
    const std::string subject = user.substr(begin, user.find('"', begin) - begin);
    return Chat("Paragraph about " + subject + ".");
  }
  return Status(400);
}

TEST_F(OpenAiSummarizerTest, SummarizeAsksSubjectsParagraphsAndRecap) {
  ScriptedLlm llm([](const Json& body, int) {
    return SummarizeScript(body, R"({"subjects": ["Furniture budget", "Hiring"]})");
  });
  auto summarizer = Make(llm);
  ASSERT_TRUE(summarizer);
  std::vector<TopicDraft> topics = {{"Office Furniture Budget", "They set a budget."}};
  auto draft = summarizer->Summarize(topics, words_, kNames, {});
  ASSERT_TRUE(draft.ok()) << draft.error().Describe();
  EXPECT_EQ(draft->subjects, (std::vector<std::string>{"Furniture budget", "Hiring"}));
  EXPECT_EQ(draft->short_summary, "Alice and Bob planned the office.");
  std::vector<SubjectParagraph> expected = {{"Furniture budget", "Paragraph about Furniture budget."},
                                            {"Hiring", "Paragraph about Hiring."}};
  EXPECT_EQ(draft->long_summary, SummaryMarkdown("Alice and Bob planned the office.", expected));
  EXPECT_TRUE(Contains(draft->long_summary, "# Quick recap")) << draft->long_summary;
  EXPECT_TRUE(Contains(draft->long_summary, "# Summary")) << draft->long_summary;
  EXPECT_EQ(llm.RequestCount(), 4);

  // The meeting-wide prompts carry the topics and the transcript with names.
  const std::string subjects_prompt = Question(llm.Bodies()[0]);
  EXPECT_TRUE(Contains(subjects_prompt, "- Office Furniture Budget: They set a budget.")) << subjects_prompt;
  EXPECT_TRUE(Contains(subjects_prompt, "Alice: we need to decide")) << subjects_prompt;
  EXPECT_EQ(llm.Bodies()[0]["response_format"]["type"], "json_object");
  EXPECT_FALSE(llm.Bodies()[1].contains("response_format"));
  const std::string recap_prompt = Question(llm.Bodies()[3]);
  EXPECT_TRUE(Contains(recap_prompt, "- Hiring: Paragraph about Hiring.")) << recap_prompt;

  // No topics: no call.
  auto empty = summarizer->Summarize({}, words_, kNames, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->long_summary.empty());
  EXPECT_EQ(llm.RequestCount(), 4);
}

TEST_F(OpenAiSummarizerTest, SummarizeEnforcesTheSubjectLimit) {
  ScriptedLlm llm([](const Json& body, int) {
    return SummarizeScript(body, R"({"subjects": ["A1", "B2", "C3", "D4", "E5", "F6", "G7", "H8"]})");
  });
  OpenAiOptions options;
  options.max_concurrent_requests = 3;
  auto summarizer = Make(llm, options);
  ASSERT_TRUE(summarizer);
  auto draft = summarizer->Summarize(kOneTopic, words_, kNames, {});
  ASSERT_TRUE(draft.ok()) << draft.error().Describe();
  EXPECT_EQ(draft->subjects.size(), kMaxSubjects);
  EXPECT_EQ(draft->subjects.back(), "F6");
  EXPECT_EQ(llm.RequestCount(), static_cast<int>(1 + kMaxSubjects + 1));
}

TEST_F(OpenAiSummarizerTest, SummarizeFallbacks) {
  std::vector<TopicDraft> topics = {{"Office Furniture Budget", "They set a budget."},
                                    {"Designer", "Hire one."}};
  OpenAiOptions options;
  options.parse_max_retries = 0;
  options.fallback = &extractive_;
  auto expected = extractive_.Summarize(topics, words_, kNames, {});
  ASSERT_TRUE(expected.ok());

  // Subjects unusable: the fallback's whole draft.
  {
    ScriptedLlm llm([](const Json& body, int) { return SummarizeScript(body, "Budget and hiring"); });
    auto summarizer = Make(llm, options);
    ASSERT_TRUE(summarizer);
    auto draft = summarizer->Summarize(topics, words_, kNames, {});
    ASSERT_TRUE(draft.ok()) << draft.error().Describe();
    EXPECT_EQ(draft->long_summary, expected->long_summary);
    EXPECT_EQ(draft->short_summary, expected->short_summary);
    EXPECT_EQ(draft->subjects, expected->subjects);
  }
  // One paragraph unusable: that subject is left out; a recap still comes from the model.
  {
    ScriptedLlm llm([](const Json& body, int) {
      if (Contains(Question(body), "about the subject \"Hiring\"")) return Chat("   ");
      return SummarizeScript(body, R"({"subjects": ["Budget", "Hiring"]})");
    });
    auto summarizer = Make(llm, options);
    ASSERT_TRUE(summarizer);
    auto draft = summarizer->Summarize(topics, words_, kNames, {});
    ASSERT_TRUE(draft.ok()) << draft.error().Describe();
    EXPECT_EQ(draft->subjects, (std::vector<std::string>{"Budget"}));
    EXPECT_EQ(draft->short_summary, "Alice and Bob planned the office.");
  }
  // Recap unusable: the fallback's recap with the model's paragraphs.
  {
    ScriptedLlm llm([](const Json& body, int) {
      if (Contains(Question(body), "Write a short recap")) return Chat("");
      return SummarizeScript(body, R"({"subjects": ["Budget"]})");
    });
    auto summarizer = Make(llm, options);
    ASSERT_TRUE(summarizer);
    auto draft = summarizer->Summarize(topics, words_, kNames, {});
    ASSERT_TRUE(draft.ok()) << draft.error().Describe();
    EXPECT_EQ(draft->short_summary, expected->short_summary);
    EXPECT_EQ(draft->long_summary,
              SummaryMarkdown(expected->short_summary,
                              std::vector<SubjectParagraph>{{"Budget", "Paragraph about Budget."}}));
  }
  // Without a fallback an unusable paragraph is a terminal error.
  {
    ScriptedLlm llm([](const Json& body, int) {
      if (Contains(Question(body), "about the subject")) return Chat("");
      return SummarizeScript(body, R"({"subjects": ["Budget"]})");
    });
    OpenAiOptions strict;
    strict.parse_max_retries = 0;
    auto summarizer = Make(llm, strict);
    ASSERT_TRUE(summarizer);
    auto draft = summarizer->Summarize(topics, words_, kNames, {});
    ASSERT_FALSE(draft.ok());
    EXPECT_FALSE(draft.error().retryable);
    EXPECT_TRUE(Contains(draft.error().message, "Summarize paragraph 1")) << draft.error().message;
  }
}

TEST_F(OpenAiSummarizerTest, RequestsInFlightStayWithinTheBoundWhileParagraphsRunConcurrently) {
  constexpr int kBound = 2;
  constexpr int kSubjects = 4;
  std::mutex mutex;
  std::condition_variable changed;
  int in_flight = 0;
  int max_in_flight = 0;
  int arrived = 0;
  ScriptedLlm llm([&](const Json& body, int) {
    const std::string user = Question(body);
    if (!Contains(user, "about the subject")) {
      return SummarizeScript(body, R"({"subjects": ["A1", "B2", "C3", "D4"]})");
    }
    std::unique_lock lock(mutex);
    ++in_flight;
    ++arrived;
    max_in_flight = std::max(max_in_flight, in_flight);
    changed.notify_all();
    // Hold each paragraph until another one is in flight too (or every one has arrived), so that
    // concurrent requests overlap however the threads are scheduled. Sequential requests would
    // only get past this after the deadline, with max_in_flight 1.
    changed.wait_for(lock, 10s, [&] { return in_flight >= kBound || arrived == kSubjects; });
    --in_flight;
    changed.notify_all();
    return SummarizeScript(body, "");
  });
  OpenAiOptions options;
  options.max_concurrent_requests = kBound;
  auto summarizer = Make(llm, options);
  ASSERT_TRUE(summarizer);
  auto draft = summarizer->Summarize(kOneTopic, words_, kNames, {});
  ASSERT_TRUE(draft.ok()) << draft.error().Describe();
  EXPECT_EQ(draft->subjects.size(), 4u);
  std::lock_guard lock(mutex);
  EXPECT_EQ(arrived, kSubjects);
  EXPECT_EQ(max_in_flight, kBound);
}

TEST_F(OpenAiSummarizerTest, ContextWindowCapsTheTranscriptInAPrompt) {
  std::vector<Word> long_chunk;
  for (int i = 0; i < 3000; ++i)
    long_chunk.push_back(Word{"word" + std::to_string(i), i * 0.5, i * 0.5 + 0.3, i % 2});
  ScriptedLlm llm([](const Json&, int) { return Chat(kTopicJson); });
  OpenAiOptions options;
  options.context_window = 2048;
  options.max_tokens = 200;
  auto summarizer = Make(llm, options);
  ASSERT_TRUE(summarizer);
  EXPECT_EQ(summarizer->PromptBudgetChars(), static_cast<std::size_t>((2048 - 200 - 400) * 4));
  ASSERT_TRUE(summarizer->DescribeTopic(long_chunk, kNames, {}).ok());
  const std::string user = Question(llm.Bodies()[0]);
  EXPECT_TRUE(Contains(user, "[...]"));
  EXPECT_LT(user.size(), summarizer->PromptBudgetChars() + 1000);
  EXPECT_GT(user.size(), summarizer->PromptBudgetChars() / 2);
}

TEST_F(OpenAiSummarizerTest, CreateChecksTheOptions) {
  OpenAiOptions options;
  options.base_url = "localhost:8000/v1";
  options.model = "";
  options.max_concurrent_requests = 0;
  auto summarizer = OpenAiSummarizer::Create(options, http_, clock_);
  ASSERT_FALSE(summarizer.ok());
  EXPECT_EQ(summarizer.error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(Contains(summarizer.error().message, "LLM_URL")) << summarizer.error().message;
  EXPECT_TRUE(Contains(summarizer.error().message, "LLM_MODEL")) << summarizer.error().message;
  EXPECT_TRUE(Contains(summarizer.error().message, "max_concurrent_requests")) << summarizer.error().message;
}

}  // namespace
}  // namespace reflector::llm
