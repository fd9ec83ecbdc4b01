#include "store/daily_recordings.hpp"

#include <utility>

#include "store/sql.hpp"

namespace reflector::store {
namespace {

constexpr std::string_view kColumns =
    "d.recording_id, d.transcript_id, d.room_name, d.announced_by, d.reprocess_attempts, d.reprocess_due_at, "
    "d.created_at";

// Binds the columns of kColumns to `out`.
void BindColumns(sql::Row& row, DailyRecordingClaim& out) {
  row.Text(&out.recording_id)
      .Text(&out.transcript_id)
      .Text(&out.room_name)
      .Text(&out.announced_by)
      .Integer(&out.reprocess_attempts)
      .OptionalReal(&out.reprocess_due_at)
      .Real(&out.created_at);
}

}  // namespace

Result<bool> DailyRecordingClaims::Claim(const DailyRecordingClaim& claim) {
  if (claim.recording_id.empty())
    return Error::InvalidInput("Daily recording claim: the recording id is empty");
  if (claim.transcript_id.empty()) {
    return Error::InvalidInput("Daily recording " + sql::Quote(claim.recording_id) + ": no transcript id");
  }
  const double now = sql::ToSeconds(clock_.Now());
  bool claimed = false;
  REFLECTOR_TRY(executor_.Run(
      "claim Daily recording " + sql::Quote(claim.recording_id), [&](Session& session) -> Status {
        claimed =
            sql::Exec(session,
                      "INSERT INTO daily_recordings (recording_id, transcript_id, room_name, announced_by, "
                      "reprocess_attempts, created_at) VALUES (:recording_id, :transcript_id, :room_name, "
                      ":announced_by, 0, :created_at) ON CONFLICT (recording_id) DO NOTHING",
                      sql::Params()
                          .Text(claim.recording_id)
                          .Text(claim.transcript_id)
                          .Text(claim.room_name)
                          .Text(claim.announced_by)
                          .Real(now)) > 0;
        return Ok();
      }));
  return claimed;
}

Result<std::optional<DailyRecordingClaim>> DailyRecordingClaims::Get(std::string_view recording_id) {
  std::optional<DailyRecordingClaim> found;
  REFLECTOR_TRY(
      executor_.Run("read Daily recording " + sql::Quote(recording_id), [&](Session& session) -> Status {
        DailyRecordingClaim value;
        sql::Row row("daily_recordings");
        BindColumns(row, value);
        REFLECTOR_ASSIGN_OR_RETURN(
            bool any, sql::QueryOne(session,
                                    "SELECT " + std::string(kColumns) +
                                        " FROM daily_recordings d WHERE d.recording_id = :recording_id",
                                    sql::Params().Text(std::string(recording_id)), row));
        if (any) found = std::move(value);
        return Ok();
      }));
  return found;
}

Result<std::optional<DailyRecordingClaim>> DailyRecordingClaims::FindByTranscript(
    std::string_view transcript_id) {
  std::optional<DailyRecordingClaim> found;
  REFLECTOR_TRY(executor_.Run(
      "find the Daily recording of transcript " + sql::Quote(transcript_id), [&](Session& session) -> Status {
        DailyRecordingClaim value;
        sql::Row row("daily_recordings");
        BindColumns(row, value);
        REFLECTOR_ASSIGN_OR_RETURN(
            bool any, sql::QueryOne(session,
                                    "SELECT " + std::string(kColumns) +
                                        " FROM daily_recordings d WHERE d.transcript_id = :transcript_id",
                                    sql::Params().Text(std::string(transcript_id)), row));
        if (any) found = std::move(value);
        return Ok();
      }));
  return found;
}

Result<std::vector<DailyRecordingClaim>> DailyRecordingClaims::ListNeedingRerun(std::int64_t max_attempts,
                                                                                double stalled_before) {
  std::vector<DailyRecordingClaim> claims;
  REFLECTOR_TRY(executor_.Run("list Daily recordings to run again", [&](Session& session) -> Status {
    DailyRecordingClaim value;
    sql::Row row("daily_recordings");
    BindColumns(row, value);
    return sql::Query(session,
                      "SELECT " + std::string(kColumns) +
                          " FROM daily_recordings d JOIN transcripts t ON t.id = d.transcript_id WHERE "
                          "d.reprocess_attempts < "
                          ":max_attempts AND t.deleted_at IS NULL AND ((t.status = 'error' AND t.failed_step "
                          "IS NOT NULL) OR "
                          "(t.status = 'idle' AND "
                          "t.workflow_id IS NULL AND d.created_at < :stalled_before)) ORDER BY d.created_at, "
                          "d.recording_id",
                      sql::Params().Integer(max_attempts).Real(stalled_before), row, [&]() -> Status {
                        claims.push_back(value);
                        return Ok();
                      });
  }));
  return claims;
}

Result<double> DailyRecordingClaims::ScheduleRerun(std::string_view recording_id, double due_at) {
  double stored = 0;
  REFLECTOR_TRY(executor_.Transaction(
      "schedule a re-run of Daily recording " + sql::Quote(recording_id), [&](Session& session) -> Status {
        sql::Exec(
            session,
            "UPDATE daily_recordings SET reprocess_due_at = :due_at WHERE recording_id = :recording_id AND "
            "reprocess_due_at IS NULL",
            sql::Params().Real(due_at).Text(std::string(recording_id)));
        std::optional<double> due;
        sql::Row row("daily_recordings");
        row.OptionalReal(&due);
        REFLECTOR_ASSIGN_OR_RETURN(
            bool any,
            sql::QueryOne(session,
                          "SELECT reprocess_due_at FROM daily_recordings WHERE recording_id = :recording_id",
                          sql::Params().Text(std::string(recording_id)), row));
        if (!any || !due) return Error::NotFound("Daily recording " + sql::Quote(recording_id));
        stored = *due;
        return Ok();
      }));
  return stored;
}

Result<bool> DailyRecordingClaims::TakeRerun(std::string_view recording_id, std::int64_t attempts_seen) {
  bool taken = false;
  REFLECTOR_TRY(executor_.Run(
      "take a re-run of Daily recording " + sql::Quote(recording_id), [&](Session& session) -> Status {
        // Compare and set: the row changes only for the caller that still sees `attempts_seen`.
        taken =
            sql::Exec(session,
                      "UPDATE daily_recordings SET reprocess_attempts = reprocess_attempts + 1, "
                      "reprocess_due_at = NULL WHERE recording_id = :recording_id AND reprocess_attempts = "
                      ":attempts_seen",
                      sql::Params().Text(std::string(recording_id)).Integer(attempts_seen)) > 0;
        return Ok();
      }));
  return taken;
}

Result<bool> DailyWebhookEvents::Accept(std::string_view event_id, std::string_view event_type,
                                        std::chrono::seconds keep) {
  if (event_id.empty()) return Error::InvalidInput("Daily webhook event: the id is empty");
  const double now = sql::ToSeconds(clock_.Now());
  bool accepted = false;
  REFLECTOR_TRY(
      executor_.Run("accept Daily webhook event " + sql::Quote(event_id), [&](Session& session) -> Status {
        sql::Exec(session, "DELETE FROM daily_webhook_events WHERE received_at < :oldest",
                  sql::Params().Real(now - static_cast<double>(keep.count())));
        accepted =
            sql::Exec(session,
                      "INSERT INTO daily_webhook_events (event_id, event_type, received_at) VALUES "
                      "(:event_id, :event_type, :received_at) ON CONFLICT (event_id) DO NOTHING",
                      sql::Params().Text(std::string(event_id)).Text(std::string(event_type)).Real(now)) > 0;
        return Ok();
      }));
  return accepted;
}

Status DailyWebhookEvents::Forget(std::string_view event_id) {
  return executor_.Run("forget Daily webhook event " + sql::Quote(event_id), [&](Session& session) -> Status {
    sql::Exec(session, "DELETE FROM daily_webhook_events WHERE event_id = :event_id",
              sql::Params().Text(std::string(event_id)));
    return Ok();
  });
}

Result<bool> DailyWebhookEvents::Seen(std::string_view event_id) {
  bool seen = false;
  REFLECTOR_TRY(
      executor_.Run("read Daily webhook event " + sql::Quote(event_id), [&](Session& session) -> Status {
        std::string id;
        sql::Row row("daily_webhook_events");
        row.Text(&id);
        REFLECTOR_ASSIGN_OR_RETURN(seen, sql::QueryOne(session,
                                                       "SELECT event_id FROM daily_webhook_events WHERE "
                                                       "event_id = :event_id",
                                                       sql::Params().Text(std::string(event_id)), row));
        return Ok();
      }));
  return seen;
}

}  // namespace reflector::store
