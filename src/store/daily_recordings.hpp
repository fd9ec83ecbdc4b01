#pragma once
// Daily.co recordings taken in, and the Daily.co webhook events accepted.
//
// `daily_recordings` has one row per Daily recording, keyed by Daily's recording id: the row is
// the claim that makes one recording give one transcript and one workflow, however often and
// however concurrently it is announced (webhook, poller, `process --recording-id`, several
// processes). It also counts the automatic re-runs of a failed run. `daily_webhook_events` keeps
// the ids of the webhook events accepted, so a replayed delivery is refused.
//
// Times are Unix seconds from the repository's Clock. See transcripts.hpp for how repositories
// are used (over a Database, or over a Session to join a transaction).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace reflector::store {

struct DailyRecordingClaim {
  std::string recording_id;                // Daily's
  std::string transcript_id;               // the transcript made for it
  std::string room_name;                   // Daily's room name
  std::string announced_by;                // who took it in first: "webhook", "poller" or "cli"
  std::int64_t reprocess_attempts = 0;     // automatic re-runs started so far
  std::optional<double> reprocess_due_at;  // when the next automatic re-run may start
  double created_at = 0;
};

class DailyRecordingClaims {
 public:
  DailyRecordingClaims(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Inserts the claim (created_at = now, no re-runs) unless the recording has one; true when this
  // call inserted it. One statement (INSERT ... ON CONFLICT DO NOTHING), atomic on both backends:
  // of several callers at once exactly one gets true, and the others wait for its transaction
  // (PostgreSQL) or the write lock (SQLite) before they get false. A transcript id that another
  // recording has is kConflict. Empty ids are kInvalidInput.
  Result<bool> Claim(const DailyRecordingClaim& claim);
  // The claim of a recording, or nullopt.
  Result<std::optional<DailyRecordingClaim>> Get(std::string_view recording_id);
  // The claim whose transcript is `transcript_id`, or nullopt.
  Result<std::optional<DailyRecordingClaim>> FindByTranscript(std::string_view transcript_id);

  // Claims with fewer than `max_attempts` automatic re-runs whose transcript (not in the trash)
  // failed (`error` with its failed step recorded; a re-run being started has none), or never
  // started: `idle`, without a workflow, claimed before `stalled_before` (Unix seconds; the
  // process that claimed it died before starting it). Oldest first.
  Result<std::vector<DailyRecordingClaim>> ListNeedingRerun(std::int64_t max_attempts, double stalled_before);
  // Sets the time the next re-run may start, unless one is set already; returns the time set.
  // NotFound naming the recording.
  Result<double> ScheduleRerun(std::string_view recording_id, double due_at);
  // Takes re-run number `attempts_seen + 1` (and clears the due time): true for exactly one of
  // the callers that saw `attempts_seen`, false for the others and once it was taken.
  Result<bool> TakeRerun(std::string_view recording_id, std::int64_t attempts_seen);

 private:
  Executor executor_;
  const Clock& clock_;
};

class DailyWebhookEvents {
 public:
  DailyWebhookEvents(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Records the id of an accepted event (received_at = now); false when it was accepted before
  // (atomic, like DailyRecordingClaims::Claim). Ids received more than `keep` ago are forgotten
  // first: a delivery that old is refused by its timestamp anyway. An empty id is kInvalidInput.
  Result<bool> Accept(std::string_view event_id, std::string_view event_type,
                      std::chrono::seconds keep = std::chrono::hours(24));
  // Forgets an accepted id (so that Daily's next delivery of the event is taken), e.g. when its
  // handling failed.
  Status Forget(std::string_view event_id);
  // Whether the id was accepted and not forgotten.
  Result<bool> Seen(std::string_view event_id);

 private:
  Executor executor_;
  const Clock& clock_;
};

}  // namespace reflector::store
