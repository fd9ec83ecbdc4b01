#include "store/transcripts.hpp"

#include <array>
#include <utility>

#include "store/event_notifications.hpp"
#include "store/search_text.hpp"
#include "store/shadow_runs.hpp"
#include "store/sql.hpp"
#include "store/transcript_rows.hpp"

namespace reflector::store {

using detail::BindTranscript;
using detail::RequireArray;
using detail::TakeChangeSeq;
using detail::TranscriptColumns;
using detail::TranscriptNotFound;
using detail::TranscriptPlaceholders;
using detail::TranscriptReader;
using sql::RequireOneOf;

namespace {

constexpr std::array<std::pair<TranscriptStatus, std::string_view>, 6> kStatusNames = {{
    {TranscriptStatus::kIdle, "idle"},
    {TranscriptStatus::kUploaded, "uploaded"},
    {TranscriptStatus::kRecording, "recording"},
    {TranscriptStatus::kProcessing, "processing"},
    {TranscriptStatus::kEnded, "ended"},
    {TranscriptStatus::kError, "error"},
}};

// Runs `UPDATE transcripts SET <assignments>, updated_at = :now WHERE id = :id` and takes a new
// change_seq, in one transaction; `params` binds the assignments' placeholders. NotFound naming
// the id when there is no such row.
Status UpdateById(const Executor& executor, const Clock& clock, std::string_view operation,
                  std::string_view id, std::string_view assignments, sql::Params params) {
  const std::string statement =
      "UPDATE transcripts SET " + std::string(assignments) + ", updated_at = :now WHERE id = :id";
  params.Real(sql::ToSeconds(clock.Now())).Text(std::string(id));
  return executor.Transaction(std::string(operation) + " of transcript " + sql::Quote(id),
                              [&](Session& session) -> Status {
                                if (sql::Exec(session, statement, params) == 0) return TranscriptNotFound(id);
                                TakeChangeSeq(session, std::string(id));
                                return Ok();
                              });
}

Result<Transcript> GetIn(Session& session, std::string_view id) {
  TranscriptReader reader;
  REFLECTOR_ASSIGN_OR_RETURN(
      bool any, sql::QueryOne(session, "SELECT " + TranscriptColumns() + " FROM transcripts WHERE id = :id",
                              sql::Params().Text(std::string(id)), reader.row));
  if (!any) return TranscriptNotFound(id);
  return reader.Take();
}

// Why a trash operation on row `id` changed nothing: NotFound, or InvalidInput saying whether the
// row is "already deleted" or "not deleted".
Error TrashStateError(Session& session, std::string_view id) {
  std::optional<double> deleted_at;
  sql::Row row("transcripts");
  row.OptionalReal(&deleted_at);
  auto any = sql::QueryOne(session, "SELECT deleted_at FROM transcripts WHERE id = :id",
                           sql::Params().Text(std::string(id)), row);
  if (!any.ok()) return std::move(any).error();
  if (!any.value()) return TranscriptNotFound(id);
  if (deleted_at) return Error::InvalidInput("transcript " + sql::Quote(id) + " is already deleted");
  return Error::InvalidInput("transcript " + sql::Quote(id) + " is not deleted");
}

// "column = :column, ..." and their values for the set fields of a patch.
struct PatchAssignments {
  std::string text;
  sql::Params params;

