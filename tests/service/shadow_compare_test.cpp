// The comparison figures of a primary and a shadow run, by hand-built inputs.

#include "service/shadow_compare.hpp"

#include <gtest/gtest.h>

#include <random>

namespace reflector::service {
namespace {

std::vector<ComparedWord> Words(std::initializer_list<const char*> texts, int speaker = 0) {
  std::vector<ComparedWord> words;
  for (const char* text : texts)
    words.push_back({text, speaker});
  return words;
}

// The textbook O(n*m) edit distance, to check the linear-memory alignment against.
std::size_t Distance(const std::vector<int>& a, const std::vector<int>& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j)
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
  }
  return d[a.size()][b.size()];
}

TEST(ShadowCompareTest, IdenticalWordsHaveNoErrorAndFullSpeakerAgreement) {
  auto words = Words({"Good", "morning,", "everyone."});
  WordFigures same = CompareWords(words, words);
  EXPECT_EQ(same.word_error_rate, 0.0);
  EXPECT_EQ(same.speaker_agreement, 1.0);
  EXPECT_EQ(same.matched, 3U);
  EXPECT_EQ(same.primary_count, 3U);
  // Case and surrounding punctuation do not count as errors.
  WordFigures normalised = CompareWords(words, Words({"good", "Morning", "everyone"}));
  EXPECT_EQ(normalised.word_error_rate, 0.0);
  WordFigures empty = CompareWords({}, {});
  EXPECT_EQ(empty.word_error_rate, 0.0);
  EXPECT_EQ(empty.speaker_agreement, 1.0);
}

TEST(ShadowCompareTest, SubstitutionsDeletionsAndInsertionsOverThePrimarysWordCount) {
  WordFigures f = CompareWords(Words({"the", "cat", "sat", "on", "the", "mat"}),
                               Words({"the", "bat", "sat", "the", "mat", "today"}));
  EXPECT_EQ(f.substitutions, 1U);  // cat -> bat
  EXPECT_EQ(f.deletions, 1U);      // on
  EXPECT_EQ(f.insertions, 1U);     // today
  EXPECT_DOUBLE_EQ(f.word_error_rate, 3.0 / 6.0);
  EXPECT_EQ(f.matched, 4U);
  WordFigures none = CompareWords({}, Words({"hello"}));
  EXPECT_EQ(none.word_error_rate, 1.0);
  EXPECT_EQ(none.speaker_agreement, 0.0);
  WordFigures all_gone = CompareWords(Words({"a", "b"}), {});
  EXPECT_EQ(all_gone.deletions, 2U);
  EXPECT_EQ(all_gone.word_error_rate, 1.0);
}

TEST(ShadowCompareTest, SpeakerAgreementCountsMatchedWordsWithTheSameSpeaker) {
  std::vector<ComparedWord> primary = {{"we", 0}, {"need", 0}, {"boxes", 1}, {"today", 1}};
  std::vector<ComparedWord> shadow = {{"we", 0}, {"need", 1}, {"boxes", 1}, {"today", 1}};
  WordFigures f = CompareWords(primary, shadow);
  EXPECT_EQ(f.word_error_rate, 0.0) << "the words agree";
  EXPECT_DOUBLE_EQ(f.speaker_agreement, 0.75) << "one of four is attributed to another speaker";
}

TEST(ShadowCompareTest, TheAlignmentIsOptimalOnRandomSequences) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::uniform_int_distribution<int> length(0, 30);
    std::uniform_int_distribution<int> token(0, 3);
    std::vector<int> a(length(random));
    std::vector<int> b(length(random));
    std::vector<ComparedWord> wa;
    std::vector<ComparedWord> wb;
    for (int& t : a) {
      t = token(random);
      wa.push_back({"w" + std::to_string(t), 0});
    }
    for (int& t : b) {
      t = token(random);
      wb.push_back({"w" + std::to_string(t), 0});
    }
    WordFigures f = CompareWords(wa, wb);
    ASSERT_EQ(f.substitutions + f.deletions + f.insertions, Distance(a, b)) << "round " << round;
    ASSERT_EQ(a.size() - f.deletions - f.substitutions, f.matched) << "round " << round;
    ASSERT_EQ(b.size() - f.insertions - f.substitutions, f.matched) << "round " << round;
  }
}

TEST(ShadowCompareTest, TextSimilarityIsOneMinusTheWordDistanceOverTheLongerText) {
  EXPECT_TRUE(CompareText("Budget review", "Budget review").equal);
  EXPECT_EQ(CompareText("Budget review", "Budget review").similarity, 1.0);
  TextFigure close = CompareText("The budget review of May", "The budget review in May");
  EXPECT_FALSE(close.equal);
  EXPECT_DOUBLE_EQ(close.similarity, 0.8);
  EXPECT_EQ(CompareText("", "").similarity, 1.0);
  EXPECT_EQ(CompareText("", "something").similarity, 0.0);
}

