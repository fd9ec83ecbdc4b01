#include "llm/extractive/extractive_summarizer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "llm/extractive/salience.hpp"
#include "llm/text.hpp"

namespace reflector::llm {
namespace {

constexpr int kAlice = 0;
constexpr int kBob = 1;
constexpr int kCarol = 2;

// Builds a transcript turn by turn: words 0.3 s apart, turns 1 s apart.
class Transcript {
 public:
  Transcript& Say(int speaker, std::string_view text) {
    for (std::string_view word : SplitWords(text)) {
      words_.push_back(Word{std::string(word), clock_, clock_ + 0.25, speaker});
      clock_ += 0.3;
    }
    clock_ += 1.0;
    return *this;
  }
  const std::vector<Word>& words() const { return words_; }

 private:
  std::vector<Word> words_;
  double clock_ = 0;
};

std::vector<Word> BudgetSection() {
  return Transcript()
      .Say(kAlice, "okay everyone let's start with the budget for the next quarter")
      .Say(kBob, "the marketing budget is already over by ten percent")
      .Say(kAlice, "then we need to cut the travel budget and the marketing spend")
      .Say(kCarol, "i agree the travel budget can go down but marketing needs the spend for the launch")
      .Say(kBob, "fine we cut travel by twenty percent and keep marketing spend flat")
      .words();
}

std::vector<Word> ScheduleSection() {
  return Transcript()
      .Say(kCarol, "next the launch schedule the release date is march fifteenth")
      .Say(kAlice, "can engineering hit the march release date")
      .Say(kBob, "the schedule is tight we need two more weeks of testing")
      .Say(kCarol, "then we move the release date to april first and tell the customers")
      .Say(kAlice, "agreed the release moves to april")
      .words();
}

std::vector<Word> HiringSection() {
  return Transcript()
      .Say(kBob, "last item hiring we have budget for two engineers")
      .Say(kCarol, "we interviewed five candidates for the engineer roles")
      .Say(kAlice, "the two strongest candidates both know the backend well")
      .Say(kBob, "let's send offers to both candidates this week")
      .Say(kCarol, "i will send the offers and schedule the onboarding")
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
    std::size_t length = 0;
    if (lead < 0x80) {
      length = 1;
    } else if ((lead & 0xE0U) == 0xC0U) {
      length = 2;
    } else if ((lead & 0xF0U) == 0xE0U) {
      length = 3;
    } else if ((lead & 0xF8U) == 0xF0U) {
      length = 4;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) return false;
    }
    i += length;
  }
  return true;
}

std::size_t Occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

// Every word of `title` is a content word, apart from the list joiner "and".
void ExpectOnlyContentWords(std::string_view title) {
  for (std::string_view word : SplitWords(title)) {
    std::string term;
    NormalizeTerm(word, term);
    if (term == "and") continue;
    EXPECT_TRUE(IsContentTerm(term)) << "'" << word << "' in '" << title << "'";
  }
}

class ExtractiveSummarizerTest : public ::testing::Test {
 protected:
  TopicDraft Describe(std::span<const Word> chunk) {
    Result<TopicDraft> topic = summarizer_.DescribeTopic(chunk, kNames, {});
    EXPECT_TRUE(topic.ok()) << topic.error().Describe();
    return topic.ok() ? *topic : TopicDraft{};
  }
  std::vector<TopicDraft> MeetingTopics() {
    return {Describe(BudgetSection()), Describe(ScheduleSection()), Describe(HiringSection())};
  }

  ExtractiveSummarizer summarizer_;
};

TEST_F(ExtractiveSummarizerTest, NamesItsBackendAndModel) {
  EXPECT_EQ(summarizer_.Backend(), "extractive");
  EXPECT_EQ(summarizer_.Model(), "extractive-v1");
}

TEST_F(ExtractiveSummarizerTest, TopicOfASmallExchangeIsExact) {
  const std::vector<Word> chunk = Transcript()
                                      .Say(kAlice, "we should cut the travel budget")
                                      .Say(kBob, "yes cut travel")
                                      .Say(kCarol, "lunch was nice")
                                      .words();
  // "cut" and "travel": twice each by two speakers; "budget" and "lunch" once. Bob's turn is the
  // densest; Alice's is the best turn of another speaker. Both fit whole, in spoken order.
  const TopicDraft topic = Describe(chunk);
  EXPECT_EQ(topic.title, "Cut Travel");
  EXPECT_EQ(topic.summary, "Alice said \"we should cut the travel budget\". Bob said \"yes cut travel\".");
}

TEST_F(ExtractiveSummarizerTest, TopicTitlesNameTheSalientWordsInSpokenOrder) {
  const TopicDraft budget = Describe(BudgetSection());
  EXPECT_EQ(budget.title, "Budget Marketing Travel Spend");
  const TopicDraft schedule = Describe(ScheduleSection());
  EXPECT_EQ(schedule.title, "Release Date March April");
  const TopicDraft hiring = Describe(HiringSection());
  EXPECT_NE(hiring.title.find("Candidates"), std::string::npos) << hiring.title;
  for (const TopicDraft& topic : {budget, schedule, hiring}) {
    const std::size_t words = SplitWords(topic.title).size();
    EXPECT_GE(words, 2U) << topic.title;
    EXPECT_LE(words, 4U) << topic.title;
    ExpectOnlyContentWords(topic.title);
    EXPECT_EQ(topic.title, CleanTitle(topic.title));
  }
}

