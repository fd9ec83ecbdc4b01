// PocketSphinx's pure helpers, and the checks Transcribe makes before touching any file (no
// speech needed; the decoder on real speech is in pocketsphinx_test.cpp).

#include <gtest/gtest.h>

#include "stt/pocketsphinx/pocketsphinx_speech_to_text.hpp"
#include "support/temp_dir.hpp"

namespace reflector::stt {
namespace {

TEST(PocketSphinxWordTextTest, StripsPronunciationVariants) {
  EXPECT_EQ(PocketSphinxWordText("hello(2)"), "hello");
  EXPECT_EQ(PocketSphinxWordText("to(3)"), "to");
  EXPECT_EQ(PocketSphinxWordText("read(12)"), "read");
  EXPECT_EQ(PocketSphinxWordText("meeting"), "meeting");
  EXPECT_EQ(PocketSphinxWordText("don't"), "don't");
  // Only a parenthesised number is a variant.
  EXPECT_EQ(PocketSphinxWordText("word(a)"), "word(a)");
  EXPECT_EQ(PocketSphinxWordText("word()"), "word()");
}

TEST(PocketSphinxWordTextTest, DropsFillersAndMarkers) {
  for (const char* filler :
       {"<s>", "</s>", "<sil>", "[SPEECH]", "[NOISE]", "++NOISE++", "++BREATH++", "<sil>(2)"}) {
    EXPECT_EQ(PocketSphinxWordText(filler), "") << filler;
  }
  EXPECT_EQ(PocketSphinxWordText(""), "");
}

TEST(PocketSphinxLanguageTest, AcceptsOnlyEnglish) {
  for (const char* code : {"en", "EN", "en-us", "en-US", "en_US"}) {
    EXPECT_TRUE(IsPocketSphinxLanguage(code)) << code;
  }
  for (const char* code : {"fr", "de", "en-gb", "english", "", "e"}) {
    EXPECT_FALSE(IsPocketSphinxLanguage(code)) << code;
  }
}

TEST(PocketSphinxSpeechToTextTest, NamesItsBackendAndModel) {
  PocketSphinxSpeechToText default_model;
  EXPECT_EQ(default_model.Backend(), "pocketsphinx");
  EXPECT_EQ(default_model.Model(), "en-us (Debian pocketsphinx-en-us)");
  PocketSphinxSpeechToText other({.model_dir = "/models/custom", .cache_dir = {}});
  EXPECT_EQ(other.Model(), "en-us (/models/custom)");
}

// The language is checked first, before the file or the model is looked at.
TEST(PocketSphinxSpeechToTextTest, OtherLanguageIsTerminalError) {
  PocketSphinxSpeechToText stt;
  NullProgressSink sink;
  auto result = stt.Transcribe({.file = "meeting.webm"}, "fr", {}, sink);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(result.error().retryable);
  EXPECT_NE(result.error().message.find("\"fr\""), std::string::npos) << result.error().message;
}

TEST(PocketSphinxSpeechToTextTest, MissingModelIsTerminalErrorNamingThePath) {
  reflector::testing::TempDir empty("stt-model");
  auto check = PocketSphinxSpeechToText::CheckModel(empty.path());
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(check.error().retryable);
  EXPECT_NE(check.error().message.find(empty.path().string()), std::string::npos) << check.error().message;

  PocketSphinxSpeechToText stt({.model_dir = empty.path(), .cache_dir = {}});
  NullProgressSink sink;
  auto result = stt.Transcribe({.file = "meeting.webm"}, "en", {}, sink);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace reflector::stt
