#include "store/recordings.hpp"

#include <utility>

#include "store/sql.hpp"

namespace reflector::store {
namespace {

// ---------------------------------------------------------------------------------------------
// Recordings

constexpr std::string_view kRecordingColumns =
    "id, bucket_name, object_key, recorded_at, status, meeting_id, track_keys, workflow_id, created_at";

struct RecordingReader {
  Recording value;
  sql::Row row{"recordings"};
  RecordingReader() {
    row.Text(&value.id)
        .Text(&value.bucket_name)
        .Text(&value.object_key)
        .Real(&value.recorded_at)
        .Text(&value.status)
        .OptionalText(&value.meeting_id)
        .OptionalJsonText(&value.track_keys, "track_keys")
        .OptionalText(&value.workflow_id)
        .Real(&value.created_at);
  }
};

// ---------------------------------------------------------------------------------------------
// Meetings

constexpr std::string_view kMeetingColumns =
    "id, room_name, room_id, calendar_event_id, platform, created_at";

struct MeetingReader {
  Meeting value;
  sql::Row row{"meetings"};
  MeetingReader() {
    row.Text(&value.id)
        .OptionalText(&value.room_name)
        .OptionalText(&value.room_id)
        .OptionalText(&value.calendar_event_id)
        .Text(&value.platform)
        .Real(&value.created_at);
  }
};

}  // namespace

Result<Recording> Recordings::Create(Recording recording) {
  if (recording.id.empty()) return Error::InvalidInput("recording id is empty");
  if (recording.track_keys && !recording.track_keys->is_array()) {
    return Error::InvalidInput("track_keys of recording " + sql::Quote(recording.id) +
                               " must be a JSON array");
  }
  recording.created_at = sql::ToSeconds(clock_.Now());
  const Recording& r = recording;
  Status status = executor_.Run("create recording " + sql::Quote(r.id), [&](Session& session) -> Status {
    std::optional<std::string> track_keys;
    if (r.track_keys) track_keys = DumpCompact(*r.track_keys);
    sql::Exec(
        session,
        "INSERT INTO recordings (" + std::string(kRecordingColumns) +
            ") VALUES (:id, :bucket_name, :object_key, :recorded_at, :status, :meeting_id, :track_keys, "
            ":workflow_id, :created_at)",
        sql::Params()
            .Text(r.id)
            .Text(r.bucket_name)
            .Text(r.object_key)
            .Real(r.recorded_at)
            .Text(r.status)
            .OptionalText(r.meeting_id)
            .OptionalText(track_keys)
            .OptionalText(r.workflow_id)
            .Real(r.created_at));
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return recording;
}

Result<Recording> Recordings::Get(std::string_view id) {
  std::optional<Recording> found;
  Status status = executor_.Run("get recording " + sql::Quote(id), [&](Session& session) -> Status {
    RecordingReader reader;
    REFLECTOR_ASSIGN_OR_RETURN(
        bool any,
        sql::QueryOne(session, "SELECT " + std::string(kRecordingColumns) + " FROM recordings WHERE id = :id",
                      sql::Params().Text(std::string(id)), reader.row));
    if (!any) return Error::NotFound("recording " + sql::Quote(id) + " not found");
    found = std::move(reader.value);
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return std::move(*found);
}

Status Recordings::SetWorkflowId(std::string_view id, std::optional<std::string> workflow_id) {
  return executor_.Run("set workflow id of recording " + sql::Quote(id), [&](Session& session) -> Status {
    if (sql::Exec(session, "UPDATE recordings SET workflow_id = :workflow_id WHERE id = :id",
                  sql::Params().OptionalText(workflow_id).Text(std::string(id))) == 0) {
      return Error::NotFound("recording " + sql::Quote(id) + " not found");
    }
    return Ok();
  });
}

Result<std::optional<Recording>> Recordings::FindByWorkflowId(std::string_view workflow_id) {
  std::optional<Recording> found;
  Status status = executor_.Run(
      "find recording by workflow id " + sql::Quote(workflow_id), [&](Session& session) -> Status {
        RecordingReader reader;
        return sql::Query(
            session,
            "SELECT " + std::string(kRecordingColumns) +
                " FROM recordings WHERE workflow_id = :workflow_id ORDER BY created_at, id LIMIT 1",
            sql::Params().Text(std::string(workflow_id)), reader.row, [&]() -> Status {
              found = reader.value;
              return Ok();
            });
      });
  if (!status.ok()) return std::move(status).error();
  return found;
}

// ---------------------------------------------------------------------------------------------
// Meetings

Result<Meeting> Meetings::Create(Meeting meeting) {
  if (meeting.id.empty()) return Error::InvalidInput("meeting id is empty");
  meeting.created_at = sql::ToSeconds(clock_.Now());
  const Meeting& m = meeting;
  Status status = executor_.Run("create meeting " + sql::Quote(m.id), [&](Session& session) -> Status {
    sql::Exec(session,
              "INSERT INTO meetings (" + std::string(kMeetingColumns) +
                  ") VALUES (:id, :room_name, :room_id, :calendar_event_id, :platform, :created_at)",
              sql::Params()
                  .Text(m.id)
                  .OptionalText(m.room_name)
                  .OptionalText(m.room_id)
                  .OptionalText(m.calendar_event_id)
                  .Text(m.platform)
                  .Real(m.created_at));
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return meeting;
}

Result<Meeting> Meetings::Get(std::string_view id) {
  std::optional<Meeting> found;
  Status status = executor_.Run("get meeting " + sql::Quote(id), [&](Session& session) -> Status {
    MeetingReader reader;
    REFLECTOR_ASSIGN_OR_RETURN(
        bool any,
        sql::QueryOne(session, "SELECT " + std::string(kMeetingColumns) + " FROM meetings WHERE id = :id",
                      sql::Params().Text(std::string(id)), reader.row));
    if (!any) return Error::NotFound("meeting " + sql::Quote(id) + " not found");
    found = std::move(reader.value);
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return std::move(*found);
}

// ---------------------------------------------------------------------------------------------
// MeetingConsents

Status MeetingConsents::Add(const MeetingConsent& consent) {
  if (consent.id.empty()) return Error::InvalidInput("meeting consent id is empty");
  return executor_.Run(
      "add consent " + sql::Quote(consent.id) + " to meeting " + sql::Quote(consent.meeting_id),
      [&](Session& session) -> Status {
        sql::Exec(session,
                  "INSERT INTO meeting_consent (id, meeting_id, user_id, consent_given, "
                  "consent_timestamp) VALUES (:id, :meeting_id, :user_id, :given, :timestamp)",
                  sql::Params()
                      .Text(consent.id)
                      .Text(consent.meeting_id)
                      .OptionalText(consent.user_id)
                      .Bool(consent.consent_given)
                      .Real(consent.consent_timestamp));
        return Ok();
      });
}

Result<std::vector<MeetingConsent>> MeetingConsents::List(std::string_view meeting_id) {
  std::vector<MeetingConsent> consents;
  Status status =
      executor_.Run("list consent of meeting " + sql::Quote(meeting_id), [&](Session& session) -> Status {
        MeetingConsent consent;
        sql::Row row("meeting_consent");
        row.Text(&consent.id)
            .Text(&consent.meeting_id)
            .OptionalText(&consent.user_id)
            .Bool(&consent.consent_given)
            .Real(&consent.consent_timestamp);
        return sql::Query(
            session,
            "SELECT id, meeting_id, user_id, consent_given, consent_timestamp FROM meeting_consent "
            "WHERE meeting_id = :meeting_id ORDER BY consent_timestamp, id",
            sql::Params().Text(std::string(meeting_id)), row, [&]() -> Status {
              consents.push_back(consent);
              return Ok();
            });
      });
  if (!status.ok()) return std::move(status).error();
  return consents;
}

Result<bool> MeetingConsents::HasAnyDenial(std::string_view meeting_id) {
  std::int64_t denials = 0;
  Status status = executor_.Run(
      "check consent denial of meeting " + sql::Quote(meeting_id), [&](Session& session) -> Status {
        sql::Row row("meeting_consent");
        row.Integer(&denials);
        REFLECTOR_TRY(sql::QueryOne(session,
                                    "SELECT COUNT(*) FROM meeting_consent "
                                    "WHERE meeting_id = :meeting_id AND consent_given = 0",
                                    sql::Params().Text(std::string(meeting_id)), row));
        return Ok();
      });
  if (!status.ok()) return std::move(status).error();
  return denials > 0;
}

}  // namespace reflector::store