RunFacts Facts(const std::string& engine) {
  RunFacts facts;
  facts.engine = engine;
  facts.workflow_status = "COMPLETED";
  facts.transcript_status = "ended";
  facts.title = "Warehouse inventory";
  facts.short_summary = "Boxes are short.";
  facts.long_summary = "The team needs more boxes before the holidays.";
  facts.topic_titles = {"Inventory", "Boxes"};
  facts.words = Words({"we", "need", "more", "boxes"});
  facts.duration = 10.0;
  facts.steps = {{"get_recording", 0.1}, {"pad_track", 1.5}};
  return facts;
}

TEST(ShadowCompareTest, RunsThatAgreeAndRunsThatDoNot) {
  ShadowComparison same = CompareRuns(Facts("in_process"), Facts("conductor"));
  EXPECT_TRUE(same.agreed);
  EXPECT_TRUE(same.differences.empty());
  Json json = same.ToJson();
  EXPECT_EQ(json["agreed"], true);
  EXPECT_EQ(json["topics"]["primary_count"], 2);
  EXPECT_EQ(json["words"]["primary_count"], 4);
  EXPECT_EQ(json["duration"]["difference"], 0.0);
  EXPECT_EQ(json["steps"][1],
            (Json{{"step", "pad_track"}, {"primary_seconds", 1.5}, {"shadow_seconds", 1.5}}));

  RunFacts other = Facts("conductor");
  other.duration = 10.04;  // within the 0.05 s tolerance
  other.steps = {{"get_recording", 0.2}, {"post_zulip", 0.3}};
  EXPECT_TRUE(CompareRuns(Facts("in_process"), other).agreed);
  Json steps = CompareRuns(Facts("in_process"), other).ToJson()["steps"];
  ASSERT_EQ(steps.size(), 3U);
  EXPECT_TRUE(steps[1]["shadow_seconds"].is_null()) << steps.dump();
  EXPECT_EQ(steps[2]["step"], "post_zulip");

  other.duration = 11.0;
  other.topic_titles = {"Inventory"};
  other.workflow_status = "FAILED";
  ShadowComparison differ = CompareRuns(Facts("in_process"), other);
  EXPECT_FALSE(differ.agreed);
  EXPECT_EQ(differ.differences, (std::vector<std::string>{"shadow workflow FAILED", "topics", "duration"}));
}

TEST(ShadowCompareTest, FactsComeFromTheTranscriptAndTheWorkflowsTaskRuns) {
  store::Transcript transcript;
  transcript.status = store::TranscriptStatus::kEnded;
  transcript.title = "Budget";
  transcript.duration = 3.5;
  transcript.topics =
      Json::parse(R"([{"title":"One","words":[{"text":"a","speaker":0},{"text":"b","speaker":1}]},
                                      {"title":"Two","words":[{"text":"c","speaker":1}]}])");
  engine::WorkflowSnapshot workflow;
  workflow.workflow.id = "wf-1";
  workflow.workflow.status = engine::WorkflowStatus::kCompleted;
  const WallTime t0 = WallTime{} + std::chrono::hours(1000);
  workflow.workflow.create_time = t0;
  workflow.workflow.end_time = t0 + std::chrono::seconds(9);
  auto task = [&](std::string name, std::string type, int start, int end) {
    engine::TaskRun run;
    run.task_name = std::move(name);
    run.task_type = std::move(type);
    run.start_time = t0 + std::chrono::seconds(start);
    run.end_time = t0 + std::chrono::seconds(end);
    return run;
  };
  // Two forked pads (one retried) span 1 s to 5 s; the JOIN is not a step.
  workflow.tasks = {task("get_recording", "SIMPLE", 0, 1), task("pad_track", "SIMPLE", 1, 3),
                    task("pad_track", "SIMPLE", 1, 4), task("pad_track", "SIMPLE", 4, 5),
                    task("join_padding", "JOIN", 5, 5)};
  RunFacts facts = FactsOf(transcript, workflow, "in_process");
  EXPECT_EQ(facts.workflow_status, "COMPLETED");
  EXPECT_EQ(facts.transcript_status, "ended");
  EXPECT_EQ(facts.topic_titles, (std::vector<std::string>{"One", "Two"}));
  ASSERT_EQ(facts.words.size(), 3U);
  EXPECT_EQ(facts.words[2].text, "c");
  EXPECT_EQ(facts.words[2].speaker, 1);
  EXPECT_EQ(facts.run_seconds, 9.0);
  EXPECT_EQ(facts.steps,
            (std::vector<std::pair<std::string, double>>{{"get_recording", 1.0}, {"pad_track", 4.0}}));
}

}  // namespace
}  // namespace reflector::service
