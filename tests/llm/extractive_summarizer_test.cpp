#include "llm/extractive/extractive_summarizer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "llm/extractive/phrases.hpp"
#include "llm/text.hpp"
#include "transcript_builder.hpp"

namespace reflector::llm {
namespace {

using testing::RequireWordNet;
using testing::TranscriptBuilder;

constexpr int kAlice = 0;
constexpr int kBob = 1;
constexpr int kCarol = 2;

std::vector<Word> BudgetSection() {
  return TranscriptBuilder()
      .Say(kAlice, "okay everyone, let us start with the budget for the next quarter.")
      .Say(kBob, "the marketing budget is already over by ten percent.")
      .Say(kAlice, "then we need to cut the travel budget and the marketing spend.")
      .Say(kCarol, "i agree. the travel budget can go down, but marketing needs the spend for the launch.")
      .Say(kBob, "fine. so we cut the travel budget by twenty percent and keep the marketing budget flat.")
      .words();
}

std::vector<Word> ScheduleSection() {
  return TranscriptBuilder()
      .Say(kCarol, "next, the launch schedule. the release date is march fifteenth.")
      .Say(kAlice, "can engineering hit the march release date?")
      .Say(kBob, "the schedule is tight. we need two more weeks of testing.")
      .Say(kCarol, "then we move the release date to april first. i will tell the customers.")
      .Say(kAlice, "agreed. the release date moves to april.")
      .words();
}

std::vector<Word> HiringSection() {
  return TranscriptBuilder()
      .Say(kBob, "last item, hiring. we have budget for two engineers.")
      .Say(kCarol, "we interviewed five candidates for the engineer roles.")
      .Say(kAlice, "the two strongest candidates both know the backend well.")
      .Say(kBob, "let us send offers to both candidates this week.")
      .Say(kCarol, "i will send the offers and schedule the onboarding.")
      .words();
}

std::vector<Word> WholeMeeting() {
  std::vector<Word> words;
  double offset = 0;
  for (const auto& section : {BudgetSection(), ScheduleSection(), HiringSection()}) {
    for (Word word : section) {
      word.start += offset;
      word.end += offset;
      words.push_back(std::move(word));
    }
    offset = words.back().end + 1.0;
  }
  return words;
}

const SpeakerNames kNames = {{kAlice, "Alice"}, {kBob, "Bob"}, {kCarol, "Carol"}};

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80               ? 1
                         : (lead & 0xE0U) == 0xC0U ? 2
                         : (lead & 0xF0U) == 0xE0U ? 3
                         : (lead & 0xF8U) == 0xF0U ? 4
                                                   : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) return false;
    }
    i += length;
  }
  return true;
}

class ExtractiveSummarizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lexicon_ = RequireWordNet();
    ASSERT_TRUE(lexicon_);
  }
  TopicDraft Describe(std::span<const Word> chunk) {
    Result<TopicDraft> topic = summarizer_.DescribeTopic(chunk, kNames, {});
    EXPECT_TRUE(topic.ok()) << topic.error().Describe();
    return topic.ok() ? *topic : TopicDraft{};
  }
  std::vector<TopicDraft> MeetingTopics() {
    return {Describe(BudgetSection()), Describe(ScheduleSection()), Describe(HiringSection())};
  }
  void ExpectWellFormed(std::string_view title) {
    EXPECT_EQ(TitleShapeProblem(title, *lexicon_), std::nullopt) << title;
  }

  std::shared_ptr<const Lexicon> lexicon_;
  ExtractiveSummarizer summarizer_;
};

TEST_F(ExtractiveSummarizerTest, NamesItsBackendAndModel) {
  EXPECT_EQ(summarizer_.Backend(), "extractive");
  EXPECT_EQ(summarizer_.Model(), "extractive-v2");
}

TEST_F(ExtractiveSummarizerTest, TopicTitlesAreNounPhrasesNamingTheSubject) {
  const TopicDraft budget = Describe(BudgetSection());
  const TopicDraft schedule = Describe(ScheduleSection());
  const TopicDraft hiring = Describe(HiringSection());
  EXPECT_EQ(budget.title, "Travel Budget");
  EXPECT_EQ(schedule.title, "Release Date");
  EXPECT_EQ(hiring.title, "Candidates for the Engineer Roles");
  for (const TopicDraft& topic : {budget, schedule, hiring})
    ExpectWellFormed(topic.title);
}

