#include "llm/extractive/sentences.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "transcript_builder.hpp"

namespace reflector::llm {
namespace {

using testing::RequireWordNet;
using testing::TranscriptBuilder;

const SpeakerNames kNames = {{0, "Maya"}, {1, "Tom"}};

class SentencesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lexicon_ = RequireWordNet();
    ASSERT_TRUE(lexicon_);
    auto stemmer = Stemmer::English();
    ASSERT_TRUE(stemmer.ok());
    cache_.emplace(*lexicon_, std::move(*stemmer));
  }

  std::vector<Sentence> Split(const TranscriptBuilder& transcript) {
    return SplitSentences(transcript.words(), *cache_);
  }

  std::shared_ptr<const Lexicon> lexicon_;
  std::optional<TermCache> cache_;
};

TEST_F(SentencesTest, PausesAndSpeakerChangesEndSentences) {
  const std::vector<Sentence> sentences =
      Split(TranscriptBuilder().Say(0, "good morning. the app is almost ready.").Say(1, "great news"));
  ASSERT_EQ(sentences.size(), 3U);
  EXPECT_EQ(sentences[0].terms, (std::vector<std::string>{"good", "morning"}));
  EXPECT_EQ(sentences[1].first_word, 2U);
  EXPECT_EQ(sentences[1].word_count, 5U);
  EXPECT_EQ(sentences[2].speaker, 1);
}

TEST_F(SentencesTest, CleaningDropsFillersMarkersAndStutters) {
  std::vector<Word> words =
      TranscriptBuilder().Say(0, "um so the the crash uh happens <sil> on old phones").words();
  const std::vector<Sentence> sentences = SplitSentences(words, *cache_);
  ASSERT_EQ(sentences.size(), 1U);
  EXPECT_EQ(sentences[0].terms,
            (std::vector<std::string>{"so", "the", "crash", "happens", "on", "old", "phones"}));
  EXPECT_EQ(sentences[0].word_count, words.size());
}

TEST_F(SentencesTest, LongStretchesWithoutPausesAreCut) {
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += "budget ";
  const std::vector<Sentence> sentences = Split(TranscriptBuilder().Say(0, text));
  ASSERT_EQ(sentences.size(), 3U);
  for (const Sentence& sentence : sentences)
    EXPECT_LE(sentence.word_count, kMaxSentenceWords);
}

TEST_F(SentencesTest, RenderingCapitalisesTheStartINamesAndDays) {
  const std::vector<std::string> terms = {"so", "i", "told", "tom", "we", "ship", "on", "friday"};
  EXPECT_EQ(RenderTerms(terms, kNames), "So I told Tom we ship on Friday");
}

TEST_F(SentencesTest, OnlyWholeClausesReadAsSentences) {
  auto reads = [&](std::string_view text) {
    const std::vector<Sentence> sentences = Split(TranscriptBuilder().Say(0, text));
    return sentences.size() == 1 && ReadsAsSentence(sentences[0].terms, *cache_);
  };
  EXPECT_TRUE(reads("the app is almost ready"));
  EXPECT_TRUE(reads("we found the cause of the crash"));
  EXPECT_FALSE(reads("the crash on older"));         // no verb
  EXPECT_FALSE(reads("we need to talk about the"));  // cut off
  EXPECT_FALSE(reads("yes"));                        // too short
}

TEST_F(SentencesTest, SplitCompoundsAreJoined) {
  const std::vector<Sentence> sentences =
      Split(TranscriptBuilder().Say(0, "the park clean up is on saturday. we clean up the kitchen."));
  ASSERT_EQ(sentences.size(), 2U);
  EXPECT_EQ(sentences[0].terms, (std::vector<std::string>{"the", "park", "cleanup", "is", "on", "saturday"}));
  EXPECT_EQ(sentences[1].terms, (std::vector<std::string>{"we", "clean", "up", "the", "kitchen"}));  // a verb
}

TEST_F(SentencesTest, QuotesLeaveOutDiscourseMarkersAndClausesWithoutTheirMainClause) {
  const std::vector<std::string> terms = {"and", "so", "crash", "reports", "are", "sent", "automatically"};
  EXPECT_EQ(RenderTerms(QuotableTerms(terms), kNames), "Crash reports are sent automatically");
  auto reads = [&](std::string_view text) {
    const std::vector<Sentence> sentences = Split(TranscriptBuilder().Say(0, text));
    return sentences.size() == 1 && ReadsAsSentence(sentences[0].terms, *cache_);
  };
  EXPECT_FALSE(reads("and if we see a serious crash"));
  EXPECT_TRUE(reads("and we fix serious crashes in a small update"));
}

}  // namespace
}  // namespace reflector::llm
