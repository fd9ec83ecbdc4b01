// The seam's own helper, NormalizeWords, which every backend applies, and the factory that
// chooses every backend.

#include <gtest/gtest.h>

#include "stt/factory.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::stt {
namespace {

TEST(NormalizeWordsTest, TrimsDropsEmptyAndSortsByStart) {
  std::vector<Word> words = {
      {" world\n", 1.0, 1.4}, {"hello ", 0.5, 0.9}, {"  ", 0.7, 0.8}, {"", 0.1, 0.2}, {"\tagain", 2.0, 2.5},
  };
  std::vector<Word> expected = {{"hello", 0.5, 0.9}, {"world", 1.0, 1.4}, {"again", 2.0, 2.5}};
  EXPECT_EQ(NormalizeWords(words), expected);
}

TEST(NormalizeWordsTest, KeepsTheOrderOfEqualStartsAndInnerSpaces) {
  std::vector<Word> words = {{"b", 1.0, 1.1}, {"new york", 0.0, 0.5}, {"a", 1.0, 1.2}, {"c", 1.0, 1.3}};
  std::vector<Word> expected = {{"new york", 0.0, 0.5}, {"b", 1.0, 1.1}, {"a", 1.0, 1.2}, {"c", 1.0, 1.3}};
  EXPECT_EQ(NormalizeWords(words), expected);
}

TEST(NormalizeWordsTest, EmptyInputGivesEmptyOutput) {
  EXPECT_TRUE(NormalizeWords({}).empty());
  EXPECT_TRUE(NormalizeWords({{" ", 0, 1}, {"\r\n", 1, 2}}).empty());
}

TEST(MakeSpeechToTextTest, ChoosesEveryBackendByName) {
  net::HttpClient http;
  SpeechToTextOptions options;
  options.pocketsphinx.model_dir = "/nonexistent/pocketsphinx-model";
  auto missing = MakeSpeechToText(options, http);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(missing.error().message.find("/nonexistent/pocketsphinx-model"), std::string::npos)
      << missing.error().message;

  options.backend = "openai";
  options.remote.url = "https://api.openai.com/v1";
  auto openai = MakeSpeechToText(options, http);
  ASSERT_TRUE(openai.ok()) << openai.error().message;
  EXPECT_EQ((*openai)->Backend(), "openai");

  options.backend = "modal";
  options.remote.url = "https://gpu.example.com";
  auto modal = MakeSpeechToText(options, http);
  ASSERT_TRUE(modal.ok()) << modal.error().message;
  EXPECT_EQ((*modal)->Backend(), "modal");

  options.backend = "whisper";
  auto unknown = MakeSpeechToText(options, http);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace reflector::stt