  PatchAssignments& Add(std::string_view assignment) {
    text += (text.empty() ? "" : ", ") + std::string(assignment);
    return *this;
  }
};

PatchAssignments AssignmentsOf(const TranscriptPatch& patch) {
  PatchAssignments out;
  if (patch.name) out.Add("name = :name").params.Text(*patch.name);
  if (patch.locked) out.Add("locked = :locked").params.Bool(*patch.locked);
  if (patch.title) out.Add("title = :title, title_set_by_user = 1").params.Text(*patch.title);
  if (patch.short_summary) out.Add("short_summary = :short_summary").params.Text(*patch.short_summary);
  if (patch.long_summary) out.Add("long_summary = :long_summary").params.Text(*patch.long_summary);
  if (patch.share_mode) out.Add("share_mode = :share_mode").params.Text(*patch.share_mode);
  if (patch.reviewed) out.Add("reviewed = :reviewed").params.Bool(*patch.reviewed);
  if (patch.audio_deleted) out.Add("audio_deleted = :audio_deleted").params.Bool(*patch.audio_deleted);
  if (patch.participants) out.Add("participants = :participants").params.JsonText(*patch.participants);
  return out;
}

// Inside a transaction: bumps the transcript's event counter and inserts the event under it.
Result<std::int64_t> AppendIn(Session& session, std::string_view transcript_id, std::string_view event,
                              const Json& data, double now) {
  if (event.empty())
    return Error::InvalidInput("event name is empty (transcript " + sql::Quote(transcript_id) + ")");
  const std::string id(transcript_id);
  if (sql::Exec(session, "UPDATE transcripts SET last_event_seq = last_event_seq + 1 WHERE id = :id",
                sql::Params().Text(id)) == 0) {
    return TranscriptNotFound(transcript_id);
  }
  std::int64_t seq = 0;
  sql::Row row("transcripts");
  row.Integer(&seq);
  REFLECTOR_TRY(sql::QueryOne(session, "SELECT last_event_seq FROM transcripts WHERE id = :id",
                              sql::Params().Text(id), row));
  sql::Exec(session,
            "INSERT INTO transcript_events (transcript_id, seq, event, data, created_at) "
            "VALUES (:transcript_id, :seq, :event, :data, :created_at)",
            sql::Params().Text(id).Integer(seq).Text(std::string(event)).JsonText(data).Real(now));
  if (session.dialect() == Dialect::kPostgres) {
    // Delivered at commit to every listener (see event_notifications.hpp).
    std::int64_t one = 0;
    sql::Row notified("pg_notify");
    notified.Integer(&one);
    REFLECTOR_TRY(sql::QueryOne(
        session, "SELECT 1 FROM (SELECT pg_notify(:channel, :payload)) AS n",
        sql::Params().Text(std::string(kEventsChannel)).Text(id + " " + std::to_string(seq)), notified));
  }
  return seq;
}

}  // namespace

std::string_view ToString(TranscriptStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "unknown";
}

Result<TranscriptStatus> ParseTranscriptStatus(std::string_view text) {
  for (const auto& [value, name] : kStatusNames) {
    if (name == text) return value;
  }
  return Error::InvalidInput("unknown transcript status '" + std::string(text) +
                             "' (expected idle, uploaded, recording, processing, ended or error)");
}

// ---------------------------------------------------------------------------------------------
// Transcripts

bool TranscriptPatch::empty() const {
  return !name && !locked && !title && !short_summary && !long_summary && !share_mode && !reviewed &&
         !audio_deleted && !participants;
}

Result<Transcript> Transcripts::Create(Transcript transcript) {
  if (transcript.id.empty()) return Error::InvalidInput("transcript id is empty");
  if (transcript.participants.is_null()) transcript.participants = Json::array();
  if (transcript.topics.is_null()) transcript.topics = Json::array();
  REFLECTOR_TRY(RequireArray(transcript.participants, "participants", transcript.id));
  REFLECTOR_TRY(RequireArray(transcript.topics, "topics", transcript.id));
  REFLECTOR_TRY(RequireOneOf(transcript.share_mode, kShareModes, "share_mode"));
  transcript.created_at = transcript.updated_at = sql::ToSeconds(clock_.Now());
  transcript.search_text = SearchTextOf(transcript.topics, transcript.webvtt.value_or(""));
  Status status = executor_.Transaction(
      "create transcript " + sql::Quote(transcript.id), [&](Session& session) -> Status {
        sql::Params params;
        BindTranscript(transcript, params);
        sql::Exec(
            session,
            "INSERT INTO transcripts (" + TranscriptColumns() + ") VALUES (" + TranscriptPlaceholders() + ")",
            std::move(params));
        TakeChangeSeq(session, transcript.id);
        sql::Row row("transcripts");
        row.Integer(&transcript.change_seq);
        REFLECTOR_TRY(sql::QueryOne(session, "SELECT change_seq FROM transcripts WHERE id = :id",
                                    sql::Params().Text(transcript.id), row));
        return Ok();
      });
  if (!status.ok()) return std::move(status).error();
  return transcript;
}

Result<Transcript> Transcripts::Get(std::string_view id) {
  std::optional<Transcript> found;
  Status status = executor_.Run("get transcript " + sql::Quote(id), [&](Session& session) -> Status {
    REFLECTOR_ASSIGN_OR_RETURN(found, GetIn(session, id));
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return std::move(*found);
}

Result<std::vector<Transcript>> Transcripts::List(std::size_t limit) {
  std::vector<Transcript> transcripts;
  Status status = executor_.Run("list transcripts", [&](Session& session) -> Status {
    TranscriptReader reader;
    return sql::Query(session,
                      "SELECT " + TranscriptColumns() + " FROM transcripts t WHERE " +
                          NotShadowCondition("t") + " ORDER BY created_at DESC, id DESC" +
                          sql::LimitClause(limit),
                      {}, reader.row, [&]() -> Status {
                        REFLECTOR_ASSIGN_OR_RETURN(Transcript t, reader.Take());
                        transcripts.push_back(std::move(t));
                        return Ok();
                      });
  });
  if (!status.ok()) return std::move(status).error();
  return transcripts;
}

Status Transcripts::Remove(std::string_view id) {
  return executor_.Transaction("remove transcript " + sql::Quote(id), [&](Session& session) -> Status {
    const std::string key(id);
    DeleteShadowTranscriptsOf(session, id);
    sql::Exec(session, "DELETE FROM transcript_events WHERE transcript_id = :id", sql::Params().Text(key));
    if (sql::Exec(session, "DELETE FROM transcripts WHERE id = :id", sql::Params().Text(key)) == 0) {
      return TranscriptNotFound(id);
    }
    return Ok();
  });
}

Result<Transcript> Transcripts::Update(std::string_view id, const TranscriptPatch& patch) {
  if (patch.share_mode) REFLECTOR_TRY(RequireOneOf(*patch.share_mode, kShareModes, "share_mode"));
  if (patch.participants) REFLECTOR_TRY(RequireArray(*patch.participants, "participants", id));
  if (patch.empty()) return Get(id);
  PatchAssignments assignments = AssignmentsOf(patch);
  assignments.params.Real(sql::ToSeconds(clock_.Now())).Text(std::string(id));
  std::optional<Transcript> updated;
  Status status =
      executor_.Transaction("update transcript " + sql::Quote(id), [&](Session& session) -> Status {
        if (sql::Exec(session,
                      "UPDATE transcripts SET " + assignments.text + ", updated_at = :now WHERE id = :id",
                      assignments.params) == 0) {
          return TranscriptNotFound(id);
        }
        TakeChangeSeq(session, std::string(id));
        REFLECTOR_ASSIGN_OR_RETURN(updated, GetIn(session, id));
        return Ok();
      });
  if (!status.ok()) return std::move(status).error();
  return std::move(*updated);
}

Status Transcripts::SoftDelete(std::string_view id) {
  return executor_.Transaction("soft-delete transcript " + sql::Quote(id), [&](Session& session) -> Status {
    const double now = sql::ToSeconds(clock_.Now());
    if (sql::Exec(session,
                  "UPDATE transcripts SET deleted_at = :deleted_at, updated_at = :now "
                  "WHERE id = :id AND deleted_at IS NULL",
                  sql::Params().Real(now).Real(now).Text(std::string(id))) == 0) {
      return TrashStateError(session, id);
    }
    TakeChangeSeq(session, std::string(id));
    return Ok();
  });
}

Status Transcripts::Restore(std::string_view id) {
  return executor_.Transaction("restore transcript " + sql::Quote(id), [&](Session& session) -> Status {
    if (sql::Exec(session,
                  "UPDATE transcripts SET deleted_at = NULL, updated_at = :now "
                  "WHERE id = :id AND deleted_at IS NOT NULL",
                  sql::Params().Real(sql::ToSeconds(clock_.Now())).Text(std::string(id))) == 0) {
      return TrashStateError(session, id);
    }
    TakeChangeSeq(session, std::string(id));
    return Ok();
  });
}

Status Transcripts::Destroy(std::string_view id) {
  return executor_.Transaction("destroy transcript " + sql::Quote(id), [&](Session& session) -> Status {
    const std::string key(id);
    DeleteShadowTranscriptsOf(session, id);  // rolled back with the rest when the row is not in the trash
    std::optional<std::string> recording_id;
    sql::Row row("transcripts");
    row.OptionalText(&recording_id);
    REFLECTOR_TRY(sql::QueryOne(session, "SELECT recording_id FROM transcripts WHERE id = :id",
                                sql::Params().Text(key), row));
    if (sql::Exec(session, "DELETE FROM transcripts WHERE id = :id AND deleted_at IS NOT NULL",
                  sql::Params().Text(key)) == 0) {
      return TrashStateError(session, id);
    }
    sql::Exec(session, "DELETE FROM transcript_events WHERE transcript_id = :id", sql::Params().Text(key));
    if (recording_id) {
      sql::Exec(session,
                "DELETE FROM recordings WHERE id = :id AND NOT EXISTS "
                "(SELECT 1 FROM transcripts WHERE recording_id = :same)",
                sql::Params().Text(*recording_id).Text(*recording_id));
    }
    return Ok();
  });
}

Result<StatusChange> Transcripts::SetStatus(std::string_view id, TranscriptStatus status) {
  StatusChange change;
  const std::string value(ToString(status));
  Status run_status = executor_.Transaction(
      "set status of transcript " + sql::Quote(id) + " to " + value, [&](Session& session) -> Status {
        const double now = sql::ToSeconds(clock_.Now());
        change = StatusChange{};
        const std::int64_t updated = sql::Exec(
            session,
            "UPDATE transcripts SET status = :status, updated_at = :now WHERE id = :id AND status <> :same",
            sql::Params().Text(value).Real(now).Text(std::string(id)).Text(value));
        if (updated == 0) {
          REFLECTOR_ASSIGN_OR_RETURN(bool exists, sql::Exists(session, "transcripts", id));
          return exists ? Ok() : Status(TranscriptNotFound(id));
        }
        REFLECTOR_ASSIGN_OR_RETURN(change.event_seq,
                                   AppendIn(session, id, kStatusEvent, Json{{"value", value}}, now));
        TakeChangeSeq(session, std::string(id));
        change.changed = true;
        return Ok();
      });
  if (!run_status.ok()) return std::move(run_status).error();
  return change;
}

Result<bool> Transcripts::SetTitle(std::string_view id, std::string title, TitleSource source) {
  bool written = false;
  const bool by_user = source == TitleSource::kUser;
  Status status =
      executor_.Transaction("set title of transcript " + sql::Quote(id), [&](Session& session) -> Status {
        const double now = sql::ToSeconds(clock_.Now());
        const std::int64_t updated =
            by_user
                ? sql::Exec(session,
                            "UPDATE transcripts SET title = :title, title_set_by_user = 1, updated_at = :now "
                            "WHERE id = :id",
                            sql::Params().Text(title).Real(now).Text(std::string(id)))
                : sql::Exec(session,
                            "UPDATE transcripts SET title = :title, updated_at = :now "
                            "WHERE id = :id AND title_set_by_user = 0",
                            sql::Params().Text(title).Real(now).Text(std::string(id)));
        written = updated > 0;
        if (written) {
          TakeChangeSeq(session, std::string(id));
        } else {
          REFLECTOR_ASSIGN_OR_RETURN(bool exists, sql::Exists(session, "transcripts", id));
          if (!exists) return TranscriptNotFound(id);
        }
        return Ok();
      });
  if (!status.ok()) return std::move(status).error();
  return written;
}

Status Transcripts::SetSummaries(std::string_view id, std::string long_summary, std::string short_summary) {
  return UpdateById(executor_, clock_, "set summaries", id, "long_summary = :long, short_summary = :short",
                    sql::Params().Text(std::move(long_summary)).Text(std::move(short_summary)));
}

Status Transcripts::SetDuration(std::string_view id, double seconds) {
  if (!(seconds >= 0)) {
    return Error::InvalidInput("duration of transcript " + sql::Quote(id) + " must be >= 0 seconds");
  }
  return UpdateById(executor_, clock_, "set duration", id, "duration = :duration",
                    sql::Params().Real(seconds));
}

Status Transcripts::SetParticipants(std::string_view id, const Json& participants) {
  REFLECTOR_TRY(RequireArray(participants, "participants", id));
  return UpdateById(executor_, clock_, "set participants", id, "participants = :participants",
                    sql::Params().JsonText(participants));
}

Status Transcripts::SetTopics(std::string_view id, const Json& topics, std::string webvtt) {
  REFLECTOR_TRY(RequireArray(topics, "topics", id));
  std::string search_text = SearchTextOf(topics, webvtt);
  return UpdateById(executor_, clock_, "set topics", id,
                    "topics = :topics, webvtt = :webvtt, search_text = :search_text",
                    sql::Params().JsonText(topics).Text(std::move(webvtt)).Text(std::move(search_text)));
}

Status Transcripts::SetAudioLocation(std::string_view id, std::string location) {
  return UpdateById(executor_, clock_, "set audio location", id, "audio_location = :location",
                    sql::Params().Text(std::move(location)));
}

Status Transcripts::SetAudioDeleted(std::string_view id, std::optional<bool> deleted) {
  return UpdateById(executor_, clock_, "set audio_deleted", id, "audio_deleted = :deleted",
                    sql::Params().OptionalBool(deleted));
}

Status Transcripts::SetZulipMessageId(std::string_view id, std::optional<std::string> message_id) {
  return UpdateById(executor_, clock_, "set zulip message id", id, "zulip_message_id = :message_id",
                    sql::Params().OptionalText(std::move(message_id)));
}

Status Transcripts::SetFailure(std::string_view id, std::string failed_step, std::string reason) {
  return UpdateById(executor_, clock_, "set failure", id, "failed_step = :step, failure_reason = :reason",
                    sql::Params().Text(std::move(failed_step)).Text(std::move(reason)));
}

Status Transcripts::ClearFailure(std::string_view id) {
  return UpdateById(executor_, clock_, "clear failure", id, "failed_step = NULL, failure_reason = NULL", {});
}

Status Transcripts::SetCurrentStep(std::string_view id, std::optional<std::string> step) {
  return UpdateById(executor_, clock_, "set current step", id, "current_step = :step",
                    sql::Params().OptionalText(std::move(step)));
}

Status Transcripts::SetWorkflow(std::string_view id, std::string workflow_id, std::string engine) {
  return UpdateById(executor_, clock_, "set workflow", id, "workflow_id = :workflow_id, engine = :engine",
                    sql::Params().Text(std::move(workflow_id)).Text(std::move(engine)));
}

Status Transcripts::SetRecording(std::string_view id, std::string recording_id) {
  return UpdateById(executor_, clock_, "set recording", id, "recording_id = :recording_id",
                    sql::Params().Text(std::move(recording_id)));
}

Status Transcripts::SetSourceKind(std::string_view id, std::string source_kind) {
  REFLECTOR_TRY(RequireOneOf(source_kind, kSourceKinds, "source_kind"));
  return UpdateById(executor_, clock_, "set source kind", id, "source_kind = :source_kind",
                    sql::Params().Text(std::move(source_kind)));
}

Status Transcripts::ResetForRerun(std::string_view id) {
  return executor_.Transaction(
      "reset transcript " + sql::Quote(id) + " for a re-run", [&](Session& session) -> Status {
        const std::string key(id);
        sql::Exec(session, "DELETE FROM transcript_events WHERE transcript_id = :id",
                  sql::Params().Text(key));
        const std::int64_t updated =
            sql::Exec(session,
                      "UPDATE transcripts SET topics = :topics, participants = :participants, webvtt = NULL, "
                      "search_text = NULL, short_summary = NULL, long_summary = NULL, current_step = NULL, "
                      "failed_step = NULL, failure_reason = NULL, "
                      "title = CASE WHEN title_set_by_user = 1 THEN title ELSE NULL END, updated_at = :now "
                      "WHERE id = :id",
                      sql::Params().Text("[]").Text("[]").Real(sql::ToSeconds(clock_.Now())).Text(key));
        if (updated == 0) return TranscriptNotFound(id);
        TakeChangeSeq(session, key);
        return Ok();
      });
}

// ---------------------------------------------------------------------------------------------
// TranscriptEvents

Result<std::int64_t> TranscriptEvents::Append(std::string_view transcript_id, std::string_view event,
                                              const Json& data) {
  std::int64_t seq = 0;
  Status status = executor_.Transaction(
      "append " + std::string(event) + " event to transcript " + sql::Quote(transcript_id),
      [&](Session& session) -> Status {
        REFLECTOR_ASSIGN_OR_RETURN(
            seq, AppendIn(session, transcript_id, event, data, sql::ToSeconds(clock_.Now())));
        return Ok();
      });
  if (!status.ok()) return std::move(status).error();
  return seq;
}

Result<std::vector<TranscriptEvent>> TranscriptEvents::List(std::string_view transcript_id,
                                                            std::int64_t after_seq, std::size_t limit) {
  std::vector<TranscriptEvent> events;
  Status status = executor_.Run(
      "list events of transcript " + sql::Quote(transcript_id), [&](Session& session) -> Status {
        TranscriptEvent event;
        sql::Row row("transcript_events");
        row.Text(&event.transcript_id)
            .Integer(&event.seq)
            .Text(&event.event)
            .JsonText(&event.data, "data", Json::object())
            .Real(&event.created_at);
        return sql::Query(session,
                          "SELECT transcript_id, seq, event, data, created_at FROM transcript_events "
                          "WHERE transcript_id = :id AND seq > :after ORDER BY seq" +
                              sql::LimitClause(limit),
                          sql::Params().Text(std::string(transcript_id)).Integer(after_seq), row,
                          [&]() -> Status {
                            events.push_back(event);
                            return Ok();
                          });
      });
  if (!status.ok()) return std::move(status).error();
  return events;
}

Status TranscriptEvents::Clear(std::string_view transcript_id) {
  return executor_.Run("clear events of transcript " + sql::Quote(transcript_id),
                       [&](Session& session) -> Status {
                         sql::Exec(session, "DELETE FROM transcript_events WHERE transcript_id = :id",
                                   sql::Params().Text(std::string(transcript_id)));
                         return Ok();
                       });
}

}  // namespace reflector::store
