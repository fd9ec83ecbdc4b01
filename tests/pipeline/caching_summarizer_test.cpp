// The caching decorator over the fake summariser (which counts its calls), cache in SQLite, and
// the per-task LlmCallCounter over either.

#include "pipeline/caching_summarizer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes/summarizer_fake.hpp"
#include "pipeline/llm_call_counter.hpp"
#include "store/database.hpp"
#include "store/task_cache.hpp"
#include "support/temp_dir.hpp"

namespace reflector::pipeline {
namespace {

using testing::FakeSummarizer;

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
  FakeSummarizer inner;
  CachingSummarizer cached(inner, *database_, clock_);
  EXPECT_EQ(cached.Backend(), "fake");
  EXPECT_EQ(cached.Model(), "fake-1");

  auto first = cached.DescribeTopic(words_, names_, {});
  ASSERT_TRUE(first.ok()) << first.error().Describe();
  auto second = cached.DescribeTopic(words_, names_, {});
  ASSERT_TRUE(second.ok()) << second.error().Describe();
  EXPECT_EQ(inner.calls, 1);
  EXPECT_EQ(second->title, first->title);
  EXPECT_EQ(second->summary, "Said by Alice, Bob");

  std::vector<llm::TopicDraft> topics = {*first};
  auto title = cached.Title(topics, {});
  auto title_again = cached.Title(topics, {});
  ASSERT_TRUE(title.ok() && title_again.ok());
  EXPECT_EQ(*title_again, "Meeting About 1 Topics");

  auto summary = cached.Summarize(topics, words_, names_, {});
  auto summary_again = cached.Summarize(topics, words_, names_, {});
  ASSERT_TRUE(summary.ok() && summary_again.ok());
  EXPECT_EQ(summary_again->long_summary, summary->long_summary);
  EXPECT_EQ(summary_again->short_summary, "Alice, Bob spoke.");
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
  EXPECT_EQ((*entry)->value["title"], "Meeting About 1 Topics");
  CachingSummarizer fresh(inner, *database_, clock_);
  ASSERT_TRUE(fresh.DescribeTopic(words_, names_, {}).ok());
  EXPECT_EQ(inner.calls, 3);
}

TEST_F(CachingSummarizerTest, ATallyCountsCallsMadeAndCallsAnsweredFromTheCache) {
  FakeSummarizer inner;
  CachingSummarizer cached(inner, *database_, clock_);
  LlmCallTally tally;
  ASSERT_TRUE(cached.DescribeTopic(words_, names_, {}, &tally).ok());
  ASSERT_TRUE(cached.DescribeTopic(words_, names_, {}, &tally).ok());
  ASSERT_TRUE(cached.Title({}, {}, &tally).ok());
  ASSERT_TRUE(cached.Summarize({}, words_, names_, {}).ok());  // not counted: no tally
  ASSERT_TRUE(cached.Summarize({}, words_, names_, {}, &tally).ok());
  EXPECT_EQ(tally.made, 2);
  EXPECT_EQ(tally.cached, 2);
  EXPECT_EQ(inner.calls, 3);

  inner.fail = true;
  LlmCallTally failed;
  EXPECT_FALSE(cached.Title(std::vector<llm::TopicDraft>{{"t", "s"}}, {}, &failed).ok());
  EXPECT_EQ(failed.made, 1) << "a call that reached the model counts even when it failed";
  EXPECT_EQ(failed.cached, 0);
}

TEST(LlmCallCounterTest, WithoutACacheEveryCallIsMade) {
  FakeSummarizer inner;
  LlmCallCounter counter(inner);
  EXPECT_EQ(counter.Backend(), "fake");
  ASSERT_TRUE(counter.Title({}, {}).ok());
  ASSERT_TRUE(counter.DescribeTopic({}, {}, {}).ok());
  EXPECT_EQ(counter.made(), 2);
  EXPECT_EQ(counter.cached(), 0);
  EXPECT_EQ(counter.AddTo(Json{{"title", "T"}}),
            (Json{{"title", "T"}, {"llm_calls_made", 2}, {"llm_calls_cached", 0}}));
}

TEST_F(CachingSummarizerTest, ACounterOverTheCacheTellsMadeFromCached) {
  FakeSummarizer inner;
  CachingSummarizer cached(inner, *database_, clock_);
  LlmCallCounter first(cached);
  ASSERT_TRUE(first.Title({}, {}).ok());
  LlmCallCounter second(cached);
  ASSERT_TRUE(second.Title({}, {}).ok());
  EXPECT_EQ(first.made(), 1);
  EXPECT_EQ(first.cached(), 0);
  EXPECT_EQ(second.made(), 0);
  EXPECT_EQ(second.cached(), 1);
  EXPECT_EQ(inner.calls, 1);
}

TEST_F(CachingSummarizerTest, DifferentInputsOrModelMiss) {
  FakeSummarizer inner;
  CachingSummarizer cached(inner, *database_, clock_);
  ASSERT_TRUE(cached.DescribeTopic(words_, names_, {}).ok());

  std::vector<llm::Word> other_words = words_;
  other_words[1].end = 1.31;
  ASSERT_TRUE(cached.DescribeTopic(other_words, names_, {}).ok());
  EXPECT_EQ(inner.calls, 2) << "a different word time";

  llm::SpeakerNames other_names = {{0, "Alicia"}, {1, "Bob"}};
  auto renamed = cached.DescribeTopic(words_, other_names, {});
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->summary, "Said by Alicia, Bob");
  EXPECT_EQ(inner.calls, 3) << "different names";

  FakeSummarizer newer("fake-2");
  CachingSummarizer cached_newer(newer, *database_, clock_);
  ASSERT_TRUE(cached_newer.DescribeTopic(words_, names_, {}).ok());
  EXPECT_EQ(newer.calls, 1) << "a different model";

  // Same inputs, another method: another key.
  EXPECT_NE(cached.Key("Title", Json::object()), cached.Key("Summarize", Json::object()));
  EXPECT_EQ(cached.Counts().hits, 0u);
}

TEST_F(CachingSummarizerTest, ErrorsAreNotCachedAndStopIsHonoured) {
  FakeSummarizer inner;
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
  FakeSummarizer inner;
  CachingSummarizer cached(inner, *database_, clock_);
  const std::string key = cached.Key("Title", Json{{"topics", Json::array()}});
  store::TaskCache cache(*database_, clock_);
  ASSERT_TRUE(cache.Put(key, "llm", Json{{"title", 42}}).ok());
  auto title = cached.Title({}, {});
  ASSERT_TRUE(title.ok());
  EXPECT_EQ(*title, "Meeting About 0 Topics");
  EXPECT_EQ(inner.calls, 1);
  auto again = cached.Title({}, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(inner.calls, 1) << "the entry was overwritten";
}

}  // namespace
}  // namespace reflector::pipeline
