// DailyRecordingClaims and DailyWebhookEvents, part of the repository suite (run on SQLite and
// PostgreSQL): one claim per recording however many callers race for it, the re-runs a failed
// transcript is due, and accepted webhook event ids.

#include <gmock/gmock.h>

#include <atomic>
#include <thread>
#include <vector>

#include "repository_suite.hpp"
#include "store/daily_recordings.hpp"
#include "store/sql.hpp"
#include "store/transcripts.hpp"

namespace reflector::store::testing {
namespace {

using namespace std::chrono_literals;

DailyRecordingClaim ClaimOf(std::string recording_id, std::string transcript_id) {
  DailyRecordingClaim claim;
  claim.recording_id = std::move(recording_id);
  claim.transcript_id = std::move(transcript_id);
  claim.room_name = "team-standup-20260312140512";
  claim.announced_by = "webhook";
  return claim;
}

std::vector<std::string> RecordingIds(const std::vector<DailyRecordingClaim>& claims) {
  std::vector<std::string> ids;
  for (const auto& claim : claims)
    ids.push_back(claim.recording_id);
  return ids;
}

}  // namespace

TEST_P(RepositoryTest, DailyRecordingIsClaimedOnce) {
  DailyRecordingClaims claims(*db_, clock_);
  ASSERT_OK_AND_ASSIGN(bool first, claims.Claim(ClaimOf("rec-1", "t-1")));
  EXPECT_TRUE(first);
  DailyRecordingClaim again = ClaimOf("rec-1", "t-2");
  again.announced_by = "poller";
  ASSERT_OK_AND_ASSIGN(bool second, claims.Claim(again));
  EXPECT_FALSE(second) << "the recording has its claim already";

  ASSERT_OK_AND_ASSIGN(std::optional<DailyRecordingClaim> stored, claims.Get("rec-1"));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->transcript_id, "t-1");
  EXPECT_EQ(stored->announced_by, "webhook");
  EXPECT_EQ(stored->room_name, "team-standup-20260312140512");
  EXPECT_EQ(stored->reprocess_attempts, 0);
  EXPECT_FALSE(stored->reprocess_due_at.has_value());
  EXPECT_DOUBLE_EQ(stored->created_at, sql::ToSeconds(clock_.Now()));
  ASSERT_OK_AND_ASSIGN(std::optional<DailyRecordingClaim> by_transcript, claims.FindByTranscript("t-1"));
  ASSERT_TRUE(by_transcript.has_value());
  EXPECT_EQ(by_transcript->recording_id, "rec-1");
  ASSERT_OK_AND_ASSIGN(std::optional<DailyRecordingClaim> none, claims.Get("rec-2"));
  EXPECT_FALSE(none.has_value());

