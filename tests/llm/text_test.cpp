#include "llm/text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace reflector::llm {
namespace {

// `count` words, each `text`, one per 0.3 s, all from speaker 0.
std::vector<Word> Repeat(std::string_view text, std::size_t count) {
  std::vector<Word> words;
  for (std::size_t i = 0; i < count; ++i) {
    words.push_back(
        Word{std::string(text), 0.3 * static_cast<double>(i), 0.3 * static_cast<double>(i) + 0.2, 0});
  }
  return words;
}

std::vector<std::size_t> Sizes(const std::vector<std::vector<Word>>& chunks) {
  std::vector<std::size_t> sizes;
  for (const auto& chunk : chunks)
    sizes.push_back(chunk.size());
  return sizes;
}

// --- ChunkForTopics ---------------------------------------------------------------------------

TEST(ChunkForTopics, NoWordsGiveNoChunks) {
  EXPECT_TRUE(ChunkForTopics({}).empty());
}

TEST(ChunkForTopics, FewShortWordsMakeOneChunk) {
  const std::vector<Word> words = Repeat("hello", 10);
  const auto chunks = ChunkForTopics(words);
  ASSERT_EQ(chunks.size(), 1U);
  EXPECT_EQ(chunks[0].size(), 10U);
}

TEST(ChunkForTopics, LongEnoughPiecesStandAloneAndTheShortTailJoinsTheLastChunk) {
  // 300 words of "word" = 300 * 4 + 299 = 1499 code points >= 750: every full piece is a chunk;
  // the 50-word tail (249 code points) joins the second chunk.
  const std::vector<Word> words = Repeat("word", 650);
  const auto chunks = ChunkForTopics(words);
  EXPECT_EQ(Sizes(chunks), (std::vector<std::size_t>{300, 350}));
}

TEST(ChunkForTopics, ShortPiecesJoinTheNextOne) {
  // 300 one-letter words = 599 code points < 750: the first piece joins the second (1199 code
  // points), and the 50-word tail joins that chunk.
  const std::vector<Word> words = Repeat("a", 650);
  EXPECT_EQ(Sizes(ChunkForTopics(words)), (std::vector<std::size_t>{650}));
}

TEST(ChunkForTopics, ShortTailOfTenWordsJoinsTheLastChunk) {
  const std::vector<Word> words = Repeat("word", 610);
  EXPECT_EQ(Sizes(ChunkForTopics(words)), (std::vector<std::size_t>{300, 310}));
}

TEST(ChunkForTopics, TailLongEnoughInCharactersStandsAlone) {
  // 150 words of 9 letters = 1499 code points >= 750, although under 300 words.
  const std::vector<Word> words = Repeat("abcdefghi", 450);
  EXPECT_EQ(Sizes(ChunkForTopics(words)), (std::vector<std::size_t>{300, 150}));
}

TEST(ChunkForTopics, ExactlyMinCharsStandsAloneOneLessJoinsTheNext) {
  // 151 x "ab" + 149 x "a": 302 + 149 letters + 299 spaces = 750 code points.
  std::vector<Word> exact = Repeat("ab", 151);
  for (const Word& word : Repeat("a", 149))
    exact.push_back(word);
  std::vector<Word> words = exact;
  for (const Word& word : Repeat("word", 300))
    words.push_back(word);
  EXPECT_EQ(Sizes(ChunkForTopics(words)), (std::vector<std::size_t>{300, 300}));

  // One letter less (749 code points): the first piece joins the second.
  words[0].text = "a";
  EXPECT_EQ(Sizes(ChunkForTopics(words)), (std::vector<std::size_t>{600}));
}

TEST(ChunkForTopics, CountsCodePointsNotBytes) {
  // 300 x "é" = 599 code points (899 bytes): under 750, so it joins the next piece.
  std::vector<Word> words = Repeat("\xC3\xA9", 300);
  for (const Word& word : Repeat("word", 300))
    words.push_back(word);
  EXPECT_EQ(Sizes(ChunkForTopics(words)), (std::vector<std::size_t>{600}));
}

TEST(ChunkForTopics, KeepsEveryWordInOrderAndHonoursParameters) {
  std::vector<Word> words;
  for (int i = 0; i < 23; ++i)
    words.push_back(Word{"w" + std::to_string(i), i * 1.0, i + 0.5, i % 3});
  // Pieces of 5 words; a chunk needs 12 code points ("w0 w1 w2 w3 w4" has 14, the 3-word tail
  // "w20 w21 w22" has 11 and joins the last chunk).
  const auto chunks = ChunkForTopics(words, 5, 12);
  EXPECT_EQ(Sizes(chunks), (std::vector<std::size_t>{5, 5, 5, 8}));
  std::size_t next = 0;
  for (const auto& chunk : chunks) {
    for (const Word& word : chunk) {
      EXPECT_EQ(word.text, words[next].text);
      EXPECT_EQ(word.speaker, words[next].speaker);
      EXPECT_DOUBLE_EQ(word.start, words[next].start);
      ++next;
    }
  }
  EXPECT_EQ(next, words.size());
  // A non-positive piece size counts as one word per piece.
  EXPECT_EQ(Sizes(ChunkForTopics(words, 0, 1)).size(), words.size());
}

// --- CleanTitle, LimitWords ---------------------------------------------------------------------

TEST(CleanTitle, FollowsTheOriginalRule) {
  // "big" has 3 characters, not more, so the rule lower-cases it.
  EXPECT_EQ(CleanTitle("'hello the big world'"), "Hello the big World");
  EXPECT_EQ(CleanTitle("'hello the large world'"), "Hello the Large World");
  EXPECT_EQ(CleanTitle("\"meeting with the team\""), "Meeting With the Team");
  EXPECT_EQ(CleanTitle("'Title with quotes'"), "Title With Quotes");
  EXPECT_EQ(CleanTitle("hello world"), "Hello World");
  EXPECT_EQ(CleanTitle("  THE   budget\tREVIEW \n"), "The Budget Review");
  EXPECT_EQ(CleanTitle("a b c"), "A b c");
  EXPECT_EQ(CleanTitle("mcDONALD and IBM"), "Mcdonald and ibm");  // capitalise lowers the rest
  EXPECT_EQ(CleanTitle("\"'nested quotes'\""), "Nested Quotes");
  EXPECT_EQ(CleanTitle("it's done"), "It's Done");
  EXPECT_EQ(CleanTitle("q3 plan for ACME"), "Q3 Plan for Acme");
}

TEST(CleanTitle, BlankOrOnlyQuotesGiveEmpty) {
  EXPECT_EQ(CleanTitle(""), "");
  EXPECT_EQ(CleanTitle("'\"'"), "");
  EXPECT_EQ(CleanTitle("   "), "");
}

TEST(CleanTitle, CountsCodePointsAndLeavesNonAsciiLettersAlone) {
  // "été" has 3 code points (5 bytes): short, so lower-cased (ASCII only; é stays).
  EXPECT_EQ(CleanTitle("budget \xC3\xA9t\xC3\xA9 review"), "Budget \xC3\xA9t\xC3\xA9 Review");
  EXPECT_EQ(CleanTitle("caf\xC3\xA9 cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
                       "e"),
            "Caf\xC3\xA9 Cr\xC3\xA8me Br\xC3\xBBl\xC3\xA9"
            "e");
  EXPECT_EQ(CleanTitle("\xC3\xBC"
                       "ber ALLES"),
            "\xC3\xBC"
            "ber Alles");
}

TEST(LimitWords, KeepsTheFirstWords) {
  EXPECT_EQ(LimitWords("one two  three four", 2), "one two");
  EXPECT_EQ(LimitWords(" one ", 5), "one");
  EXPECT_EQ(LimitWords("one two", 0), "");
  EXPECT_EQ(SplitWords("  a bb\tccc\n").size(), 3U);
}

// --- SpeakerTurns, FormatTurns ------------------------------------------------------------------

TEST(SpeakerTurns, SplitsOnSpeakerChangeAndLongPauses) {
  // Times are binary fractions so that gaps compare exactly.
  const std::vector<Word> words = {
      {"we", 0.0, 0.25, 0},     {"need", 0.5, 0.75, 0}, {"a", 1.25, 1.5, 0},  // gap 0.5: same turn
      {"budget", 2.25, 2.5, 0},                                               // gap 0.75: new turn
      {"yes", 2.75, 3.0, 1},    {"", 3.0, 3.25, 1},     {"agreed", 3.25, 3.5, 1}, {"fine", 3.75, 4.0, 0},
  };
  const std::vector<Segment> turns = SpeakerTurns(words);
  ASSERT_EQ(turns.size(), 4U);
  EXPECT_EQ(turns[0].speaker, 0);
  EXPECT_EQ(turns[0].text, "we need a");
  EXPECT_DOUBLE_EQ(turns[0].start, 0.0);
  EXPECT_DOUBLE_EQ(turns[0].end, 1.5);
  EXPECT_EQ(turns[0].first_word, 0U);
  EXPECT_EQ(turns[0].word_count, 3U);
  EXPECT_EQ(turns[1].text, "budget");
  EXPECT_EQ(turns[1].first_word, 3U);
  EXPECT_EQ(turns[2].speaker, 1);
  EXPECT_EQ(turns[2].text, "yes agreed");  // the empty word adds no space
  EXPECT_EQ(turns[2].word_count, 3U);
  EXPECT_EQ(turns[3].text, "fine");
  EXPECT_DOUBLE_EQ(turns[3].end, 4.0);

  // A gap equal to the threshold is not a pause; a larger threshold merges the first two turns.
  EXPECT_EQ(SpeakerTurns(words, 0.75).size(), 3U);
  EXPECT_EQ(SpeakerTurns(words, 1.0).size(), 3U);
  EXPECT_EQ(SpeakerTurns(words, 0.25).size(), 5U);
  EXPECT_TRUE(SpeakerTurns({}).empty());
}

TEST(SpeakerTurns, PausesAreMeasuredFromTheLatestEndOfTheTurn) {
  const std::vector<Word> words = {{"long", 0.0, 2.0, 0}, {"short", 0.5, 0.75, 0}, {"more", 2.5, 2.75, 0}};
  const std::vector<Segment> turns = SpeakerTurns(words);
  ASSERT_EQ(turns.size(), 1U);  // 2.5 - 2.0 = 0.5 s, not 2.5 - 0.75
  EXPECT_DOUBLE_EQ(turns[0].end, 2.75);
}

TEST(FormatTurns, OneNameAndTextLinePerTurn) {
  const std::vector<Word> words = {{"hello", 0, 0.5, 0}, {"hi", 0.6, 0.8, 1}, {"there", 0.9, 1.2, 2}};
  const SpeakerNames names = {{0, "Alice"}, {2, "  "}};
  EXPECT_EQ(FormatTurns(SpeakerTurns(words), names), "Alice: hello\nSpeaker 1: hi\nSpeaker 2: there");
  EXPECT_EQ(SpeakerName(names, 0), "Alice");
  EXPECT_EQ(SpeakerName(names, 7), "Speaker 7");
  EXPECT_EQ(FormatTurns({}, names), "");
}

// --- SummaryMarkdown, lengths ------------------------------------------------------------------

TEST(SummaryMarkdown, UsesTheOriginalLayout) {
  const std::vector<SubjectParagraph> subjects = {{"Budget", "We cut travel."}, {"Hiring", "Two offers."}};
  EXPECT_EQ(
      SummaryMarkdown("Alice and Bob met.", subjects),
      "# Quick recap\n\nAlice and Bob met.\n\n# Summary\n\n**Budget**\nWe cut travel.\n\n**Hiring**\nTwo "
      "offers.\n");
  EXPECT_EQ(SummaryMarkdown("", subjects),
            "# Summary\n\n**Budget**\nWe cut travel.\n\n**Hiring**\nTwo offers.\n");
  EXPECT_EQ(SummaryMarkdown("Only a recap.", {}), "# Quick recap\n\nOnly a recap.\n");
  EXPECT_EQ(SummaryMarkdown("", {}), "");
}

TEST(TextLengths, CountCodePoints) {
  EXPECT_EQ(CodePointCount(""), 0U);
  EXPECT_EQ(CodePointCount("abc"), 3U);
  EXPECT_EQ(CodePointCount("caf\xC3\xA9"), 4U);
  EXPECT_EQ(CodePointCount("\xE6\x97\xA5\xE6\x9C\xAC"), 2U);
  const std::vector<Word> words = {{"caf\xC3\xA9", 0, 1, 0}, {"", 1, 2, 0}, {"ok", 2, 3, 1}};
  EXPECT_EQ(JoinedLength(words), 7U);
  EXPECT_EQ(JoinWords(words), "caf\xC3\xA9 ok");
}

}  // namespace
}  // namespace reflector::llm
