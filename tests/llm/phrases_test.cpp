#include "llm/extractive/phrases.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "transcript_builder.hpp"

namespace reflector::llm {
namespace {

using testing::RequireWordNet;
using testing::TranscriptBuilder;

class PhrasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lexicon_ = RequireWordNet();
    ASSERT_TRUE(lexicon_);
    auto stemmer = Stemmer::English();
    ASSERT_TRUE(stemmer.ok());
    cache_.emplace(*lexicon_, std::move(*stemmer));
  }

  KeyPhrases Phrases(const TranscriptBuilder& transcript) {
    return FindKeyPhrases(SplitSentences(transcript.words(), *cache_), *cache_);
  }
  std::string Title(const TranscriptBuilder& transcript) { return BestTitle(Phrases(transcript), *lexicon_); }
  std::optional<std::string> Problem(std::string_view title) { return TitleShapeProblem(title, *lexicon_); }

  std::shared_ptr<const Lexicon> lexicon_;
  std::optional<TermCache> cache_;
};

TEST(TitleCase, CapitalisesAllButMinorWords) {
  EXPECT_EQ(TitleCase("beta of the mobile app"), "Beta of the Mobile App");
  EXPECT_EQ(TitleCase("THE summer FAIR"), "The Summer Fair");
  EXPECT_EQ(TitleCase("  crash   reports "), "Crash Reports");
  EXPECT_EQ(TitleCase(""), "");
}

TEST_F(PhrasesTest, WellFormedTitlesAreNounPhrases) {
  for (std::string_view title :
       {"Crash Reports", "Beta of the Mobile App", "Quarterly Budget Review", "Support Ticket Backlog",
        "New Office", "Budget and Hiring", "API Pricing"}) {
    EXPECT_EQ(Problem(title), std::nullopt) << title;
  }
}

TEST_F(PhrasesTest, TitleShapeRulesNameTheProblem) {
  EXPECT_EQ(Problem("Budget"), "1 words (2 to 6 make a title)");
  EXPECT_EQ(Problem("One Two Three Four Five Six Seven"), "7 words (2 to 6 make a title)");
  EXPECT_EQ(Problem("Budget Agree"), "the last word 'Agree' is not a noun");
  EXPECT_EQ(Problem("Decide Budget"), "'Decide' is only a verb");
  EXPECT_EQ(Problem("Budget Quickly Review"), "'Quickly' is neither a noun nor an adjective");
  EXPECT_EQ(Problem("budget Review"), "'budget' is not in title case");
  EXPECT_EQ(Problem("Budget Of Review"), "'Of' is not in title case");
  EXPECT_EQ(Problem("Budget Review Budget"), "'Budget' is repeated");
  EXPECT_EQ(Problem("Budget and"), "'and' cannot start or end a title");
  EXPECT_EQ(Problem("Release Audit and Week Release"), "'Release' is repeated");
  EXPECT_EQ(Problem("Customer Asked Release Audit and Week Release Update Team"),
            "9 words (2 to 6 make a title)");
}

TEST_F(PhrasesTest, KeyPhrasesAreRepeatedNounPhrases) {
  TranscriptBuilder transcript;
  transcript.Say(0, "the crash reports come in every morning.")
      .Say(1, "i read the crash reports and the crash happens on old phones.")
      .Say(0, "so the image cache keeps every photo.")
      .Say(1, "we limit the image cache to fifty photos.");
  const KeyPhrases phrases = Phrases(transcript);
  ASSERT_FALSE(phrases.phrases.empty());
  std::vector<std::string> texts;
  for (const KeyPhrase& phrase : phrases.phrases)
    texts.push_back(phrase.text);
  EXPECT_NE(std::find(texts.begin(), texts.end(), "crash reports"), texts.end());
  EXPECT_NE(std::find(texts.begin(), texts.end(), "image cache"), texts.end());
  for (const std::string& text : texts) {
    EXPECT_EQ(text.find("limit"), std::string::npos) << "a verb in " << text;
    EXPECT_EQ(text.find("read"), std::string::npos) << "a verb in " << text;
  }
  EXPECT_EQ(Title(transcript), "Crash Reports");
}

TEST_F(PhrasesTest, ContextTellsNounsFromVerbs) {
  // "launch" is mostly a verb in WordNet's texts, but after "the" or a noun it is a noun.
  TranscriptBuilder transcript;
  transcript.Say(0, "the beta launch is close.")
      .Say(1, "we launch on friday and the beta launch needs testers.")
      .Say(0, "the beta launch needs a date.");
  EXPECT_EQ(Title(transcript), "Beta Launch");
}

TEST_F(PhrasesTest, TitlesAreNeverVerbFragmentsOrRepeats) {
  TranscriptBuilder transcript;
  transcript.Say(0, "we agree. we agree on the budget.")
      .Say(1, "agree agree. the budget review is fine and the budget review is done.");
  const std::string title = Title(transcript);
  EXPECT_EQ(title, "Budget Review");
  EXPECT_EQ(Problem(title), std::nullopt);
}

TEST_F(PhrasesTest, NoNounsGiveNoTitle) {
  EXPECT_EQ(Title(TranscriptBuilder().Say(0, "yeah okay. right so yes.")), "");
}

TEST_F(PhrasesTest, AnnouncedSubjectsNameTheTitle) {
  TranscriptBuilder transcript;
  transcript.Say(0, "good morning everyone. let us talk about the office move.")
      .Say(1, "the movers sent a quote. the movers quote is cheap. i like the movers quote.")
      .Say(0, "the movers quote includes packing.");
  EXPECT_EQ(Title(transcript), "Office Move");
}

TEST_F(PhrasesTest, AnAgendaCueWithAPronounNamesThePhraseBeforeIt) {
  TranscriptBuilder transcript;
  transcript.Say(0, "sofia finished the website design. so today we review it.")
      .Say(1, "the prices are on the homepage. the prices were hard to find. customers want prices.")
      .Say(0, "the prices stay on the homepage.");
  EXPECT_EQ(Title(transcript), "Website Design");
}

}  // namespace
}  // namespace reflector::llm
