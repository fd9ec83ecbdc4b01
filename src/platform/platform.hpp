#pragma once
// Where recordings come from. `daily` asks Daily.co's REST API; `local` reads what the CLI
// recorded in the database when it was given files. Tasks pick the platform named in the
// workflow input.

#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace reflector::platform {

struct RecordingInfo {
  std::string id;
  std::optional<std::string> mtg_session_id;
  std::string room_name;
  double duration = 0;  // seconds; 0 when unknown
};

struct Participant {
  std::string participant_id;
  std::string user_name;
  std::optional<std::string> user_id;
  int speaker = 0;  // the track index
};

class RecordingPlatform {
 public:
  virtual ~RecordingPlatform() = default;
  virtual std::string_view Name() const = 0;
  // NotFound (terminal) for an unknown recording; network problems are retryable.
  virtual Result<RecordingInfo> GetRecording(const std::string& recording_id, std::stop_token stop) = 0;
  // One entry per track that can be attributed; `tracks` is the workflow input's track list
  // ([{s3_key, participant_name?}]). A missing session id is not an error.
  virtual Result<std::vector<Participant>> GetParticipants(const std::optional<std::string>& mtg_session_id,
                                                           const Json& tracks, std::stop_token stop) = 0;
};

}  // namespace reflector::platform
