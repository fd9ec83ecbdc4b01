#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "llm/text.hpp"
#include "transcript_builder.hpp"

namespace reflector::llm {
namespace {

using testing::TranscriptBuilder;

// Two subjects with their own vocabulary, about 90 words each, alternating speakers.
TranscriptBuilder TwoSubjects() {
  TranscriptBuilder transcript;
  const char* budget[] = {
      "the budget for the next quarter is tight.",
      "marketing spent more than the budget allowed.",
      "travel costs went over the budget by forty percent.",
      "we cut the travel budget and keep the marketing budget flat.",
      "finance wants the budget numbers by friday.",
      "the contractors cost almost as much as the travel budget.",
      "the marketing budget pays for the trade show.",
      "finance approved the budget for new laptops.",
      "the travel policy needs a reason for every trip.",
      "budget numbers go to finance on wednesday.",
      "the contractors budget ends in june.",
      "marketing costs and travel costs are the largest items.",
  };
  const char* garden[] = {
      "the garden behind the building needs volunteers.",
      "the flower beds are full of weeds after the winter.",
      "the lawn needs a new mower and the hedge needs cutting.",
      "sophie takes the flower beds and henry mows the lawn.",
      "the pond in the garden smells in the summer.",
      "volunteers can water the flowers and the vegetables.",
      "the garden shed holds the rakes and the hoses.",
      "the roses in the flower beds need pruning.",
      "children plant tomatoes and beans in the vegetable garden.",
      "the mower for the lawn costs a few hundred dollars.",
      "the hedge along the street hides the garden.",
      "garden volunteers meet on saturday mornings.",
  };
  int speaker = 0;
  for (const char* line : budget) {
    transcript.Say(speaker, line);
    speaker = 1 - speaker;
  }
  for (const char* line : garden) {
    transcript.Say(speaker, line);
    speaker = 1 - speaker;
  }
  return transcript;
}

std::vector<std::size_t> Sizes(const std::vector<std::vector<Word>>& topics) {
  std::vector<std::size_t> sizes;
  for (const auto& topic : topics)
    sizes.push_back(topic.size());
  return sizes;
}

TEST(SplitTopics, NoWordsGiveNoTopics) {
  EXPECT_TRUE(SplitTopics({}).empty());
}

TEST(SplitTopics, SplitsWhereTheSubjectChanges) {
  const std::vector<Word> words = TwoSubjects().words();
  std::size_t budget_words = 0;
  while (words[budget_words].text != "garden")
    ++budget_words;
  TopicSplitOptions options;  // the subjects are about 90 words each
  options.min_topic_words = 50;
  options.window_words = 50;
  const auto topics = SplitTopics(words, options);
  ASSERT_EQ(topics.size(), 2U) << ::testing::PrintToString(Sizes(topics));
  EXPECT_EQ(topics[0].size(), budget_words - 1);  // "the garden ..." starts the second topic
  EXPECT_EQ(topics[1].front().text, "the");
  EXPECT_EQ(topics[1][1].text, "garden");
}

TEST(SplitTopics, ShortMeetingsAreOneTopic) {
  TranscriptBuilder transcript;
  transcript.Say(0, "the budget is tight.").Say(1, "the garden needs volunteers.");
  const auto topics = SplitTopics(transcript.words());
  ASSERT_EQ(topics.size(), 1U);
  EXPECT_EQ(topics[0].size(), transcript.words().size());
}

TEST(SplitTopics, KeepsEveryWordInOrderAndHonoursTheLimits) {
  const std::vector<Word> words = TwoSubjects().words();
  TopicSplitOptions options;
  options.min_topic_words = 40;
  options.max_topic_words = 90;
  const auto topics = SplitTopics(words, options);
  std::size_t index = 0;
  for (const auto& topic : topics) {
    EXPECT_GE(topic.size(), 40U);
    EXPECT_LE(topic.size(), 90U);
    for (const Word& word : topic) {
      ASSERT_LT(index, words.size());
      EXPECT_EQ(word.start, words[index].start);
      ++index;
    }
  }
  EXPECT_EQ(index, words.size());
}

TEST(SplitTopics, OneEndlessSentenceIsCutInTheMiddle) {
  std::vector<Word> words;
  for (int i = 0; i < 1000; ++i)
    words.push_back(Word{"budget", i * 0.3, i * 0.3 + 0.3, 0});
  EXPECT_EQ(Sizes(SplitTopics(words)), (std::vector<std::size_t>{500, 500}));
}

TEST(SplitTopics, IsDeterministic) {
  const std::vector<Word> words = TwoSubjects().words();
  TopicSplitOptions options;
  options.min_topic_words = 30;
  EXPECT_EQ(Sizes(SplitTopics(words, options)), Sizes(SplitTopics(words, options)));
}

TEST(SentenceStarts, SpeakerChangesAndPausesStartSentences) {
  const std::vector<Word> words = {
      {"a", 0.0, 0.3, 0}, {"b", 0.3, 0.6, 0}, {"c", 0.8, 1.0, 0}, {"d", 1.0, 1.2, 1}};
  EXPECT_EQ(SentenceStarts(words, 0.06), (std::vector<std::size_t>{0, 2, 3}));
  EXPECT_EQ(SentenceStarts(words, 0.5), (std::vector<std::size_t>{0, 3}));
  EXPECT_TRUE(SentenceStarts({}, 0.06).empty());
}

}  // namespace
}  // namespace reflector::llm
