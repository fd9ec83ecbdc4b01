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

  // The statement of the one sentence `text`, said by Tom.
  std::optional<Statement> StatementOf(std::string_view text) {
    const std::vector<Sentence> sentences = Split(TranscriptBuilder().Say(1, text));
    EXPECT_EQ(sentences.size(), 1U) << text;
    if (sentences.empty()) return std::nullopt;
    return FindStatement(sentences.front(), kNames, *cache_);
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

TEST_F(SentencesTest, DecisionsAreFound) {
  auto decision = [&](std::string_view text) {
    const std::optional<Statement> statement = StatementOf(text);
    EXPECT_TRUE(statement && statement->kind == StatementKind::kDecision) << text;
    return statement ? statement->text : "";
  };
  EXPECT_EQ(decision("so we ship the beta on friday"), "we ship the beta on Friday");
  EXPECT_EQ(decision("okay then we hire two support agents"), "we hire two support agents");
  EXPECT_EQ(decision("we decided to move the launch to april"), "we decided to move the launch to April");
  EXPECT_EQ(decision("let us book the cottage on the coast"), "we book the cottage on the coast");
  EXPECT_EQ(decision("we will keep the old floor"), "we will keep the old floor");
  EXPECT_EQ(decision("so the monthly price goes up by two dollars"),
            "the monthly price goes up by two dollars");
  EXPECT_EQ(decision("then dark mode waits until the next release"),
            "dark mode waits until the next release");
  EXPECT_EQ(decision("take the cheaper quote from the movers"), "take the cheaper quote from the movers");
}

TEST_F(SentencesTest, ActionsNameTheSpeaker) {
  const std::optional<Statement> statement = StatementOf("i will send the offer letter on wednesday");
  ASSERT_TRUE(statement);
  EXPECT_EQ(statement->kind, StatementKind::kAction);
  EXPECT_EQ(statement->text, "Tom will send the offer letter on Wednesday");
  const std::optional<Statement> short_form = StatementOf("yes i'll prepare the release notes tonight");
  ASSERT_TRUE(short_form);
  EXPECT_EQ(short_form->text, "Tom will prepare the release notes tonight");
}

TEST_F(SentencesTest, DescriptionsAndTalkAboutTheMeetingAreNotDecisions) {
  for (std::string_view text :
       {"we interviewed four candidates this week", "let us start with the budget",
        "we charge ten dollars a month", "so they write to support again", "i think the budget is fine",
        "then the app is useless", "we need two more engineers", "let us move on to hiring"}) {
    EXPECT_FALSE(StatementOf(text)) << text;
  }
}

}  // namespace
}  // namespace reflector::llm
