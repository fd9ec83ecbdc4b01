// The ShadowRuns repository and the hiding of shadow transcripts, part of the repository suite
// (run on SQLite and PostgreSQL).

#include <gmock/gmock.h>

#include "repository_suite.hpp"
#include "store/shadow_runs.hpp"
#include "store/transcripts.hpp"

namespace reflector::store::testing {
namespace {

using namespace std::chrono_literals;

template <typename T>
std::optional<ErrorKind> KindOf(const Result<T>& result) {
  if (result.ok()) return std::nullopt;
  return result.error().kind;
}

Transcript Named(std::string id, std::string title) {
  Transcript t;
  t.id = std::move(id);
  t.name = "standup";
  t.title = std::move(title);
  t.user_id = "ann";
  t.webvtt = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Speaker0>budget numbers\n";
  return t;
}

ShadowRun RunOf(std::string id, std::string recording, std::string primary, std::string shadow) {
  ShadowRun run;
  run.id = std::move(id);
  run.recording_id = std::move(recording);
  run.primary_transcript_id = std::move(primary);
  run.primary_workflow_id = "wf-primary";
  run.primary_engine = "in_process";
  run.shadow_transcript_id = std::move(shadow);
  run.shadow_engine = "conductor";
  return run;
}

class ShadowRunsFixture {
 public:
  // Two transcripts (primary and shadow) and the run linking them.
  static void Make(Database& db, ManualClock& clock, const std::string& suffix) {
    Transcripts transcripts(db, clock);
    ASSERT_TRUE(transcripts.Create(Named("p" + suffix, "Budget")).ok());
    ASSERT_TRUE(transcripts.Create(Named("s" + suffix, "Budget")).ok());
    ShadowRuns runs(db, clock);
    ASSERT_TRUE(runs.Create(RunOf("r" + suffix, "rec" + suffix, "p" + suffix, "s" + suffix)).ok());
  }
};

}  // namespace

TEST_P(RepositoryTest, ShadowRunGoesFromStartingToRunningToComparedOnce) {
  ShadowRunsFixture::Make(*db_, clock_, "1");
  ShadowRuns runs(*db_, clock_);
  ASSERT_OK_AND_ASSIGN(ShadowRun created, runs.Get("r1"));
  EXPECT_EQ(created.status, kShadowStarting);
  EXPECT_FALSE(created.shadow_workflow_id.has_value());
  EXPECT_FALSE(created.comparison.has_value());

  ASSERT_OK_AND_ASSIGN(bool too_early, runs.SetCompared("r1", Json{{"a", 1}}, true));
  EXPECT_FALSE(too_early) << "only a running shadow is compared";
  ASSERT_OK(runs.SetStarted("r1", "wf-shadow"));
  ASSERT_OK_AND_ASSIGN(std::vector<ShadowRun> running, runs.ListRunning(10));
  ASSERT_EQ(running.size(), 1U);
  EXPECT_EQ(running[0].shadow_workflow_id, "wf-shadow");

  clock_.Advance(5s);
  ASSERT_OK_AND_ASSIGN(bool first, runs.SetCompared("r1", Json{{"word_error_rate", 0.0}}, true));
  EXPECT_TRUE(first);
  ASSERT_OK_AND_ASSIGN(bool second, runs.SetCompared("r1", Json{{"word_error_rate", 1.0}}, false));
  EXPECT_FALSE(second) << "a second process does not overwrite the stored comparison";
  ASSERT_OK_AND_ASSIGN(ShadowRun compared, runs.Get("r1"));
  EXPECT_EQ(compared.status, kShadowCompared);
  EXPECT_EQ(compared.agreed, true);
  ASSERT_TRUE(compared.comparison.has_value());
  EXPECT_EQ((*compared.comparison)["word_error_rate"], 0.0);
  ASSERT_TRUE(compared.compared_at.has_value());
  EXPECT_DOUBLE_EQ(*compared.compared_at - compared.created_at, 5.0);
  ASSERT_OK_AND_ASSIGN(running, runs.ListRunning(10));
  EXPECT_TRUE(running.empty());
  EXPECT_EQ(KindOf(runs.Get("nope")), ErrorKind::kNotFound);
  EXPECT_EQ(runs.SetStarted("nope", "x").error().kind, ErrorKind::kNotFound);
}

TEST_P(RepositoryTest, ShadowRunStartFailureKeepsTheError) {
  ShadowRunsFixture::Make(*db_, clock_, "1");
  ShadowRuns runs(*db_, clock_);
  ASSERT_OK(runs.SetStartFailed("r1", "Conductor at http://x is not available"));
  ASSERT_OK_AND_ASSIGN(ShadowRun failed, runs.Get("r1"));
  EXPECT_EQ(failed.status, kShadowStartFailed);
  EXPECT_EQ(failed.error, "Conductor at http://x is not available");
  ASSERT_OK_AND_ASSIGN(std::vector<ShadowRun> running, runs.ListRunning(0));
  EXPECT_TRUE(running.empty());
}

TEST_P(RepositoryTest, ShadowRunsAreFoundByRecordingAndPrimaryNewestFirst) {
  ShadowRunsFixture::Make(*db_, clock_, "1");
  clock_.Advance(1s);
  Transcripts transcripts(*db_, clock_);
  ASSERT_OK(transcripts.Create(Named("s1b", "Budget")));
  ShadowRuns runs(*db_, clock_);
  ShadowRun rerun = RunOf("r1b", "rec1", "p1", "s1b");  // the same recording processed again
  ASSERT_OK(runs.Create(rerun));
  clock_.Advance(1s);
  ShadowRunsFixture::Make(*db_, clock_, "2");

  ASSERT_OK_AND_ASSIGN(std::optional<ShadowRun> latest, runs.LatestOfRecording("rec1"));
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->id, "r1b");
  ASSERT_OK_AND_ASSIGN(latest, runs.LatestOfPrimary("p2"));
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->id, "r2");
  ASSERT_OK_AND_ASSIGN(latest, runs.LatestOfRecording("unknown"));
  EXPECT_FALSE(latest.has_value());
  ASSERT_OK_AND_ASSIGN(std::vector<ShadowRun> recent, runs.ListRecent(0));
  ASSERT_EQ(recent.size(), 3U);
  EXPECT_EQ(recent[0].id, "r2");
  EXPECT_EQ(recent[2].id, "r1");
  ASSERT_OK_AND_ASSIGN(recent, runs.ListRecent(1));
  EXPECT_EQ(recent.size(), 1U);

  EXPECT_EQ(KindOf(runs.Create(RunOf("r3", "rec3", "p1", "s1"))), ErrorKind::kConflict)
      << "a transcript is the shadow of one run";
  EXPECT_EQ(KindOf(runs.Create(RunOf("r4", "rec4", "p1", "missing"))), ErrorKind::kConflict);
}

