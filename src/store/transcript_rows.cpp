#include "store/transcript_rows.hpp"

#include <array>
#include <functional>

namespace reflector::store::detail {
namespace {

constexpr std::array<std::string_view, 34> kColumnNames = {
    "id",
    "name",
    "status",
    "title",
    "title_set_by_user",
    "short_summary",
    "long_summary",
    "duration",
    "source_language",
    "target_language",
    "participants",
    "topics",
    "webvtt",
    "audio_location",
    "audio_deleted",
    "zulip_message_id",
    "user_id",
    "room_id",
    "meeting_id",
    "recording_id",
    "source_kind",
    "current_step",
    "failed_step",
    "failure_reason",
    "workflow_id",
    "engine",
    "share_mode",
    "reviewed",
    "locked",
    "deleted_at",
    "change_seq",
    "search_text",
    "created_at",
    "updated_at",
};

// What a light read selects instead of a heavy column.
std::string_view LightReplacement(std::string_view column) {
  if (column == "topics") return "'[]'";
  if (column == "webvtt" || column == "search_text") return "NULL";
  return {};
}

std::string Join(std::string_view separator, const std::function<std::string(std::string_view)>& item) {
  std::string joined;
  for (std::string_view column : kColumnNames) {
    if (!joined.empty()) joined += separator;
    joined += item(column);
  }
  return joined;
}

}  // namespace

std::string TranscriptColumns(std::string_view prefix, bool light) {
  return Join(", ", [&](std::string_view column) {
    std::string_view replacement = light ? LightReplacement(column) : std::string_view();
    if (!replacement.empty()) return std::string(replacement);
    return std::string(prefix) + std::string(column);
  });
}

std::string TranscriptPlaceholders() {
  return Join(", ", [](std::string_view column) { return ":" + std::string(column); });
}

void BindTranscript(const Transcript& t, sql::Params& params) {
  params.Text(t.id)
      .Text(t.name)
      .Text(std::string(ToString(t.status)))
      .OptionalText(t.title)
      .Bool(t.title_set_by_user)
      .OptionalText(t.short_summary)
      .OptionalText(t.long_summary)
      .Real(t.duration)
      .Text(t.source_language)
      .Text(t.target_language)
      .JsonText(t.participants)
      .JsonText(t.topics)
      .OptionalText(t.webvtt)
      .Text(t.audio_location)
      .OptionalBool(t.audio_deleted)
      .OptionalText(t.zulip_message_id)
      .OptionalText(t.user_id)
      .OptionalText(t.room_id)
      .OptionalText(t.meeting_id)
      .OptionalText(t.recording_id)
      .Text(t.source_kind)
      .OptionalText(t.current_step)
      .OptionalText(t.failed_step)
      .OptionalText(t.failure_reason)
      .OptionalText(t.workflow_id)
      .OptionalText(t.engine)
      .Text(t.share_mode)
      .Bool(t.reviewed)
      .Bool(t.locked)
      .OptionalReal(t.deleted_at)
      .Integer(t.change_seq)
      .Text(t.search_text)
      .Real(t.created_at)
      .Real(t.updated_at);
}

TranscriptReader::TranscriptReader() {
  row.Text(&value.id)
      .Text(&value.name)
      .Text(&status)
      .OptionalText(&value.title)
      .Bool(&value.title_set_by_user)
      .OptionalText(&value.short_summary)
      .OptionalText(&value.long_summary)
      .Real(&value.duration)
      .Text(&value.source_language)
      .Text(&value.target_language)
      .JsonText(&value.participants, "participants", Json::array())
      .JsonText(&value.topics, "topics", Json::array())
      .OptionalText(&value.webvtt)
      .Text(&value.audio_location)
      .OptionalBool(&value.audio_deleted)
      .OptionalText(&value.zulip_message_id)
      .OptionalText(&value.user_id)
      .OptionalText(&value.room_id)
      .OptionalText(&value.meeting_id)
      .OptionalText(&value.recording_id)
      .Text(&value.source_kind)
      .OptionalText(&value.current_step)
      .OptionalText(&value.failed_step)
      .OptionalText(&value.failure_reason)
      .OptionalText(&value.workflow_id)
      .OptionalText(&value.engine)
      .Text(&value.share_mode)
      .Bool(&value.reviewed)
      .Bool(&value.locked)
      .OptionalReal(&value.deleted_at)
      .Integer(&value.change_seq)
      .Text(&value.search_text)
      .Real(&value.created_at)
      .Real(&value.updated_at);
}

Result<Transcript> TranscriptReader::Take() {
  auto parsed = ParseTranscriptStatus(status);
  if (!parsed.ok()) {
    return Error::Terminal(
        ErrorKind::kIo, "transcripts.status of row " + sql::Quote(value.id) + ": " + parsed.error().message);
  }
  value.status = parsed.value();
  return value;
}

Error TranscriptNotFound(std::string_view id) {
  return Error::NotFound("transcript " + sql::Quote(id) + " not found");
}

Status RequireArray(const Json& value, std::string_view field, std::string_view id) {
  if (!value.is_array()) {
    return Error::InvalidInput(std::string(field) + " of transcript " + sql::Quote(id) +
                               " must be a JSON array, got " + std::string(JsonTypeName(value)));
  }
  return Ok();
}

void TakeChangeSeq(Session& session, const std::string& id) {
  sql::Exec(session, "UPDATE change_counters SET value = value + 1 WHERE name = 'transcripts'");
  sql::Exec(session,
            "UPDATE transcripts SET change_seq = (SELECT value FROM change_counters WHERE name = "
            "'transcripts') WHERE id = :id",
            sql::Params().Text(id));
}

}  // namespace reflector::store::detail
