// Reading, retrying and terminating a run through the Engine seam (a scripted engine) and what
// that records on its transcript (SQLite).

#include "service/run_control.hpp"

#include <gtest/gtest.h>

#include "fakes/engine_fake.hpp"
#include "store/database.hpp"
#include "store/transcripts.hpp"
#include "support/temp_dir.hpp"

namespace reflector::service {
namespace {

using namespace std::chrono_literals;

using testing::ScriptedEngine;

class RunControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = "sqlite://" + (dir_ / "db.sqlite3").string();
    auto database = store::Database::Open(url_);
    ASSERT_TRUE(database.ok()) << database.error().message;
    database_ = std::move(*database);
    ASSERT_TRUE(database_->Migrate(clock_).ok());
    store::Transcript transcript;
    transcript.id = "tr-1";
    ASSERT_TRUE(Transcripts().Create(transcript).ok());
    ASSERT_TRUE(Transcripts().SetWorkflow("tr-1", "wf-1", "conductor").ok());
    ASSERT_TRUE(Transcripts().SetFailure("tr-1", "pad_track", "no audio").ok());
    ASSERT_TRUE(Transcripts().SetStatus("tr-1", store::TranscriptStatus::kError).ok());
  }

  store::Transcripts Transcripts() { return {*database_, clock_}; }

  // A workflow whose transcript is tr-1 (its correlation id).
  static engine::WorkflowRun Workflow(const std::string& id) {
    engine::WorkflowRun workflow;
    workflow.id = id;
    workflow.correlation_id = "tr-1";
    workflow.status = engine::WorkflowStatus::kFailed;
    return workflow;
  }

  reflector::testing::TempDir dir_{"reflector-run-control"};
  ManualClock clock_;
  std::string url_;
  std::unique_ptr<store::Database> database_;
  ScriptedEngine engine_;
};

TEST_F(RunControlTest, ReadingAsksAgainAfterRetryableErrorsOnly) {
  engine_.get_errors = {Error::Transient(ErrorKind::kUnavailable, "503"),
                        Error::Transient(ErrorKind::kUnavailable, "503")};
  auto read = ReadRun(engine_, clock_, "wf-1");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->workflow.id, "wf-1");
  EXPECT_EQ(engine_.gets, 3);
  EXPECT_EQ(clock_.TotalSlept(), 1500ms);

  engine_.gets = 0;
  engine_.get_errors = {Error::NotFound("workflow wf-9 not found")};
  auto unknown = ReadRun(engine_, clock_, "wf-9");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(engine_.gets, 1);

  engine_.gets = 0;
  engine_.get_errors.assign(5, Error::Transient(ErrorKind::kUnavailable, "still down"));
  auto down = ReadRun(engine_, clock_, "wf-1");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().message, "still down");
  EXPECT_EQ(engine_.gets, 4);
}

TEST_F(RunControlTest, ARetryMakesItsTranscriptProcessingAgainWithoutTheFailure) {
  auto changed = ChangeRun(engine_, Workflow("wf-1"), RunChange::kRetry, "", url_, clock_);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(engine_.retried, std::vector<std::string>{"wf-1"});
  EXPECT_EQ(changed->transcript_id, "tr-1");
  EXPECT_FALSE(changed->transcript_error);
  auto transcript = Transcripts().Get("tr-1");
  ASSERT_TRUE(transcript.ok());
  EXPECT_EQ(transcript->status, store::TranscriptStatus::kProcessing);
  EXPECT_FALSE(transcript->failed_step);
}

TEST_F(RunControlTest, ATerminationMakesItsTranscriptErrorWithTheReason) {
  auto changed = ChangeRun(engine_, Workflow("wf-1"), RunChange::kTerminate, "stuck", url_, clock_);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(engine_.terminated, std::vector<std::string>{"wf-1"});
  EXPECT_EQ(changed->transcript_id, "tr-1");
  auto transcript = Transcripts().Get("tr-1");
  ASSERT_TRUE(transcript.ok());
  EXPECT_EQ(transcript->status, store::TranscriptStatus::kError);
  EXPECT_EQ(transcript->failed_step, "terminated");
  EXPECT_EQ(transcript->failure_reason, "stuck");
}

TEST_F(RunControlTest, OnlyTheTranscriptWhoseWorkflowItIsIsUpdated) {
  // A re-run gave tr-1 another workflow: the old one's retry leaves it alone.
  auto replaced = ChangeRun(engine_, Workflow("wf-old"), RunChange::kRetry, "", url_, clock_);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_EQ(replaced->transcript_id, "");
  EXPECT_EQ(Transcripts().Get("tr-1")->status, store::TranscriptStatus::kError);

  // No correlation id: the database is not even opened.
  engine::WorkflowRun alone = Workflow("wf-2");
  alone.correlation_id.clear();
  auto unopened = ChangeRun(engine_, alone, RunChange::kTerminate, "x", "nosuchscheme://", clock_);
  ASSERT_TRUE(unopened.ok()) << unopened.error().message;
  EXPECT_EQ(unopened->transcript_id, "");
  EXPECT_FALSE(unopened->transcript_error);
}

TEST_F(RunControlTest, ARefusalChangesNothingAndAnUnreachableDatabaseIsReportedAfterTheChange) {
  engine_.refuse_change = Error::InvalidInput("workflow wf-1 is RUNNING");
  auto refused = ChangeRun(engine_, Workflow("wf-1"), RunChange::kRetry, "", url_, clock_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(Transcripts().Get("tr-1")->status, store::TranscriptStatus::kError);

  engine_.refuse_change.reset();
  auto unrecorded = ChangeRun(engine_, Workflow("wf-1"), RunChange::kRetry, "", "nosuchscheme://", clock_);
  ASSERT_TRUE(unrecorded.ok());
  EXPECT_EQ(engine_.retried, std::vector<std::string>{"wf-1"});
  ASSERT_TRUE(unrecorded->transcript_error);
}

}  // namespace
}  // namespace reflector::service