  auto same_transcript = claims.Claim(ClaimOf("rec-2", "t-1"));
  ASSERT_FALSE(same_transcript.ok());
  EXPECT_EQ(same_transcript.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(claims.Claim(ClaimOf("", "t-3")).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(claims.Claim(ClaimOf("rec-3", "")).error().kind, ErrorKind::kInvalidInput);
}

// Callers racing on their own sessions, each in a transaction as the service claims: one wins.
TEST_P(RepositoryTest, DailyRecordingClaimGoesToExactlyOneOfTheCallersAtOnce) {
  constexpr int kCallers = 8;
  std::atomic<int> winners{0};
  std::atomic<int> failures{0};
  {
    std::vector<std::jthread> callers;
    for (int i = 0; i < kCallers; ++i) {
      callers.emplace_back([&, i] {
        Status status = db_->WithTransaction("claim in a race", [&](Session& session) -> Status {
          DailyRecordingClaims claims(session, clock_);
          REFLECTOR_ASSIGN_OR_RETURN(bool claimed,
                                     claims.Claim(ClaimOf("rec-race", "t-" + std::to_string(i))));
          if (claimed) ++winners;
          return Ok();
        });
        if (!status.ok()) {
          ++failures;
          ADD_FAILURE() << status.error().Describe();
        }
      });
    }
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(RepositoryTest, DailyRecordingsNeedingARerunAreFailedOrStalledOnes) {
  Transcripts transcripts(*db_, clock_);
  DailyRecordingClaims claims(*db_, clock_);
  auto add = [&](const std::string& n, TranscriptStatus status, bool with_workflow) {
    Transcript t;
    t.id = "t-" + n;
    ASSERT_OK(transcripts.Create(t));
    if (with_workflow) ASSERT_OK(transcripts.SetWorkflow(t.id, "wf-" + n, "in_process"));
    if (status == TranscriptStatus::kError)
      ASSERT_OK(transcripts.SetFailure(t.id, "pad_track", "no such key"));
    if (status != TranscriptStatus::kIdle) ASSERT_OK(transcripts.SetStatus(t.id, status));
    ASSERT_OK(claims.Claim(ClaimOf("rec-" + n, t.id)));
  };
  add("failed", TranscriptStatus::kError, true);
  add("ended", TranscriptStatus::kEnded, true);
  add("running", TranscriptStatus::kProcessing, true);
  add("stalled", TranscriptStatus::kIdle, false);
  clock_.Advance(10s);
  add("fresh", TranscriptStatus::kIdle, false);  // claimed just now: its start may be under way
  add("trashed", TranscriptStatus::kError, true);
  ASSERT_OK(transcripts.SoftDelete("t-trashed"));
  add("restarting", TranscriptStatus::kError, true);
  ASSERT_OK(transcripts.ResetForRerun("t-restarting"));  // a re-run is being started

  const double stalled_before = sql::ToSeconds(clock_.Now()) - 5;
  ASSERT_OK_AND_ASSIGN(auto due, claims.ListNeedingRerun(3, stalled_before));
  EXPECT_THAT(RecordingIds(due), ::testing::ElementsAre("rec-failed", "rec-stalled"));

  ASSERT_OK_AND_ASSIGN(bool taken, claims.TakeRerun("rec-failed", 0));
  EXPECT_TRUE(taken);
  ASSERT_OK_AND_ASSIGN(auto after_one, claims.ListNeedingRerun(1, stalled_before));
  EXPECT_THAT(RecordingIds(after_one), ::testing::ElementsAre("rec-stalled")) << "rec-failed used its one";
  ASSERT_OK_AND_ASSIGN(auto none, claims.ListNeedingRerun(0, stalled_before));
  EXPECT_TRUE(none.empty());
}

TEST_P(RepositoryTest, DailyRecordingRerunIsScheduledOnceAndTakenOnce) {
  DailyRecordingClaims claims(*db_, clock_);
  ASSERT_OK(claims.Claim(ClaimOf("rec-1", "t-1")));
  ASSERT_OK_AND_ASSIGN(double due, claims.ScheduleRerun("rec-1", 100));
  EXPECT_DOUBLE_EQ(due, 100);
  ASSERT_OK_AND_ASSIGN(double kept, claims.ScheduleRerun("rec-1", 200));
  EXPECT_DOUBLE_EQ(kept, 100) << "a scheduled re-run keeps its time";
  EXPECT_EQ(claims.ScheduleRerun("rec-9", 100).error().kind, ErrorKind::kNotFound);

  ASSERT_OK_AND_ASSIGN(bool stale, claims.TakeRerun("rec-1", 1));
  EXPECT_FALSE(stale) << "attempt 1 has not been made";
  ASSERT_OK_AND_ASSIGN(bool taken, claims.TakeRerun("rec-1", 0));
  EXPECT_TRUE(taken);
  ASSERT_OK_AND_ASSIGN(bool twice, claims.TakeRerun("rec-1", 0));
  EXPECT_FALSE(twice) << "another caller that saw 0 attempts loses";
  ASSERT_OK_AND_ASSIGN(std::optional<DailyRecordingClaim> stored, claims.Get("rec-1"));
  EXPECT_EQ(stored->reprocess_attempts, 1);
  EXPECT_FALSE(stored->reprocess_due_at.has_value()) << "the next failure gets a new time";
  ASSERT_OK_AND_ASSIGN(double next, claims.ScheduleRerun("rec-1", 300));
  EXPECT_DOUBLE_EQ(next, 300);
}

TEST_P(RepositoryTest, DailyRecordingRerunGoesToExactlyOneOfTheCallersAtOnce) {
  DailyRecordingClaims claims(*db_, clock_);
  ASSERT_OK(claims.Claim(ClaimOf("rec-1", "t-1")));
  std::atomic<int> winners{0};
  {
    std::vector<std::jthread> callers;
    for (int i = 0; i < 6; ++i) {
      callers.emplace_back([&] {
        DailyRecordingClaims mine(*db_, clock_);
        auto taken = mine.TakeRerun("rec-1", 0);
        if (!taken.ok()) ADD_FAILURE() << taken.error().Describe();
        if (taken.ok() && *taken) ++winners;
      });
    }
  }
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(RepositoryTest, DailyWebhookEventIsAcceptedOnceAndForgottenWhenOld) {
  DailyWebhookEvents events(*db_, clock_);
  ASSERT_OK_AND_ASSIGN(bool first, events.Accept("rec-rtd-1", "recording.ready-to-download"));
  EXPECT_TRUE(first);
  ASSERT_OK_AND_ASSIGN(bool replay, events.Accept("rec-rtd-1", "recording.ready-to-download"));
  EXPECT_FALSE(replay);
  ASSERT_OK_AND_ASSIGN(bool seen, events.Seen("rec-rtd-1"));
  EXPECT_TRUE(seen);

  ASSERT_OK(events.Forget("rec-rtd-1"));
  ASSERT_OK_AND_ASSIGN(bool after_forget, events.Accept("rec-rtd-1", "recording.ready-to-download"));
  EXPECT_TRUE(after_forget) << "a forgotten id is taken again";

  clock_.Advance(25h);
  ASSERT_OK(events.Accept("other", "participant.left"));  // prunes ids older than a day
  ASSERT_OK_AND_ASSIGN(bool old, events.Seen("rec-rtd-1"));
  EXPECT_FALSE(old);
  EXPECT_EQ(events.Accept("", "x").error().kind, ErrorKind::kInvalidInput);
}

}  // namespace reflector::store::testing
