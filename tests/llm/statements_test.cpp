#include "llm/extractive/statements.hpp"

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

class StatementsTest : public ::testing::Test {
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

TEST_F(StatementsTest, DecisionsAreFound) {
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

TEST_F(StatementsTest, ActionsNameTheSpeaker) {
  const std::optional<Statement> statement = StatementOf("i will send the offer letter on wednesday");
  ASSERT_TRUE(statement);
  EXPECT_EQ(statement->kind, StatementKind::kAction);
  EXPECT_EQ(statement->text, "Tom will send the offer letter on Wednesday");
  const std::optional<Statement> short_form = StatementOf("yes i'll prepare the release notes tonight");
  ASSERT_TRUE(short_form);
  EXPECT_EQ(short_form->text, "Tom will prepare the release notes tonight");
}

TEST_F(StatementsTest, DescriptionsAndTalkAboutTheMeetingAreNotDecisions) {
  for (std::string_view text :
       {"we interviewed four candidates this week", "let us start with the budget",
        "we charge ten dollars a month", "so they write to support again", "i think the budget is fine",
        "then the app is useless", "we need two more engineers", "let us move on to hiring"}) {
    EXPECT_FALSE(StatementOf(text)) << text;
  }
}

TEST_F(StatementsTest, DaysAndPlacesAnnouncedAreDecisions) {
  const std::optional<Statement> statement = StatementOf("the summer fair is on the last saturday of june");
  ASSERT_TRUE(statement);
  EXPECT_EQ(statement->text, "the summer fair is on the last Saturday of June");
}

TEST_F(StatementsTest, AfterAnAgreementThePlanIsDecided) {
  const std::vector<Sentence> sentences =
      Split(TranscriptBuilder().Say(1, "i agree. we keep the blue color.").Say(0, "we keep the blue color."));
  const std::vector<std::optional<Statement>> statements = FindStatements(sentences, kNames, *cache_);
  ASSERT_EQ(statements.size(), 3U);
  EXPECT_FALSE(statements[0]);
  ASSERT_TRUE(statements[1]);
  EXPECT_EQ(statements[1]->text, "we keep the blue color");
  EXPECT_FALSE(statements[2]);  // said without agreeing first: a description
}

TEST_F(StatementsTest, RecapsListDecisions) {
  const std::vector<Sentence> sentences =
      Split(TranscriptBuilder()
                .Say(0, "let me sum up. the fair is in june. parents run the food stalls.")
                .Say(1, "sounds like a good plan."));
  const std::vector<std::optional<Statement>> statements = FindStatements(sentences, kNames, *cache_);
  ASSERT_EQ(statements.size(), 4U);
  EXPECT_FALSE(statements[0]);
  ASSERT_TRUE(statements[1] && statements[2]);
  EXPECT_EQ(statements[1]->text, "the fair is in June");
  EXPECT_EQ(statements[2]->text, "parents run the food stalls");
  EXPECT_TRUE(statements[1]->recap && statements[2]->recap);
  EXPECT_FALSE(statements[3]);  // another speaker: the recap is over
}

TEST_F(StatementsTest, ProposalsForTheGroupAreDecisionsButRelativeClausesAreNot) {
  const std::optional<Statement> proposal = StatementOf("we propose to hire a new caretaker ourselves");
  ASSERT_TRUE(proposal);
  EXPECT_EQ(proposal->text, "we hire a new caretaker ourselves");
  EXPECT_FALSE(StatementOf("the emails that go out when an invoice is late"));
  EXPECT_FALSE(StatementOf("build their own charts and send reports"));  // a sentence's second half
}

TEST_F(StatementsTest, ARecapAnnouncedWithoutDecisionsListsTheNextSentences) {
  const std::vector<Sentence> sentences = Split(
      TranscriptBuilder().Say(0, "let me sum up the decisions of tonight. we replace the roof next summer."));
  const std::vector<std::optional<Statement>> statements = FindStatements(sentences, kNames, *cache_);
  ASSERT_EQ(statements.size(), 2U);
  EXPECT_FALSE(statements[0]);
  ASSERT_TRUE(statements[1]);
  EXPECT_EQ(statements[1]->text, "we replace the roof next summer");
  EXPECT_TRUE(statements[1]->recap);
}

}  // namespace
}  // namespace reflector::llm
