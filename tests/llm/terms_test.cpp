#include "llm/terms.hpp"

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

TEST(ContentTerms, TimeWordsAreNotSubjects) {
  for (std::string_view word : {"friday", "march", "week", "weekend", "tonight", "morning"}) {
    EXPECT_TRUE(IsStopword(word)) << word;
  }
}

TEST(Fillers, AreHesitationsOnly) {
  for (std::string_view word : {"um", "uh", "uhm", "hmm", "er", "mhm"}) {
    EXPECT_TRUE(IsFiller(word)) << word;
  }
  for (std::string_view word : {"so", "budget", "like", "the"}) {
    EXPECT_FALSE(IsFiller(word)) << word;
  }
}

TEST(NormalizedTerm, ReturnsTheTerm) {
  EXPECT_EQ(NormalizedTerm("Friday."), "friday");
  EXPECT_EQ(NormalizedTerm("<sil>"), "");
}

}  // namespace
}  // namespace reflector::llm
