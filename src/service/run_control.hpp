#pragma once
// "Read, retry or terminate a run", on any engine, for operators (`reflector conductor status |
// retry | terminate`): a retry or termination is recorded on the run's transcript (the
// workflow's correlation id) when that transcript's workflow is this one.

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "engine/engine.hpp"

namespace reflector::service {

// The workflow with its tasks. A retryable error (a busy server answers 5xx now and then) is
// asked again up to three times, 0.5 s, 1 s and 1.5 s later on `clock`; the last error is
// returned as it is (NotFound naming the id for an unknown workflow).
Result<engine::WorkflowSnapshot> ReadRun(engine::Engine& engine, Clock& clock,
                                         const std::string& workflow_id);

enum class RunChange {
  kRetry,      // from its failed tasks; the transcript is `processing` again, its failure forgotten
  kTerminate,  // for good; the transcript is `error` at step `terminated` with the reason
};

struct ChangedRun {
  // The transcript updated; "" when the workflow names none, or names one whose workflow is
  // another (a re-run replaced it).
  std::string transcript_id;
  // Set when the workflow changed but its transcript could not be updated.
  std::optional<Error> transcript_error;
};

// Retries or terminates `before` (the workflow as ReadRun gave it) on `engine`, then records that
// on its transcript. The database at `database_url` is opened only when the workflow has a
// correlation id. Errors: the engine's refusal, as it gave it (nothing was changed then).
Result<ChangedRun> ChangeRun(engine::Engine& engine, const engine::WorkflowRun& before, RunChange change,
                             const std::string& reason, const std::string& database_url, Clock& clock);

}  // namespace reflector::service