TEST_F(ExtractiveSummarizerTest, TopicSummaryQuotesAtMostTwoTurnsWithinTheCap) {
  for (const auto& section : {BudgetSection(), ScheduleSection(), HiringSection()}) {
    const TopicDraft topic = Describe(section);
    EXPECT_LE(CodePointCount(topic.summary), 300U) << topic.summary;
    const std::size_t sentences = Occurrences(topic.summary, "\".");
    EXPECT_GE(sentences, 1U) << topic.summary;
    EXPECT_LE(sentences, 2U) << topic.summary;
    EXPECT_TRUE(topic.summary.starts_with("Alice said \"") || topic.summary.starts_with("Bob said \"") ||
                topic.summary.starts_with("Carol said \""))
        << topic.summary;
  }
  // The budget section's densest turn mentions the budget.
  EXPECT_NE(Describe(BudgetSection()).summary.find("budget"), std::string::npos);
}

TEST_F(ExtractiveSummarizerTest, LongTurnsAreQuotedByTheirDensestExcerpt) {
  Transcript transcript;
  std::string filler;
  for (int i = 0; i < 60; ++i)
    filler += "and then we went over some other stuff again ";
  transcript.Say(kAlice, filler + "the hiring plan needs two hiring managers for hiring " + filler);
  const TopicDraft topic = Describe(transcript.words());
  // "hiring" is said three times; "managers" is the best of the words said once.
  EXPECT_EQ(topic.title, "Hiring Managers");
  EXPECT_LE(CodePointCount(topic.summary), 300U);
  EXPECT_EQ(Occurrences(topic.summary, "\"."), 1U) << topic.summary;  // one speaker: one quote
  EXPECT_NE(topic.summary.find("the hiring plan needs two hiring managers for hiring"), std::string::npos)
      << topic.summary;
  EXPECT_TRUE(topic.summary.starts_with("Alice said \"\u2026")) << topic.summary;
  EXPECT_TRUE(topic.summary.ends_with("\u2026\".")) << topic.summary;
}

TEST_F(ExtractiveSummarizerTest, ChunkWithoutContentWordsGetsAGenericTitle) {
  const std::vector<Word> chunk = Transcript().Say(kAlice, "yeah okay").Say(kBob, "right so yes").words();
  const TopicDraft topic = Describe(chunk);
  EXPECT_EQ(topic.title, "General Discussion");
  EXPECT_EQ(topic.summary, "Alice said \"yeah okay\".");
}

TEST_F(ExtractiveSummarizerTest, UnknownSpeakersAreNumbered) {
  const std::vector<Word> chunk = Transcript().Say(7, "budget budget review").words();
  Result<TopicDraft> topic = summarizer_.DescribeTopic(chunk, {}, {});
  ASSERT_TRUE(topic.ok());
  EXPECT_EQ(topic->title, "Budget Review");
  EXPECT_EQ(topic->summary, "Speaker 7 said \"budget budget review\".");
}

TEST_F(ExtractiveSummarizerTest, MeetingTitleCombinesTopicTitles) {
  Result<std::string> title = summarizer_.Title(MeetingTopics(), {});
  ASSERT_TRUE(title.ok()) << title.error().Describe();
  // No title shares a word with another, so the earliest ones that fit in 10 words are kept.
  EXPECT_EQ(*title, "Budget Marketing Travel Spend and Release Date March April");
  EXPECT_LE(SplitWords(*title).size(), kMaxTitleWords);
  ExpectOnlyContentWords(*title);
}

TEST_F(ExtractiveSummarizerTest, MeetingTitlePrefersSharedThemesAndStaysInTimelineOrder) {
  const std::vector<TopicDraft> topics = {
      {"Lunch Order", ""},   {"Budget Travel", ""}, {"Office Plants", ""}, {"Budget Marketing", ""}, {"", ""},
      {"Hiring Budget", ""}, {"travel budget", ""},  // the same subject as "Budget Travel": named once
  };
  Result<std::string> title = summarizer_.Title(topics, {});
  ASSERT_TRUE(title.ok());
  EXPECT_EQ(*title, "Budget Travel, Budget Marketing and Hiring Budget");

  // A single very long title is cut to 10 words.
  const std::vector<TopicDraft> long_title = {
      {"one two three four five six seven eight nine ten eleven twelve", ""}};
  EXPECT_EQ(summarizer_.Title(long_title, {}).value(), "One two Three Four Five six Seven Eight Nine ten");
}