TEST_P(RepositoryTest, ShadowTranscriptsAreLeftOutOfListsAndSearch) {
  ShadowRunsFixture::Make(*db_, clock_, "1");
  Transcripts transcripts(*db_, clock_);
  ShadowRuns runs(*db_, clock_);
  ASSERT_OK_AND_ASSIGN(bool shadow, runs.IsShadowTranscript("s1"));
  EXPECT_TRUE(shadow);
  ASSERT_OK_AND_ASSIGN(bool primary, runs.IsShadowTranscript("p1"));
  EXPECT_FALSE(primary);

  ASSERT_OK_AND_ASSIGN(std::vector<Transcript> listed, transcripts.List());
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0].id, "p1");
  TranscriptQuery query;
  ASSERT_OK_AND_ASSIGN(TranscriptPage page, transcripts.Query(query));
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.items[0].id, "p1");
  query.search_term = "budget";
  ASSERT_OK_AND_ASSIGN(page, transcripts.Query(query));
  EXPECT_EQ(page.total, 1);
  TranscriptSearch search;
  search.q = "budget numbers";
  ASSERT_OK_AND_ASSIGN(SearchResults found, transcripts.Search(search));
  ASSERT_EQ(found.total, 1);
  EXPECT_EQ(found.results[0].transcript.id, "p1");
  // Still readable by id (for whoever may read the primary).
  ASSERT_OK_AND_ASSIGN(Transcript hidden, transcripts.Get("s1"));
  EXPECT_EQ(hidden.title, "Budget");
}

TEST_P(RepositoryTest, DeletingThePrimaryForGoodDeletesItsShadowTranscripts) {
  ShadowRunsFixture::Make(*db_, clock_, "1");
  ShadowRunsFixture::Make(*db_, clock_, "2");
  Transcripts transcripts(*db_, clock_);
  ShadowRuns runs(*db_, clock_);
  ASSERT_OK(transcripts.Remove("p1"));
  EXPECT_EQ(KindOf(transcripts.Get("s1")), ErrorKind::kNotFound);
  EXPECT_EQ(KindOf(runs.Get("r1")), ErrorKind::kNotFound);

  EXPECT_FALSE(transcripts.Destroy("p2").ok()) << "not in the trash";
  EXPECT_TRUE(transcripts.Get("s2").ok()) << "a refused destroy keeps the shadow";
  ASSERT_OK(transcripts.SoftDelete("p2"));
  EXPECT_TRUE(transcripts.Get("s2").ok()) << "the trash keeps the shadow";
  ASSERT_OK(transcripts.Destroy("p2"));
  EXPECT_EQ(KindOf(transcripts.Get("s2")), ErrorKind::kNotFound);
  EXPECT_EQ(KindOf(runs.Get("r2")), ErrorKind::kNotFound);
}

}  // namespace reflector::store::testing
