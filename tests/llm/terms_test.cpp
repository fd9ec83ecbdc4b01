#include "llm/extractive/salience.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace reflector::llm {
namespace {

std::string Normalized(std::string_view token) {
  std::string out = "previous contents";
  NormalizeTerm(token, out);
  return out;
}

TEST(NormalizeTerm, LowerCasesAndStripsAsciiPunctuation) {
  EXPECT_EQ(Normalized("Budget,"), "budget");
  EXPECT_EQ(Normalized("\"Q3-plan!\""), "q3-plan");
  EXPECT_EQ(Normalized("don't"), "don't");
  EXPECT_EQ(Normalized("CAF\xC3\x89"), "caf\xC3\x89");  // É is not ASCII: kept as it is
  EXPECT_EQ(Normalized("<sil>"), "");
  EXPECT_EQ(Normalized("[NOISE]"), "");
  EXPECT_EQ(Normalized("..."), "");
}

TEST(ContentTerms, SkipStopwordsShortWordsAndNumbers) {
  for (std::string_view word : {"the", "and", "yeah", "okay", "because", "meeting", "don't", "gonna"}) {
    EXPECT_TRUE(IsStopword(word)) << word;
    EXPECT_FALSE(IsContentTerm(word)) << word;
  }
  for (std::string_view word : {"budget", "hiring", "schedule", "candidates", "caf\xC3\xA9"}) {
    EXPECT_FALSE(IsStopword(word)) << word;
    EXPECT_TRUE(IsContentTerm(word)) << word;
  }
  EXPECT_FALSE(IsContentTerm("ab"));
  EXPECT_FALSE(IsContentTerm("2024"));
  EXPECT_TRUE(IsContentTerm("q3-plan"));
  EXPECT_TRUE(IsContentTerm("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"));  // 3 code points, not ASCII
}

TEST(TermTable, RanksByFrequencyBoostedForSeveralSpeakersThenAlphabetically) {
  TermTable table;
  std::size_t position = 0;
  auto say = [&](std::string_view token, int speaker) { return table.Add(token, speaker, position++); };
  // "budget": 2 times by 2 speakers -> 2 x 3 = 6; "travel": 3 times by one speaker -> 3 x 2 = 6;
  // "zebra": 2 by one -> 4; "apple": 2 by one -> 4; "hiring": once -> 2.
  say("travel", 0);
  say("budget", 0);
  say("the", 1);
  say("Budget.", 1);
  say("travel", 0);
  say("travel", 0);
  say("zebra", 2);
  say("zebra", 2);
  say("apple", 2);
  say("apple", 2);
  say("hiring", 1);
  EXPECT_EQ(table.Add("the", 0, 99), TermTable::kNoTerm);

  std::vector<std::string> ranked;
  for (std::size_t index : table.Ranked())
    ranked.push_back(table.terms()[index].term);
  EXPECT_EQ(ranked, (std::vector<std::string>{"budget", "travel", "apple", "zebra", "hiring"}));

  const std::size_t budget = table.Find("BUDGET");
  ASSERT_NE(budget, TermTable::kNoTerm);
  EXPECT_EQ(table.terms()[budget].count, 2U);
  EXPECT_EQ(table.terms()[budget].SpeakerCount(), 2);
  EXPECT_EQ(table.terms()[budget].first_position, 1U);
  EXPECT_EQ(table.Find("missing"), TermTable::kNoTerm);
}

}  // namespace
}  // namespace reflector::llm