TEST_F(ExtractiveSummarizerTest, SummaryMarkdownLayoutIsExact) {
  const std::vector<TopicDraft> topics = {
      {"Budget Cuts", "Alice said \"cut travel\"."},
      {"Launch Schedule", "Bob said \"april\"."},
      {"cuts to the budget", "Carol said \"agreed\"."},  // the same content words: one subject
  };
  const std::vector<Word> words =
      Transcript().Say(kAlice, "cut travel").Say(kBob, "april").Say(kCarol, "ok").words();
  const SpeakerNames names = {{kAlice, "Alice"}, {kBob, "Bob"}};  // Carol's name is unknown
  Result<SummaryDraft> draft = summarizer_.Summarize(topics, words, names, {});
  ASSERT_TRUE(draft.ok()) << draft.error().Describe();
  const std::string recap =
      "Alice, Bob and Speaker 2 talked about Budget Cuts and Launch Schedule. Alice spoke the most, 50% of "
      "the "
      "words.";
  EXPECT_EQ(draft->short_summary, recap);
  EXPECT_EQ(draft->long_summary, "# Quick recap\n\n" + recap +
                                     "\n\n# Summary\n\n"
                                     "**Budget Cuts**\nAlice said \"cut travel\". Carol said \"agreed\".\n\n"
                                     "**Launch Schedule**\nBob said \"april\".\n");
  EXPECT_EQ(draft->subjects, (std::vector<std::string>{"Budget Cuts", "Launch Schedule"}));
  EXPECT_FALSE(draft->short_summary.starts_with("During the meeting"));
}

TEST_F(ExtractiveSummarizerTest, SummaryOfTheMeetingNamesParticipantsAndSubjects) {
  const std::vector<TopicDraft> topics = MeetingTopics();
  Result<SummaryDraft> draft = summarizer_.Summarize(topics, WholeMeeting(), kNames, {});
  ASSERT_TRUE(draft.ok()) << draft.error().Describe();
  ASSERT_EQ(draft->subjects.size(), 3U);
  for (std::size_t i = 0; i < topics.size(); ++i) {
    EXPECT_EQ(draft->subjects[i], topics[i].title);
    EXPECT_NE(draft->long_summary.find("**" + topics[i].title + "**\n" + topics[i].summary + "\n"),
              std::string::npos);
  }
  EXPECT_TRUE(
      draft->short_summary.starts_with("Alice, Bob and Carol talked about Budget Marketing Travel Spend, "))
      << draft->short_summary;
  EXPECT_TRUE(
      draft->long_summary.starts_with("# Quick recap\n\n" + draft->short_summary + "\n\n# Summary\n\n**"));
  EXPECT_TRUE(draft->long_summary.ends_with(".\n"));
}

TEST_F(ExtractiveSummarizerTest, AtMostSixSubjectsTheMostSharedInTimelineOrder) {
  const std::vector<TopicDraft> topics = {
      {"Budget Travel", "s1"},  {"Lunch Order", "s2"},   {"Budget Marketing", "s3"},
      {"Parking Spaces", "s4"}, {"Hiring Plan", "s5"},   {"Budget Review", "s6"},
      {"Office Plants", "s7"},  {"Hiring Offers", "s8"}, {"Coffee Machine", "s9"},
  };
  Result<SummaryDraft> draft = summarizer_.Summarize(topics, {}, kNames, {});
  ASSERT_TRUE(draft.ok());
  EXPECT_EQ(draft->subjects, (std::vector<std::string>{"Budget Travel", "Lunch Order", "Budget Marketing",
                                                       "Hiring Plan", "Budget Review", "Hiring Offers"}));
  EXPECT_EQ(draft->long_summary.find("Parking Spaces"), std::string::npos);
  EXPECT_TRUE(draft->short_summary.starts_with("The meeting covered Budget Travel, Lunch Order, "))
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
  Transcript transcript;
  transcript.Say(kAlice, "the " + cafe + " in " + zurich + " opens")
      .Say(kBob, "which " + cafe + " " + japanese + " " + japanese)
      .Say(kCarol, zurich + " " + cafe + " " + japanese);
  std::string long_turn;
  for (int i = 0; i < 120; ++i)
    long_turn += "cr\xC3\xA8me na\xC3\xAFve " + japanese + " ";
  transcript.Say(kAlice, long_turn);
  const std::vector<Word> words = transcript.words();

  const TopicDraft topic = Describe(words);
  EXPECT_TRUE(IsValidUtf8(topic.title)) << topic.title;
  EXPECT_TRUE(IsValidUtf8(topic.summary)) << topic.summary;
  EXPECT_NE(topic.title.find(japanese), std::string::npos) << topic.title;
  EXPECT_NE(topic.title.find("Caf\xC3\xA9"), std::string::npos) << topic.title;
  EXPECT_LE(CodePointCount(topic.summary), 300U);

  const std::vector<TopicDraft> topics = {topic};
  const SpeakerNames names = {{kAlice, "Ren\xC3\xA9"}, {kBob, "\xC3\x89lodie"}};
  Result<SummaryDraft> draft = summarizer_.Summarize(topics, words, names, {});
  ASSERT_TRUE(draft.ok());
  EXPECT_TRUE(IsValidUtf8(draft->long_summary));
  EXPECT_TRUE(draft->short_summary.starts_with("Ren\xC3\xA9, \xC3\x89lodie and Speaker 2 talked about "))
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

}  // namespace
}  // namespace reflector::llm
