#include "service/run_control.hpp"

#include "store/database.hpp"
#include "store/transcripts.hpp"

namespace reflector::service {
namespace {

constexpr int kReadAttempts = 4;

// Records `change` on the transcript whose workflow `workflow` is; returns its id, "" when none.
Result<std::string> RecordOnTranscript(const engine::WorkflowRun& workflow, RunChange change,
                                       const std::string& reason, const std::string& database_url,
                                       Clock& clock) {
  if (workflow.correlation_id.empty()) return std::string();
  REFLECTOR_ASSIGN_OR_RETURN(auto database, store::Database::Open(database_url));
  store::Transcripts transcripts(*database, clock);
  auto transcript = transcripts.Get(workflow.correlation_id);
  if (!transcript) {
    if (transcript.error().kind == ErrorKind::kNotFound) return std::string();
    return transcript.error();
  }
  if (transcript->workflow_id != workflow.id) return std::string();  // a re-run replaced it
  if (change == RunChange::kRetry) {
    REFLECTOR_TRY(transcripts.ClearFailure(transcript->id));
    REFLECTOR_TRY(transcripts.SetStatus(transcript->id, store::TranscriptStatus::kProcessing));
  } else {
    // Neither engine starts the failure workflow of a terminated one: the failure is recorded here.
    REFLECTOR_TRY(transcripts.SetFailure(transcript->id, "terminated", reason));
    REFLECTOR_TRY(transcripts.SetStatus(transcript->id, store::TranscriptStatus::kError));
  }
  return transcript->id;
}

}  // namespace

Result<engine::WorkflowSnapshot> ReadRun(engine::Engine& engine, Clock& clock,
                                         const std::string& workflow_id) {
  auto snapshot = engine.Get(workflow_id);
  for (int attempt = 1; !snapshot && snapshot.error().retryable && attempt < kReadAttempts; ++attempt) {
    clock.SleepFor(std::chrono::milliseconds(500 * attempt), {});
    snapshot = engine.Get(workflow_id);
  }
  return snapshot;
}

Result<ChangedRun> ChangeRun(engine::Engine& engine, const engine::WorkflowRun& before, RunChange change,
                             const std::string& reason, const std::string& database_url, Clock& clock) {
  REFLECTOR_TRY(change == RunChange::kRetry ? engine.Retry(before.id) : engine.Terminate(before.id, reason));
  ChangedRun changed;
  auto recorded = RecordOnTranscript(before, change, reason, database_url, clock);
  if (recorded) {
    changed.transcript_id = std::move(*recorded);
  } else {
    changed.transcript_error = std::move(recorded).error();
  }
  return changed;
}

}  // namespace reflector::service
