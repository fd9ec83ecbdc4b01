// The OpenAI-compatible backend against a real model: `scripts/test-services start --only llm`
// runs llama.cpp's server with SmolLM2-135M-Instruct and exports LLM_URL and LLM_MODEL. The model
// is tiny (about 2 s per 100 generated tokens on one thread), so answers are capped at 200 tokens
// and the meeting is a few dozen words. Its answers are often not usable JSON: with the
// extractive fallback every call must still succeed; the plain-text title must come from the
// model itself.

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "llm/extractive/extractive_summarizer.hpp"
#include "llm/openai/openai_summarizer.hpp"
#include "llm/text.hpp"
#include "support/test_env.hpp"

namespace reflector::llm {
namespace {

constexpr std::string_view kService = "an OpenAI-compatible LLM server (llm test service)";

std::vector<Word> SmallMeeting() {
  std::vector<Word> words;
  double clock = 0;
  auto say = [&](int speaker, std::string_view text) {
    for (std::string_view word : SplitWords(text)) {
      words.push_back(Word{std::string(word), clock, clock + 0.25, speaker});
      clock += 0.3;
    }
    clock += 1.0;
  };
  say(0, "Good morning. We have to decide the budget for the new office furniture today.");
  say(1, "I think five thousand dollars is enough for desks and chairs.");
  say(0, "Agreed. I will order the desks this week.");
  say(1, "Then we should also hire a designer for the meeting room next month.");
  say(0, "Yes, I will post the designer job on Friday.");
  return words;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class OpenAiRealModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::RequireServiceVariable("LLM_URL", kService);
    model_ = testing::RequireServiceVariable("LLM_MODEL", kService);
    ASSERT_FALSE(url_.empty() || model_.empty()) << "see the message above";
  }

  std::unique_ptr<OpenAiSummarizer> Make(Summarizer* fallback) {
    OpenAiOptions options;
    options.base_url = url_;
    options.model = model_;
    options.context_window = 4096;  // the test server's n_ctx
    options.max_tokens = 200;
    options.parse_max_retries = 1;
    options.max_concurrent_requests = 1;  // the server answers one request at a time anyway
    options.fallback = fallback;
    auto summarizer = OpenAiSummarizer::Create(options, http_, clock_);
    EXPECT_TRUE(summarizer.ok()) << summarizer.error().message;
    return summarizer.ok() ? std::move(summarizer).value() : nullptr;
  }

  std::string url_;
  std::string model_;
  net::HttpClient http_;
  SystemClock clock_;
  ExtractiveSummarizer extractive_;
  const SpeakerNames names_ = {{0, "Alice"}, {1, "Bob"}};
};

TEST_F(OpenAiRealModelTest, DescribesTitlesAndSummarizesASmallMeeting) {
  auto summarizer = Make(&extractive_);
  ASSERT_TRUE(summarizer);
  const std::vector<Word> words = SmallMeeting();

  auto start = std::chrono::steady_clock::now();
  auto topic = summarizer->DescribeTopic(words, names_, {});
  const double topic_seconds = SecondsSince(start);
  ASSERT_TRUE(topic.ok()) << topic.error().Describe();
  EXPECT_FALSE(topic->title.empty());
  EXPECT_FALSE(topic->summary.empty());
  EXPECT_LE(SplitWords(topic->title).size(), kMaxTitleWords) << topic->title;

  const std::vector<TopicDraft> topics = {*topic};
  start = std::chrono::steady_clock::now();
  auto title = summarizer->Title(topics, {});
  const double title_seconds = SecondsSince(start);
  ASSERT_TRUE(title.ok()) << title.error().Describe();
  EXPECT_FALSE(title->empty());
  EXPECT_LE(SplitWords(*title).size(), kMaxTitleWords) << *title;

  start = std::chrono::steady_clock::now();
  auto summary = summarizer->Summarize(topics, words, names_, {});
  const double summary_seconds = SecondsSince(start);
  ASSERT_TRUE(summary.ok()) << summary.error().Describe();
  EXPECT_FALSE(summary->subjects.empty());
  EXPECT_LE(summary->subjects.size(), kMaxSubjects);
  EXPECT_FALSE(summary->short_summary.empty());
  EXPECT_NE(summary->long_summary.find("# Quick recap"), std::string::npos) << summary->long_summary;
  EXPECT_NE(summary->long_summary.find("# Summary"), std::string::npos) << summary->long_summary;

  std::cout << "model " << summarizer->Model() << "\n"
            << "DescribeTopic " << topic_seconds << " s: " << topic->title << " | " << topic->summary << "\n"
            << "Title " << title_seconds << " s: " << *title << "\n"
            << "Summarize " << summary_seconds << " s, " << summary->subjects.size() << " subjects\n"
            << summary->long_summary << std::endl;
}

TEST_F(OpenAiRealModelTest, PlainTextTitleComesFromTheModel) {
  auto summarizer = Make(nullptr);
  ASSERT_TRUE(summarizer);
  const std::vector<TopicDraft> topics = {
      {"Office Furniture Budget", "Alice and Bob set a budget for desks."},
      {"Designer Hiring", "Alice will post the designer job on Friday."}};
  auto start = std::chrono::steady_clock::now();
  auto title = summarizer->Title(topics, {});
  ASSERT_TRUE(title.ok()) << title.error().Describe();
  EXPECT_FALSE(title->empty());
  EXPECT_LE(SplitWords(*title).size(), kMaxTitleWords) << *title;
  std::cout << "Title without fallback " << SecondsSince(start) << " s: " << *title << std::endl;
}

}  // namespace
}  // namespace reflector::llm
