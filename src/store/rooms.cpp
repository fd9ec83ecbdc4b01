#include "store/rooms.hpp"

#include <array>
#include <cstdint>
#include <utility>

#include "store/sql.hpp"

namespace reflector::store {
namespace {

using sql::RequireOneOf;
using sql::RequireRange;

constexpr std::array<std::string_view, 18> kColumnNames = {
    "id",
    "name",
    "user_id",
    "zulip_auto_post",
    "zulip_stream",
    "zulip_topic",
    "webhook_url",
    "webhook_secret",
    "platform",
    "is_locked",
    "is_shared",
    "room_mode",
    "recording_type",
    "recording_trigger",
    "skip_consent",
    "store_video",
    "email_transcript_to",
    "created_at",
};

std::string Columns(bool placeholders = false) {
  std::string joined;
  for (std::string_view column : kColumnNames)
    joined += (joined.empty() ? "" : ", ") + std::string(placeholders ? ":" : "") + std::string(column);
  return joined;
}

struct RoomReader {
  Room value;
  sql::Row row{"rooms"};
  RoomReader() {
    row.Text(&value.id)
        .Text(&value.name)
        .OptionalText(&value.user_id)
        .Bool(&value.zulip_auto_post)
        .Text(&value.zulip_stream)
        .Text(&value.zulip_topic)
        .Text(&value.webhook_url)
        .Text(&value.webhook_secret)
        .Text(&value.platform)
        .Bool(&value.is_locked)
        .Bool(&value.is_shared)
        .Text(&value.room_mode)
        .Text(&value.recording_type)
        .Text(&value.recording_trigger)
        .Bool(&value.skip_consent)
        .Bool(&value.store_video)
        .OptionalText(&value.email_transcript_to)
        .Real(&value.created_at);
  }
};

Error RoomNotFound(std::string_view id) {
  return Error::NotFound("room " + sql::Quote(id) + " not found");
}

Status ValidateModes(const std::optional<std::string>& room_mode,
                     const std::optional<std::string>& recording_type,
                     const std::optional<std::string>& recording_trigger) {
  if (room_mode) REFLECTOR_TRY(RequireOneOf(*room_mode, kRoomModes, "room_mode"));
  if (recording_type) REFLECTOR_TRY(RequireOneOf(*recording_type, kRecordingTypes, "recording_type"));
  if (recording_trigger)
    REFLECTOR_TRY(RequireOneOf(*recording_trigger, kRecordingTriggers, "recording_trigger"));
  return Ok();
}

// "column = :column, ..." and their values for the set fields of a patch.
struct Assignments {
  std::string text;
  sql::Params params;