TEST_F(ExtractiveSummarizerTest, TopicSummaryQuotesAKeySentenceAndTheDecision) {
  const TopicDraft budget = Describe(BudgetSection());
  EXPECT_EQ(
      budget.summary,
      "Alice: \"Then we need to cut the travel budget and the marketing spend.\" Decided: we cut the travel "
      "budget by twenty percent and keep the marketing budget flat.");
  EXPECT_LE(CodePointCount(budget.summary), 300U);
}

TEST_F(ExtractiveSummarizerTest, ChunkWithoutContentWordsGetsAGenericTitle) {
  const std::vector<Word> chunk =
      TranscriptBuilder().Say(kAlice, "yeah okay").Say(kBob, "right so yes").words();
  const TopicDraft topic = Describe(chunk);
  EXPECT_EQ(topic.title, "General Discussion");
  EXPECT_EQ(topic.summary, "Alice: \"Yeah okay.\"");
}

TEST_F(ExtractiveSummarizerTest, UnknownSpeakersAreNumbered) {
  const std::vector<Word> chunk =
      TranscriptBuilder().Say(7, "the budget review is done. the budget review was fine.").words();
  Result<TopicDraft> topic = summarizer_.DescribeTopic(chunk, {}, {});
  ASSERT_TRUE(topic.ok());
  EXPECT_EQ(topic->title, "Budget Review");
  EXPECT_TRUE(topic->summary.starts_with("Speaker 7: \"The budget review")) << topic->summary;
}

TEST_F(ExtractiveSummarizerTest, MeetingTitleIsTheKeyPhraseRunningThroughTheTopics) {
  Result<std::string> title = summarizer_.Title(MeetingTopics(), {});
  ASSERT_TRUE(title.ok()) << title.error().Describe();
  EXPECT_EQ(*title, "Travel Budget");
  ExpectWellFormed(*title);

  const std::vector<TopicDraft> one = {{"Crash Reports", "Tom: \"The crash reports arrive every morning.\""}};
  EXPECT_EQ(summarizer_.Title(one, {}).value(), "Crash Reports");
  // A title from another backend is title-cased.
  const std::vector<TopicDraft> lower = {{"crash reports", ""}, {"crash reports", ""}};
  EXPECT_EQ(summarizer_.Title(lower, {}).value(), "Crash Reports");
}

TEST_F(ExtractiveSummarizerTest, RecapSaysWhoMetAboutWhatAndWhatTheyDecided) {
  const std::vector<Word> words = WholeMeeting();
  std::vector<TopicDraft> topics;
  for (const auto& chunk : SplitTopics(words))
    topics.push_back(Describe(chunk));
  Result<SummaryDraft> draft = summarizer_.Summarize(topics, words, kNames, {});
  ASSERT_TRUE(draft.ok()) << draft.error().Describe();
  EXPECT_EQ(
      draft->short_summary,
      "Alice, Bob and Carol met about Travel Budget. Decided: we cut the travel budget by twenty percent and "
      "keep the marketing budget flat; we move the release date to April first; we send offers to both "
      "candidates this week. Actions: Carol will tell the customers; Carol will send the offers and schedule "
      "the onboarding.");
  EXPECT_TRUE(
      draft->long_summary.starts_with("# Quick recap\n\n" + draft->short_summary + "\n\n# Summary\n\n**"));
  // Key sentences are quoted with their speakers; decisions are listed, not quoted again.
  EXPECT_NE(
      draft->long_summary.find(
          "**Travel Budget**\nBob: \"The marketing budget is already over by ten percent.\" Alice: \"Then we "
          "need to cut the travel budget and the marketing spend.\""),
      std::string::npos)
      << draft->long_summary;
  std::size_t mentions = 0;
  for (std::size_t at = draft->long_summary.find("by twenty percent"); at != std::string::npos;
       at = draft->long_summary.find("by twenty percent", at + 1)) {
    ++mentions;
  }
  EXPECT_EQ(mentions, 2U) << draft->long_summary;  // in the recap and in the subject's "Decided:"
}

