#pragma once
// Rooms: where meetings happen, with their Zulip, webhook, recording and sharing settings.
// Times are Unix seconds (double). See transcripts.hpp for how repositories are used.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/paging.hpp"

namespace reflector::store {

inline constexpr std::string_view kRoomModes[] = {"normal", "group"};
inline constexpr std::string_view kRecordingTypes[] = {"none", "local", "cloud"};
inline constexpr std::string_view kRecordingTriggers[] = {"none", "prompt", "automatic",
                                                          "automatic-2nd-participant"};

// Defaults are Reflector's.
struct Room {
  std::string id;
  std::string name;  // unique
  std::optional<std::string> user_id;
  bool zulip_auto_post = false;
  std::string zulip_stream;
  std::string zulip_topic;
  std::string webhook_url;
  std::string webhook_secret;
  std::string platform = "daily";
  bool is_locked = false;
  bool is_shared = false;                                       // everyone sees the room and its transcripts
  std::string room_mode = "normal";                             // one of kRoomModes
  std::string recording_type = "cloud";                         // one of kRecordingTypes
  std::string recording_trigger = "automatic-2nd-participant";  // one of kRecordingTriggers
  bool skip_consent = false;
  bool store_video = false;
  std::optional<std::string> email_transcript_to;
  double created_at = 0;
};

// The fields PATCH /v1/rooms/{id} may change; unset fields stay as they are.
struct RoomPatch {
  std::optional<std::string> name{};
  std::optional<bool> zulip_auto_post{};
  std::optional<std::string> zulip_stream{};
  std::optional<std::string> zulip_topic{};
  std::optional<std::string> webhook_url{};
  std::optional<std::string> webhook_secret{};
  std::optional<std::string> platform{};
  std::optional<bool> is_locked{};
  std::optional<bool> is_shared{};
  std::optional<std::string> room_mode{};
  std::optional<std::string> recording_type{};
  std::optional<std::string> recording_trigger{};
  std::optional<bool> skip_consent{};
  std::optional<bool> store_video{};
  // Set to std::optional<std::string>() (no address inside) to clear it.
  std::optional<std::optional<std::string>> email_transcript_to{};

  [[nodiscard]] bool empty() const;
};

// GET /v1/rooms: rooms owned by `user_id` (when set) plus shared rooms (when `shared`); with
// neither, every room. A logged-in user: {user_id, shared = true}; nobody: {nullopt, true}.
struct RoomQuery {
  std::optional<std::string> user_id{};
  bool shared = false;
  std::int64_t page = 1;   // 1-based
  std::int64_t size = 50;  // 1..kMaxPageSize
};

struct RoomPage {
  std::vector<Room> items{};  // newest first (created_at, then id, descending)
  std::int64_t total = 0;     // every matching room
};

class Rooms {
 public:
  Rooms(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Inserts with created_at = now. A duplicate id or name is kConflict naming the name.
  // InvalidInput naming room_mode, recording_type or recording_trigger for unknown values.
  Result<Room> Create(Room room);
  // NotFound naming the id / the name.
  Result<Room> Get(std::string_view id);
  Result<Room> GetByName(std::string_view name);
  // Ordered by name; limit 0 = all.
  Result<std::vector<Room>> List(std::size_t limit = 0);
  // One page (see RoomQuery). InvalidInput naming page or size when out of range.
  Result<RoomPage> Query(const RoomQuery& query);

  // Applies the set fields and returns the stored room; an empty patch changes nothing. NotFound
  // naming the id; a name another room has is kConflict naming the name; InvalidInput as Create.
  Result<Room> Update(std::string_view id, const RoomPatch& patch);
  // NotFound naming the id. Transcripts and meetings keep their room_id.
  Status Delete(std::string_view id);

 private:
  Executor executor_;
  const Clock& clock_;
};

}  // namespace reflector::store