  Assignments& Text(std::string_view column, const std::optional<std::string>& value) {
    if (value) Add(column).params.Text(*value);
    return *this;
  }
  Assignments& Bool(std::string_view column, std::optional<bool> value) {
    if (value) Add(column).params.Bool(*value);
    return *this;
  }
  Assignments& Add(std::string_view column) {
    text += (text.empty() ? "" : ", ") + std::string(column) + " = :" + std::string(column);
    return *this;
  }
};

Assignments AssignmentsOf(const RoomPatch& patch) {
  Assignments out;
  out.Text("name", patch.name)
      .Bool("zulip_auto_post", patch.zulip_auto_post)
      .Text("zulip_stream", patch.zulip_stream)
      .Text("zulip_topic", patch.zulip_topic)
      .Text("webhook_url", patch.webhook_url)
      .Text("webhook_secret", patch.webhook_secret)
      .Text("platform", patch.platform)
      .Bool("is_locked", patch.is_locked)
      .Bool("is_shared", patch.is_shared)
      .Text("room_mode", patch.room_mode)
      .Text("recording_type", patch.recording_type)
      .Text("recording_trigger", patch.recording_trigger)
      .Bool("skip_consent", patch.skip_consent)
      .Bool("store_video", patch.store_video);
  if (patch.email_transcript_to)
    out.Add("email_transcript_to").params.OptionalText(*patch.email_transcript_to);
  return out;
}

Result<Room> GetIn(Session& session, std::string_view id) {
  RoomReader reader;
  REFLECTOR_ASSIGN_OR_RETURN(bool any,
                             sql::QueryOne(session, "SELECT " + Columns() + " FROM rooms WHERE id = :id",
                                           sql::Params().Text(std::string(id)), reader.row));
  if (!any) return RoomNotFound(id);
  return std::move(reader.value);
}

}  // namespace

bool RoomPatch::empty() const {
  return !name && !zulip_auto_post && !zulip_stream && !zulip_topic && !webhook_url && !webhook_secret &&
         !platform && !is_locked && !is_shared && !room_mode && !recording_type && !recording_trigger &&
         !skip_consent && !store_video && !email_transcript_to;
}

Result<Room> Rooms::Create(Room room) {
  if (room.id.empty()) return Error::InvalidInput("room id is empty");
  if (room.name.empty()) return Error::InvalidInput("name of room " + sql::Quote(room.id) + " is empty");
  REFLECTOR_TRY(ValidateModes(room.room_mode, room.recording_type, room.recording_trigger));
  room.created_at = sql::ToSeconds(clock_.Now());
  const Room& r = room;
  Status status = executor_.Run("create room " + sql::Quote(r.name), [&](Session& session) -> Status {
    sql::Exec(session, "INSERT INTO rooms (" + Columns() + ") VALUES (" + Columns(true) + ")",
              sql::Params()
                  .Text(r.id)
                  .Text(r.name)
                  .OptionalText(r.user_id)
                  .Bool(r.zulip_auto_post)
                  .Text(r.zulip_stream)
                  .Text(r.zulip_topic)
                  .Text(r.webhook_url)
                  .Text(r.webhook_secret)
                  .Text(r.platform)
                  .Bool(r.is_locked)
                  .Bool(r.is_shared)
                  .Text(r.room_mode)
                  .Text(r.recording_type)
                  .Text(r.recording_trigger)
                  .Bool(r.skip_consent)
                  .Bool(r.store_video)
                  .OptionalText(r.email_transcript_to)
                  .Real(r.created_at));
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return room;
}

Result<Room> Rooms::Get(std::string_view id) {
  std::optional<Room> found;
  Status status = executor_.Run("get room " + sql::Quote(id), [&](Session& session) -> Status {
    REFLECTOR_ASSIGN_OR_RETURN(found, GetIn(session, id));
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return std::move(*found);
}

Result<Room> Rooms::GetByName(std::string_view name) {
  std::optional<Room> found;
  Status status = executor_.Run("get room named " + sql::Quote(name), [&](Session& session) -> Status {
    RoomReader reader;
    REFLECTOR_ASSIGN_OR_RETURN(
        bool any, sql::QueryOne(session, "SELECT " + Columns() + " FROM rooms WHERE name = :name",
                                sql::Params().Text(std::string(name)), reader.row));
    if (!any) return Error::NotFound("room named " + sql::Quote(name) + " not found");
    found = std::move(reader.value);
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return std::move(*found);
}

Result<std::vector<Room>> Rooms::List(std::size_t limit) {
  std::vector<Room> rooms;
  Status status = executor_.Run("list rooms", [&](Session& session) -> Status {
    RoomReader reader;
    return sql::Query(session, "SELECT " + Columns() + " FROM rooms ORDER BY name" + sql::LimitClause(limit),
                      {}, reader.row, [&]() -> Status {
                        rooms.push_back(reader.value);
                        return Ok();
                      });
  });
  if (!status.ok()) return std::move(status).error();
  return rooms;
}

Result<RoomPage> Rooms::Query(const RoomQuery& query) {
  REFLECTOR_TRY(RequireRange(query.page, 1, INT32_MAX, "page"));
  REFLECTOR_TRY(RequireRange(query.size, 1, kMaxPageSize, "size"));
  std::string where;
  sql::Params count_params;
  sql::Params list_params;
  if (query.user_id) {
    where = query.shared ? " WHERE (user_id = :user_id OR is_shared = 1)" : " WHERE user_id = :user_id";
    count_params.Text(*query.user_id);
    list_params.Text(*query.user_id);
  } else if (query.shared) {
    where = " WHERE is_shared = 1";
  }
  RoomPage page;
  Status status = executor_.Run("query rooms", [&](Session& session) -> Status {
    sql::Row count("rooms");
    count.Integer(&page.total);
    REFLECTOR_TRY(
        sql::QueryOne(session, "SELECT COUNT(*) FROM rooms" + where, std::move(count_params), count));
    RoomReader reader;
    return sql::Query(session,
                      "SELECT " + Columns() + " FROM rooms" + where +
                          " ORDER BY created_at DESC, id DESC LIMIT " + std::to_string(query.size) +
                          " OFFSET " + std::to_string((query.page - 1) * query.size),
                      std::move(list_params), reader.row, [&]() -> Status {
                        page.items.push_back(reader.value);
                        return Ok();
                      });
  });
  if (!status.ok()) return std::move(status).error();
  return page;
}

Result<Room> Rooms::Update(std::string_view id, const RoomPatch& patch) {
  if (patch.name && patch.name->empty())
    return Error::InvalidInput("name of room " + sql::Quote(id) + " is empty");
  REFLECTOR_TRY(ValidateModes(patch.room_mode, patch.recording_type, patch.recording_trigger));
  if (patch.empty()) return Get(id);
  Assignments assignments = AssignmentsOf(patch);
  assignments.params.Text(std::string(id));
  std::string operation = "update room " + sql::Quote(id);
  if (patch.name) operation += " (name " + sql::Quote(*patch.name) + ")";
  std::optional<Room> updated;
  Status status = executor_.Transaction(operation, [&](Session& session) -> Status {
    if (sql::Exec(session, "UPDATE rooms SET " + assignments.text + " WHERE id = :id", assignments.params) ==
        0) {
      return RoomNotFound(id);
    }
    REFLECTOR_ASSIGN_OR_RETURN(updated, GetIn(session, id));
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return std::move(*updated);
}

Status Rooms::Delete(std::string_view id) {
  return executor_.Run("delete room " + sql::Quote(id), [&](Session& session) -> Status {
    if (sql::Exec(session, "DELETE FROM rooms WHERE id = :id", sql::Params().Text(std::string(id))) == 0) {
      return RoomNotFound(id);
    }
    return Ok();
  });
}

}  // namespace reflector::store