TEST_F(ExtractiveSummarizerTest, LongSummaryHasAParagraphPerTopic) {
  const std::vector<Word> words = WholeMeeting();
  // Topics as the pipeline makes them for a longer meeting: each section its own topic.
  TopicSplitOptions options;
  options.min_topic_words = 30;
  const std::vector<TopicDraft> topics = MeetingTopics();
  Result<SummaryDraft> draft = summarizer_.Summarize(topics, words, kNames, {});
  ASSERT_TRUE(draft.ok());
  // The pipeline's split of these 250 words is one topic, not three: paragraphs come from the drafts.
  ASSERT_EQ(draft->subjects.size(), 3U);
  for (std::size_t i = 0; i < topics.size(); ++i) {
    EXPECT_EQ(draft->subjects[i], topics[i].title);
    EXPECT_NE(draft->long_summary.find("**" + topics[i].title + "**\n" + topics[i].summary),
              std::string::npos)
        << draft->long_summary;
  }
}

TEST_F(ExtractiveSummarizerTest, AtMostSixSubjects) {
  const std::vector<TopicDraft> topics = {
      {"Budget Travel", "s1"},  {"Lunch Order", "s2"},   {"Budget Marketing", "s3"},
      {"Parking Spaces", "s4"}, {"Hiring Plan", "s5"},   {"Budget Review", "s6"},
      {"Office Plants", "s7"},  {"Hiring Offers", "s8"}, {"Coffee Machine", "s9"},
  };
  Result<SummaryDraft> draft = summarizer_.Summarize(topics, {}, kNames, {});
  ASSERT_TRUE(draft.ok());
  EXPECT_EQ(draft->subjects, (std::vector<std::string>{"Budget Travel", "Lunch Order", "Budget Marketing",
                                                       "Parking Spaces", "Hiring Plan", "Budget Review"}));
  EXPECT_TRUE(draft->short_summary.starts_with(
      "The meeting covered Budget Travel, Lunch Order and Budget Marketing."))
      << draft->short_summary;
}

TEST_F(ExtractiveSummarizerTest, SameInputGivesTheSameOutput) {
  ExtractiveSummarizer other;
  const std::vector<Word> words = WholeMeeting();
  auto run = [&](Summarizer& summarizer) {
    std::vector<TopicDraft> topics;
    for (const auto& chunk : ChunkForTopics(words, 40, 100)) {
      topics.push_back(summarizer.DescribeTopic(chunk, kNames, {}).value());
    }
    const std::string title = summarizer.Title(topics, {}).value();
    const SummaryDraft draft = summarizer.Summarize(topics, words, kNames, {}).value();
    std::string all = title + "|" + draft.long_summary + "|" + draft.short_summary;
    for (const TopicDraft& topic : topics)
      all += "|" + topic.title + "|" + topic.summary;
    for (const std::string& subject : draft.subjects)
      all += "|" + subject;
    return all;
  };
  const std::string first = run(summarizer_);
  EXPECT_EQ(first, run(summarizer_));
  EXPECT_EQ(first, run(other));
  EXPECT_GT(first.size(), 200U);
}

TEST_F(ExtractiveSummarizerTest, EmptyInputGivesEmptyStrings) {
  const TopicDraft topic = Describe({});
  EXPECT_EQ(topic.title, "");
  EXPECT_EQ(topic.summary, "");

  EXPECT_EQ(summarizer_.Title({}, {}).value(), "");
  const std::vector<TopicDraft> untitled = {{"", "x"}, {" ' ", ""}};
  EXPECT_EQ(summarizer_.Title(untitled, {}).value(), "");

  for (const auto& words : {std::vector<Word>{}, WholeMeeting()}) {
    Result<SummaryDraft> draft = summarizer_.Summarize({}, words, kNames, {});
    ASSERT_TRUE(draft.ok());
    EXPECT_EQ(draft->long_summary, "");
    EXPECT_EQ(draft->short_summary, "");
    EXPECT_TRUE(draft->subjects.empty());
  }
}

