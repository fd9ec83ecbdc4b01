#pragma once
// Shadow runs (CONDUCTOR_SHADOW_MODE): a recording's primary run, which users see, beside a
// second run of the same input on another engine that writes to its own shadow transcript, and,
// once both ended, their comparison.
//
// A shadow transcript is hidden: Transcripts::Query, Search and List leave out every transcript
// that is the shadow of a row here. Rows go with either transcript (foreign keys, ON DELETE
// CASCADE); deleting a primary transcript for good deletes its shadow transcripts first
// (DeleteShadowTranscriptsOf, called by Transcripts::Remove and Destroy).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace reflector::store {

// starting: the shadow transcript exists, its workflow is being started; running: started;
// start_failed: the engine refused it (`error`); compared: both ended, `comparison` stored.
inline constexpr std::string_view kShadowStarting = "starting";
inline constexpr std::string_view kShadowRunning = "running";
inline constexpr std::string_view kShadowStartFailed = "start_failed";
inline constexpr std::string_view kShadowCompared = "compared";

struct ShadowRun {
  std::string id;
  std::string recording_id;
  std::string primary_transcript_id;
  std::string primary_workflow_id;
  std::string primary_engine;  // Engine::Name()
  std::string shadow_transcript_id;
  std::optional<std::string> shadow_workflow_id;
  std::string shadow_engine;
  std::string status{kShadowStarting};
  std::optional<std::string> error;
  std::optional<bool> agreed;      // with the comparison: every compared field agreed
  std::optional<Json> comparison;  // a JSON object, once compared
  double created_at = 0;
  std::optional<double> compared_at;
};

class ShadowRuns {
 public:
  ShadowRuns(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Inserts with created_at = now (id, recording and both transcript ids required). Unknown
  // transcripts or a second row for one shadow transcript: kConflict.
  Result<ShadowRun> Create(ShadowRun run);
  // NotFound naming the id.
  Result<ShadowRun> Get(std::string_view id);
  // starting -> running with the shadow's workflow id. NotFound naming the id.
  Status SetStarted(std::string_view id, std::string workflow_id);
  // -> start_failed with the engine's error. NotFound naming the id.
  Status SetStartFailed(std::string_view id, std::string error);
  // Stores the comparison once (running -> compared): false when the row was compared already
  // (by another process) or is not running. `comparison` must be a JSON object.
  Result<bool> SetCompared(std::string_view id, const Json& comparison, bool agreed);

  // The newest shadow run of a recording, or nothing.
  Result<std::optional<ShadowRun>> LatestOfRecording(std::string_view recording_id);
  // The newest shadow run whose primary is this transcript, or nothing.
  Result<std::optional<ShadowRun>> LatestOfPrimary(std::string_view primary_transcript_id);
  // Every shadow run whose primary is this transcript, oldest first.
  Result<std::vector<ShadowRun>> ListOfPrimary(std::string_view primary_transcript_id);
  // Rows with status running, oldest first.
  Result<std::vector<ShadowRun>> ListRunning(std::size_t limit);
  // Newest first; limit 0 = all.
  Result<std::vector<ShadowRun>> ListRecent(std::size_t limit);
  // Whether the transcript is the shadow of some run.
  Result<bool> IsShadowTranscript(std::string_view transcript_id);

 private:
  Executor executor_;
  const Clock& clock_;
};

// Inside a transaction that deletes `primary_transcript_id` for good: deletes its shadow
// transcripts and their events (their rows here go with them).
void DeleteShadowTranscriptsOf(Session& session, std::string_view primary_transcript_id);

// The SQL condition "transcript <alias>.id is no shadow transcript", for the queries that list
// transcripts.
std::string NotShadowCondition(std::string_view alias);

}  // namespace reflector::store
