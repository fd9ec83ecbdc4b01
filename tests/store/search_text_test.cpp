// The text side of transcript search (store/search_text.hpp), without a database.

#include "store/search_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace reflector::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(SearchTextTest, PlainTextFromWebVttKeepsOnlyCueText) {
  const std::string vtt =
      "WEBVTT\n\nNOTE written by hand --- not a cue\n\n"
      "intro\n00:00:00.000 --> 00:00:02.000\n<v Speaker0> Hello <b>there</b>,\n  everyone\n\n"
      "00:00:02.000 --> 00:00:04.500 align:start\r\n<v Speaker1>a < b and 3 > 2\r\n";
  EXPECT_EQ(PlainTextFromWebVtt(vtt), "Hello there, everyone a < b and 3 > 2");
  EXPECT_EQ(PlainTextFromWebVtt("WEBVTT\n"), "");
  EXPECT_EQ(PlainTextFromWebVtt(""), "");
}

TEST(SearchTextTest, SearchTextPrefersWebVttThenTopicTexts) {
  const Json topics = Json::parse(
      R"([{"id":"a","transcript":" first part "},{"id":"b"},{"id":"c","transcript":"second part"},"odd"])");
  EXPECT_EQ(SearchTextOf(topics, "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Speaker0>from vtt"),
            "from vtt");
  EXPECT_EQ(SearchTextOf(topics, "WEBVTT"), "first part second part");
  EXPECT_EQ(SearchTextOf(Json::array(), ""), "");
  EXPECT_EQ(SearchTextOf(Json(), ""), "");
}

TEST(SearchTextTest, SearchWordsSplitLowerAndDeduplicate) {
  EXPECT_THAT(SearchWords("  Budget\tREVIEW budget  q3\n"), ElementsAre("budget", "review", "q3"));
  EXPECT_TRUE(SearchWords("").empty());
  EXPECT_TRUE(SearchWords(" \t ").empty());
  EXPECT_THAT(SearchWords("Ärger"), ElementsAre("Ärger"));  // only ASCII letters are folded
}

TEST(SearchTextTest, ContainsPatternEscapesLikeWildcards) {
  EXPECT_EQ(ContainsPattern("plain"), "%plain%");
  EXPECT_EQ(ContainsPattern("50%_off!"), "%50!%!_off!!%");
}

TEST(SearchTextTest, CountMatchesAddsEachWordsOccurrences) {
  EXPECT_EQ(CountMatches("The budget, the BUDGET and the plan", {"budget"}), 2);
  EXPECT_EQ(CountMatches("The budget, the BUDGET and the plan", {"budget", "plan"}), 3);
  EXPECT_EQ(CountMatches("aaaa", {"aa"}), 2);  // without overlap
  EXPECT_EQ(CountMatches("nothing here", {"budget"}), 0);
  EXPECT_EQ(CountMatches("", {"budget"}), 0);
}

TEST(SearchTextTest, SnippetsSurroundMatchesAtWordBoundaries) {
  std::string text;
  for (int i = 0; i < 40; ++i)
    text += "filler" + std::to_string(i) + " ";
  text += "we agreed on the Budget for next year ";
  for (int i = 40; i < 80; ++i)
    text += "filler" + std::to_string(i) + " ";

  const auto snippets = Snippets(text, {"budget"}, 3);
  ASSERT_EQ(snippets.size(), 1u);
  EXPECT_THAT(snippets[0], StartsWith("..."));
  EXPECT_THAT(snippets[0], HasSubstr("Budget for next year"));
  EXPECT_TRUE(snippets[0].ends_with("..."));
  EXPECT_LE(snippets[0].size(), kSnippetLength + 6);
  EXPECT_GE(snippets[0].size(), kSnippetLength / 2);
  // Whole words only: the excerpt starts after a space and ends before one.
  const std::string inner = snippets[0].substr(3, snippets[0].size() - 6);
  EXPECT_NE(text.find(" " + inner + " "), std::string::npos) << inner;
}

TEST(SearchTextTest, SnippetsDoNotOverlapAndStopAtTheLimit) {
  EXPECT_THAT(Snippets("budget budget budget", {"budget"}, 3), ElementsAre("budget budget budget"));
  std::string text;
  for (int i = 0; i < 10; ++i)
    text += "budget " + std::string(200, 'x') + " ";
  EXPECT_EQ(Snippets(text, {"budget"}, 3).size(), 3u);
  EXPECT_EQ(Snippets(text, {"budget"}, 1).size(), 1u);
  EXPECT_TRUE(Snippets(text, {"budget"}, 0).empty());
  EXPECT_TRUE(Snippets(text, {"absent"}, 3).empty());
  EXPECT_TRUE(Snippets(text, {}, 3).empty());
}

TEST(SearchTextTest, SnippetsNeverSplitUtf8Sequences) {
  // Without spaces, so the excerpt's ends fall inside the three-byte and two-byte sequences.
  std::string text;
  for (int i = 0; i < 60; ++i)
    text += "€";
  text += "budgets";
  for (int i = 0; i < 60; ++i)
    text += "ü";
  const auto snippets = Snippets(text, {"budget"}, 1);
  ASSERT_EQ(snippets.size(), 1u);
  const std::string inner = snippets[0].substr(3, snippets[0].size() - 6);
  ASSERT_FALSE(inner.empty());
  EXPECT_NE(static_cast<unsigned char>(inner.front()) & 0xC0, 0x80);  // starts a character
  EXPECT_THAT(inner, HasSubstr("budget"));
  EXPECT_NE(text.find(inner), std::string::npos);
  const std::size_t after = text.find(inner) + inner.size();
  EXPECT_NE(static_cast<unsigned char>(text[after]) & 0xC0, 0x80);  // ends before a character
}

}  // namespace
}  // namespace reflector::store
