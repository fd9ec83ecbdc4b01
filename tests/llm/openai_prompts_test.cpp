// Prompt text and the lenient answer parsing of the OpenAI-compatible backend (no server).

#include "llm/openai/prompts.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace reflector::llm::openai {
namespace {

std::vector<Word> Say(std::vector<std::pair<int, std::string>> turns) {
  std::vector<Word> words;
  double clock = 0;
  for (const auto& [speaker, text] : turns) {
    for (std::string_view word : SplitWords(text)) {
      words.push_back(Word{std::string(word), clock, clock + 0.25, speaker});
      clock += 0.3;
    }
    clock += 1.0;
  }
  return words;
}

const SpeakerNames kNames = {{0, "Alice"}, {1, "Bob"}};

TEST(OpenAiPromptsTest, ParticipantsInSpeakingOrderWithDefaultNames) {
  auto words = Say({{1, "hello there"}, {0, "hi"}, {2, "morning"}, {1, "again"}});
  EXPECT_EQ(ParticipantsLine(words, kNames), "Participants: Bob, Alice, Speaker 2");
  EXPECT_EQ(ParticipantsLine({}, kNames), "");
}

TEST(OpenAiPromptsTest, TranscriptLinesOnePerTurnAndCutAtTheBudget) {
  auto words = Say({{0, "we need a budget"}, {1, "five thousand is enough"}, {0, "fine order the desks"}});
  bool complete = false;
  EXPECT_EQ(TranscriptLines(words, kNames, 1000, &complete),
            "Alice: we need a budget\nBob: five thousand is enough\nAlice: fine order the desks");
  EXPECT_TRUE(complete);
  // Room for the first line only.
  EXPECT_EQ(TranscriptLines(words, kNames, 30, &complete), "Alice: we need a budget\n[...]");
  EXPECT_FALSE(complete);
  // A first line longer than the budget is cut inside.
  std::string cut = TranscriptLines(words, kNames, 12, &complete);
  EXPECT_EQ(cut, "Alice:\n[...]");
  EXPECT_FALSE(complete);
}

TEST(OpenAiPromptsTest, TopicPromptNamesTheSpeakers) {
  auto words = Say({{0, "we need a budget"}, {1, "five thousand is enough"}});
  Prompt prompt = TopicPrompt(words, kNames, 4000);
  ASSERT_EQ(prompt.messages.size(), 2u);
  EXPECT_EQ(prompt.messages[0].role, "system");
  EXPECT_EQ(prompt.messages[1].role, "user");
  const std::string& user = prompt.messages[1].content;
  EXPECT_NE(user.find("Participants: Alice, Bob"), std::string::npos) << user;
  EXPECT_NE(user.find("Alice: we need a budget\nBob: five thousand is enough"), std::string::npos) << user;
  EXPECT_NE(user.find("\"title\""), std::string::npos);
  EXPECT_EQ(RetryMessage("no JSON object.", prompt)
                .rfind("Your answer could not be used: no JSON object. Answer again "
                       "with only the JSON object",
                       0),
            0u);
}

TEST(OpenAiPromptsTest, MeetingContextKeepsTheTranscriptOnlyWhenItFits) {
  auto words = Say({{0, "we need a budget"}, {1, "five thousand is enough"}});
  std::vector<TopicDraft> topics = {{"Budget", "Alice and Bob set the budget."}};
  std::string context = MeetingContext(topics, words, kNames, 4000);
  EXPECT_NE(context.find("- Budget: Alice and Bob set the budget."), std::string::npos) << context;
  EXPECT_NE(
      context.find("<transcript>\nAlice: we need a budget\nBob: five thousand is enough\n</transcript>"),
      std::string::npos)
      << context;
  std::string small = MeetingContext(topics, words, kNames, 120);
  EXPECT_EQ(small.find("<transcript>"), std::string::npos) << small;
  EXPECT_NE(small.find("too long to include"), std::string::npos) << small;
  EXPECT_NE(small.find("- Budget: "), std::string::npos) << small;
}

TEST(OpenAiPromptsTest, StripsCodeFences) {
  EXPECT_EQ(StripCodeFences("```json\n{\"a\": 1}\n```"), "{\"a\": 1}");
  EXPECT_EQ(StripCodeFences("Here you go:\n```\nBudget Review\n```\nHope it helps"), "Budget Review");
  EXPECT_EQ(StripCodeFences("```\nunclosed"), "unclosed");
  EXPECT_EQ(StripCodeFences("  plain  "), "plain");
}

TEST(OpenAiPromptsTest, FirstJsonObjectIsLenientAboutTheWrapping) {
  auto object = FirstJsonObject("Sure! {\"title\": \"a } b\", \"n\": {\"x\": 1}} and more {text}");
  ASSERT_TRUE(object.ok()) << object.error().message;
  EXPECT_EQ((*object)["title"], "a } b");
  EXPECT_EQ((*object)["n"]["x"], 1);
  // An invalid candidate is skipped for the next one.
  auto second = FirstJsonObject("{not json} then {\"ok\": true}");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ((*second)["ok"], true);
  auto none = FirstJsonObject("no object here");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "the answer contains no JSON object");
  auto cut = FirstJsonObject("{\"title\": \"Budg");
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().message.find("not complete"), std::string::npos) << cut.error().message;
  auto invalid = FirstJsonObject("{'title': 'x'}");
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(invalid.error().message.find("not valid JSON"), std::string::npos) << invalid.error().message;
}

