#pragma once
// Recordings (one per Daily.co recording) and the meetings and consent answers around them.
// Times are Unix seconds (double). See transcripts.hpp for how repositories are used.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/rooms.hpp"  // rooms lived here; kept so that existing includes still find them

namespace reflector::store {

struct Recording {
  std::string id;  // the platform's recording id
  std::string bucket_name;
  std::string object_key;  // multitrack: the folder of the first track
  double recorded_at = 0;
  std::string status = "pending";  // pending | processing | completed | failed
  std::optional<std::string> meeting_id;
  std::optional<Json> track_keys;  // JSON array of keys; empty = no value; [] = multitrack without audio
  std::optional<std::string> workflow_id;
  double created_at = 0;
};

class Recordings {
 public:
  Recordings(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Inserts with created_at = now. Duplicate id: kConflict. track_keys must be an array if set.
  Result<Recording> Create(Recording recording);
  // NotFound naming the id.
  Result<Recording> Get(std::string_view id);
  // NotFound naming the id.
  Status SetWorkflowId(std::string_view id, std::optional<std::string> workflow_id);
  // The recording whose workflow_id matches (indexed), or nothing.
  Result<std::optional<Recording>> FindByWorkflowId(std::string_view workflow_id);

 private:
  Executor executor_;
  const Clock& clock_;
};

struct Meeting {
  std::string id;
  std::optional<std::string> room_name;
  std::optional<std::string> room_id;
  std::optional<std::string> calendar_event_id;
  std::string platform = "daily";
  double created_at = 0;
};

class Meetings {
 public:
  Meetings(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Inserts with created_at = now. Duplicate id: kConflict.
  Result<Meeting> Create(Meeting meeting);
  // NotFound naming the id.
  Result<Meeting> Get(std::string_view id);

 private:
  Executor executor_;
  const Clock& clock_;
};

struct MeetingConsent {
  std::string id;
  std::string meeting_id;
  std::optional<std::string> user_id;
  bool consent_given = false;
  double consent_timestamp = 0;  // when the answer was given (the caller's value is stored)
};

class MeetingConsents {
 public:
  explicit MeetingConsents(Executor executor) : executor_(executor) {}

  // An unknown meeting_id is kConflict (foreign key). Rows go when their meeting is deleted.
  Status Add(const MeetingConsent& consent);
  // Answers for a meeting, oldest first.
  Result<std::vector<MeetingConsent>> List(std::string_view meeting_id);
  // True when any answer for the meeting is a denial: the recording's audio must be deleted.
  Result<bool> HasAnyDenial(std::string_view meeting_id);

 private:
  Executor executor_;
};

}  // namespace reflector::store