TEST_F(ExtractiveSummarizerTest, NonAsciiWordsStayIntact) {
  const std::string cafe = "caf\xC3\xA9";                               // café
  const std::string zurich = "z\xC3\xBCrich";                           // zürich
  const std::string japanese = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E";  // 日本語
  TranscriptBuilder transcript;
  transcript.Say(kAlice, "the " + cafe + " in " + zurich + " opens at noon.")
      .Say(kBob, "which " + cafe + " is " + japanese + " " + japanese + "?")
      .Say(kCarol, zurich + " " + cafe + " " + japanese);
  std::string long_turn;
  for (int i = 0; i < 120; ++i)
    long_turn += "cr\xC3\xA8me na\xC3\xAFve " + japanese + " ";
  transcript.Say(kAlice, long_turn);
  const std::vector<Word> words = transcript.words();

  const TopicDraft topic = Describe(words);
  EXPECT_TRUE(IsValidUtf8(topic.title)) << topic.title;
  EXPECT_TRUE(IsValidUtf8(topic.summary)) << topic.summary;
  EXPECT_NE(topic.summary.find(cafe), std::string::npos) << topic.summary;
  EXPECT_LE(CodePointCount(topic.summary), 300U);

  const std::vector<TopicDraft> topics = {topic};
  const SpeakerNames names = {{kAlice, "Ren\xC3\xA9"}, {kBob, "\xC3\x89lodie"}};
  Result<SummaryDraft> draft = summarizer_.Summarize(topics, words, names, {});
  ASSERT_TRUE(draft.ok());
  EXPECT_TRUE(IsValidUtf8(draft->long_summary));
  EXPECT_TRUE(draft->short_summary.starts_with("Ren\xC3\xA9, \xC3\x89lodie and Speaker 2 met about "))
      << draft->short_summary;
  EXPECT_TRUE(IsValidUtf8(summarizer_.Title(topics, {}).value()));
}

TEST_F(ExtractiveSummarizerTest, StopRequestReturnsCancelled) {
  std::stop_source source;
  source.request_stop();
  const std::vector<Word> words = WholeMeeting();
  const std::vector<TopicDraft> topics = {{"Budget", "x"}};

  Result<TopicDraft> topic = summarizer_.DescribeTopic(words, kNames, source.get_token());
  ASSERT_FALSE(topic.ok());
  EXPECT_EQ(topic.error().kind, ErrorKind::kCancelled);

  Result<std::string> title = summarizer_.Title(topics, source.get_token());
  ASSERT_FALSE(title.ok());
  EXPECT_EQ(title.error().kind, ErrorKind::kCancelled);

  Result<SummaryDraft> draft = summarizer_.Summarize(topics, words, kNames, source.get_token());
  ASSERT_FALSE(draft.ok());
  EXPECT_EQ(draft.error().kind, ErrorKind::kCancelled);
  EXPECT_NE(draft.error().message.find("Summarize"), std::string::npos) << draft.error().message;
}

TEST_F(ExtractiveSummarizerTest, QuestionsAreQuotedAsQuestions) {
  const std::vector<Word> chunk = TranscriptBuilder()
                                      .Say(kAlice, "can you prepare the offer letter for the designer?")
                                      .Say(kBob, "the offer letter for the designer is almost ready.")
                                      .words();
  const TopicDraft topic = Describe(chunk);
  EXPECT_NE(topic.summary.find("\"Can you prepare the offer letter for the designer?\""), std::string::npos)
      << topic.summary;
}

TEST(ExtractiveSummarizerWithoutWordNet, FailsNamingTheFileAndThePackage) {
  ExtractiveOptions options;
  options.wordnet_dir = std::filesystem::temp_directory_path() / "reflector-no-wordnet";
  ExtractiveSummarizer summarizer(options);
  const std::vector<Word> words = TranscriptBuilder().Say(kAlice, "the budget is fine.").words();
  Result<TopicDraft> topic = summarizer.DescribeTopic(words, kNames, {});
  ASSERT_FALSE(topic.ok());
  EXPECT_EQ(topic.error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(topic.error().retryable);
  EXPECT_NE(topic.error().message.find("index.noun"), std::string::npos) << topic.error().message;
  EXPECT_NE(topic.error().message.find("wordnet-base"), std::string::npos) << topic.error().message;
  const std::vector<TopicDraft> topics = {{"Budget Review", ""}};
  EXPECT_FALSE(summarizer.Title(topics, {}).ok());
  EXPECT_FALSE(summarizer.Summarize(topics, words, kNames, {}).ok());
}

}  // namespace
}  // namespace reflector::llm
