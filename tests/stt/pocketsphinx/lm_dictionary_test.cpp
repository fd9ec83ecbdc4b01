// The dictionary cut to the language model's words: which lines are kept.

#include "stt/pocketsphinx/lm_dictionary.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

namespace reflector::stt {
namespace {

TEST(LmDictionaryTest, ALinesWordDropsItsPronunciationVariant) {
  EXPECT_EQ(DictionaryLineWord("hello HH AH L OW"), "hello");
  EXPECT_EQ(DictionaryLineWord("hello(2) HH EH L OW"), "hello");
  EXPECT_EQ(DictionaryLineWord("  a(12)\tEY"), "a");
  EXPECT_EQ(DictionaryLineWord("(paren) P"), "(paren)");
  EXPECT_EQ(DictionaryLineWord(""), "");
  EXPECT_EQ(DictionaryLineWord(" \t\r"), "");
}

TEST(LmDictionaryTest, OnlyLinesOfKnownWordsAreCopiedEachVariantIncluded) {
  std::istringstream in("hello HH AH L OW\nhello(2) HH EH L OW\nzyzzyva Z IH Z IH V AH\n\nworld W ER L D\n");
  std::ostringstream out;
  const std::set<std::string> known = {"hello", "world"};
  std::size_t asked = 0;
  const std::size_t kept = CopyKnownWords(in, out, [&](std::string_view word) {
    ++asked;
    return known.count(std::string(word)) > 0;
  });
  EXPECT_EQ(kept, 3U);
  EXPECT_EQ(asked, 4U);  // the blank line is not a word
  EXPECT_EQ(out.str(), "hello HH AH L OW\nhello(2) HH EH L OW\nworld W ER L D\n");
}

}  // namespace
}  // namespace reflector::stt
