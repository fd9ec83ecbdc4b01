// The caching decorator over a counting fake summarizer, with the task cache in SQLite.

#include "pipeline/caching_summarizer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/task_cache.hpp"
#include "support/temp_dir.hpp"

namespace reflector::pipeline {
namespace {

// Answers from its inputs and counts the calls; can be told to fail.
class CountingSummarizer final : public llm::Summarizer {
 public:
  explicit CountingSummarizer(std::string model = "fake-v1") : model_(std::move(model)) {}

  Result<llm::TopicDraft> DescribeTopic(std::span<const llm::Word> chunk, const llm::SpeakerNames& names,
                                        std::stop_token) override {
    ++calls;
    if (fail) return Error::Transient(ErrorKind::kUnavailable, "llm DescribeTopic: HTTP 503");
    std::string who = names.empty() ? "nobody" : names.begin()->second;
    return llm::TopicDraft{"Topic of " + std::to_string(chunk.size()) + " words", "Said by " + who};
  }
  Result<std::string> Title(std::span<const llm::TopicDraft> topics, std::stop_token) override {
    ++calls;
    return "Title of " + std::to_string(topics.size()) + " topics";
  }
  Result<llm::SummaryDraft> Summarize(std::span<const llm::TopicDraft> topics,
                                      std::span<const llm::Word> words, const llm::SpeakerNames&,
                                      std::stop_token) override {
    ++calls;
    return llm::SummaryDraft{"# Summary\n\n**" + topics.front().title + "**\n" + std::to_string(words.size()),
                             "recap",
                             {topics.front().title}};
  }
  std::string_view Backend() const override { return "fake"; }
  std::string_view Model() const override { return model_; }

  std::atomic<int> calls{0};
  bool fail = false;

 private:
  std::string model_;
};

class CachingSummarizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = store::Database::Open("sqlite://" + (dir_ / "cache.sqlite3").string());
    ASSERT_TRUE(database.ok()) << database.error().Describe();
    database_ = std::move(database).value();
    ASSERT_TRUE(database_->Migrate(clock_).ok());
  }

  testing::TempDir dir_{"reflector-caching-summarizer"};
  ManualClock clock_;
  std::unique_ptr<store::Database> database_;
  std::vector<llm::Word> words_ = {{"budget", 0.0, 0.4, 0}, {"agreed", 1.0, 1.3, 1}};
  llm::SpeakerNames names_ = {{0, "Alice"}, {1, "Bob"}};
};

TEST_F(CachingSummarizerTest, SecondIdenticalCallIsServedFromTheCache) {
  CountingSummarizer inner;
  CachingSummarizer cached(inner, *database_, clock_);
  EXPECT_EQ(cached.Backend(), "fake");
  EXPECT_EQ(cached.Model(), "fake-v1");

  auto first = cached.DescribeTopic(words_, names_, {});
  ASSERT_TRUE(first.ok()) << first.error().Describe();
  auto second = cached.DescribeTopic(words_, names_, {});
  ASSERT_TRUE(second.ok()) << second.error().Describe();
  EXPECT_EQ(inner.calls, 1);
  EXPECT_EQ(second->title, first->title);
  EXPECT_EQ(second->summary, "Said by Alice");

  std::vector<llm::TopicDraft> topics = {*first};
  auto title = cached.Title(topics, {});
  auto title_again = cached.Title(topics, {});
  ASSERT_TRUE(title.ok() && title_again.ok());
  EXPECT_EQ(*title_again, "Title of 1 topics");

  auto summary = cached.Summarize(topics, words_, names_, {});
  auto summary_again = cached.Summarize(topics, words_, names_, {});
  ASSERT_TRUE(summary.ok() && summary_again.ok());
  EXPECT_EQ(summary_again->long_summary, summary->long_summary);
  EXPECT_EQ(summary_again->short_summary, "recap");
  EXPECT_EQ(summary_again->subjects, std::vector<std::string>{first->title});

  EXPECT_EQ(inner.calls, 3);
  SummarizerCacheCounts counts = cached.Counts();
  EXPECT_EQ(counts.calls, 3u);
  EXPECT_EQ(counts.hits, 3u);

  // The entry is in the task cache with kind "llm", and survives a new decorator.
  store::TaskCache cache(*database_, clock_);
  auto entry = cache.Get(
      cached.Key("Title", Json{{"topics", Json::array({Json::array({first->title, first->summary})})}}));
  ASSERT_TRUE(entry.ok()) << entry.error().Describe();
  ASSERT_TRUE(entry->has_value()) << "the key follows the documented recipe";
  EXPECT_EQ((*entry)->kind, "llm");
  EXPECT_EQ((*entry)->value["title"], "Title of 1 topics");
  CachingSummarizer fresh(inner, *database_, clock_);
  ASSERT_TRUE(fresh.DescribeTopic(words_, names_, {}).ok());
  EXPECT_EQ(inner.calls, 3);
}

TEST_F(CachingSummarizerTest, DifferentInputsOrModelMiss) {
  CountingSummarizer inner;
  CachingSummarizer cached(inner, *database_, clock_);
  ASSERT_TRUE(cached.DescribeTopic(words_, names_, {}).ok());

  std::vector<llm::Word> other_words = words_;
  other_words[1].end = 1.31;
  ASSERT_TRUE(cached.DescribeTopic(other_words, names_, {}).ok());
  EXPECT_EQ(inner.calls, 2) << "a different word time";

  llm::SpeakerNames other_names = {{0, "Alicia"}, {1, "Bob"}};
  auto renamed = cached.DescribeTopic(words_, other_names, {});
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->summary, "Said by Alicia");
  EXPECT_EQ(inner.calls, 3) << "different names";

  CountingSummarizer newer("fake-v2");
  CachingSummarizer cached_newer(newer, *database_, clock_);
  ASSERT_TRUE(cached_newer.DescribeTopic(words_, names_, {}).ok());
  EXPECT_EQ(newer.calls, 1) << "a different model";

  // Same inputs, another method: another key.
  EXPECT_NE(cached.Key("Title", Json::object()), cached.Key("Summarize", Json::object()));
  EXPECT_EQ(cached.Counts().hits, 0u);
}

TEST_F(CachingSummarizerTest, ErrorsAreNotCachedAndStopIsHonoured) {
  CountingSummarizer inner;
  inner.fail = true;
  CachingSummarizer cached(inner, *database_, clock_);
  auto failed = cached.DescribeTopic(words_, names_, {});
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.error().retryable);
  inner.fail = false;
  ASSERT_TRUE(cached.DescribeTopic(words_, names_, {}).ok());
  EXPECT_EQ(inner.calls, 2);

  std::stop_source stop;
  stop.request_stop();
  auto stopped = cached.DescribeTopic(words_, names_, stop.get_token());
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().kind, ErrorKind::kCancelled);
  EXPECT_EQ(inner.calls, 2);
}

TEST_F(CachingSummarizerTest, AnEntryOfTheWrongShapeIsAMiss) {
  CountingSummarizer inner;
  CachingSummarizer cached(inner, *database_, clock_);
  const std::string key = cached.Key("Title", Json{{"topics", Json::array()}});
  store::TaskCache cache(*database_, clock_);
  ASSERT_TRUE(cache.Put(key, "llm", Json{{"title", 42}}).ok());
  auto title = cached.Title({}, {});
  ASSERT_TRUE(title.ok());
  EXPECT_EQ(*title, "Title of 0 topics");
  EXPECT_EQ(inner.calls, 1);
  auto again = cached.Title({}, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(inner.calls, 1) << "the entry was overwritten";
}

}  // namespace
}  // namespace reflector::pipeline