TEST(OpenAiPromptsTest, TopicAnswers) {
  auto fenced = ParseTopicAnswer(
      "```json\n{\"title\": \"the office furniture budget\", \"summary\": \"They agreed.\"}\n```");
  ASSERT_TRUE(fenced.ok()) << fenced.error().message;
  EXPECT_EQ(fenced->title, "The Office Furniture Budget");
  EXPECT_EQ(fenced->summary, "They agreed.");
  auto trailing =
      ParseTopicAnswer("{\"Title\": \"Desks\", \"Summary\": \"Order desks.\"}\nI hope this helps!");
  ASSERT_TRUE(trailing.ok()) << trailing.error().message;
  EXPECT_EQ(trailing->title, "Desks");
  // Topic titles are capped like meeting titles.
  auto long_title = ParseTopicAnswer(
      "{\"title\": \"one two three four five six seven eight nine ten eleven\", "
      "\"summary\": \"s\"}");
  ASSERT_TRUE(long_title.ok());
  EXPECT_EQ(SplitWords(long_title->title).size(), kMaxTitleWords);

  auto object_summary = ParseTopicAnswer("{\"title\": \"Desks\", \"summary\": {\"text\": \"x\"}}");
  ASSERT_FALSE(object_summary.ok());
  EXPECT_EQ(object_summary.error().message, "\"summary\" must be a string, not an object");
  auto missing = ParseTopicAnswer("{\"title\": \"Desks\"}");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "the JSON object has no \"summary\" field");
  auto empty = ParseTopicAnswer("{\"title\": \"  \", \"summary\": \"x\"}");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "\"title\" is empty");
  auto placeholder = ParseTopicAnswer("{\"title\": \"<the title>\", \"summary\": \"x\"}");
  ASSERT_FALSE(placeholder.ok());
  EXPECT_NE(placeholder.error().message.find("placeholder"), std::string::npos);
}

TEST(OpenAiPromptsTest, TitleAnswers) {
  EXPECT_EQ(ParseTitleAnswer("Quarterly budget and hiring plan").value_or(""),
            "Quarterly Budget and Hiring Plan");
  EXPECT_EQ(ParseTitleAnswer("Title: \"Office furniture budget\"").value_or(""), "Office Furniture Budget");
  EXPECT_EQ(ParseTitleAnswer("Here is a title:\n\n**Office furniture budget.**").value_or(""),
            "Office Furniture Budget");
  EXPECT_EQ(ParseTitleAnswer("# Launch schedule\nSome explanation").value_or(""), "Launch Schedule");
  EXPECT_EQ(ParseTitleAnswer("```json\n{\"title\": \"release dates\"}\n```").value_or(""), "Release Dates");
  EXPECT_EQ(ParseTitleAnswer("one two three four five six seven eight nine ten eleven twelve").value_or(""),
            "One two Three Four Five six Seven Eight Nine ten");
  auto empty = ParseTitleAnswer("  \n ");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "the answer has no title");
}

TEST(OpenAiPromptsTest, SubjectsAnswers) {
  auto subjects = ParseSubjectsAnswer(
      "{\"subjects\": [\"Budget\", \" budget \", \"Hiring.\", \"\", \"A\", \"B\", \"C\", \"D\", \"E\"]}");
  ASSERT_TRUE(subjects.ok()) << subjects.error().message;
  EXPECT_EQ(*subjects, (std::vector<std::string>{"Budget", "Hiring", "A", "B", "C", "D"}));
  auto bare = ParseSubjectsAnswer("Subjects:\n[\"Budget\", \"Hiring\"]");
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_EQ(*bare, (std::vector<std::string>{"Budget", "Hiring"}));
  auto wrapped = ParseSubjectsAnswer(
      "{\"subjects\": [{\"name\": \"Budget\", \"description\": \"x\"}, {\"s\": \"Hiring\"}]}");
  ASSERT_TRUE(wrapped.ok()) << wrapped.error().message;
  EXPECT_EQ(*wrapped, (std::vector<std::string>{"Budget", "Hiring"}));
  auto objects = ParseSubjectsAnswer("{\"subjects\": [{\"label\": \"Budget\", \"id\": \"1\"}]}");
  ASSERT_FALSE(objects.ok());
  EXPECT_EQ(objects.error().message, "\"subjects\" must be a list of strings, but one item is an object");
  auto empty = ParseSubjectsAnswer("{\"subjects\": []}");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "\"subjects\" is empty");
  auto wrong = ParseSubjectsAnswer("{\"topics\": [\"Budget\"]}");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "the JSON object has no \"subjects\" field");
}

TEST(OpenAiPromptsTest, ParagraphAnswers) {
  EXPECT_EQ(ParseParagraphAnswer("Paragraph: Alice set the budget.\nBob agreed.").value_or(""),
            "Alice set the budget. Bob agreed.");
  EXPECT_EQ(ParseParagraphAnswer("{\"recap\": \"Alice set the budget.\"}").value_or(""),
            "Alice set the budget.");
  EXPECT_EQ(ParseParagraphAnswer("{\"anything\": \"One string.\", \"n\": 3}").value_or(""), "One string.");
  EXPECT_EQ(ParseParagraphAnswer("Alice set the budget. Bob wanted to", /*cut_off=*/true).value_or(""),
            "Alice set the budget.");
  EXPECT_EQ(ParseParagraphAnswer("Bob wanted to", /*cut_off=*/true).value_or(""), "Bob wanted to");
  EXPECT_FALSE(ParseParagraphAnswer("{\"a\": \"x\", \"b\": \"y\"}").ok());
  EXPECT_FALSE(ParseParagraphAnswer("   ").ok());
}

}  // namespace
}  // namespace reflector::llm::openai
