#pragma once
// Platform `daily`: recordings made by Daily.co, described by its REST API.
//
// Participants: each track's key is `{rec_start_ms}-{participant_uuid}-cam-audio-{track_start_ms}`
// (any folder prefix). Track i is speaker i, named after the meeting participant whose
// participant_id is in its key (Daily's user_name), else the track's `participant_name`, else
// "Speaker {i}". A key that does not follow the pattern gets no participant entry (it is still
// transcribed; Reflector does the same). Several tracks of one person (a recording stopped and
// restarted) each get an entry, with the same participant_id.
// A missing meeting session id is not an error: nobody is asked and the names fall back as
// above; so does an unknown session (404). Other Daily.co errors are returned as they are
// (5xx/429/timeouts retryable).

#include <optional>
#include <string>

#include "platform/daily/daily_client.hpp"
#include "platform/platform.hpp"

namespace reflector::platform {

// The parts of a Daily raw-track key.
struct DailyTrackKey {
  std::string recording_start_ms;
  std::string participant_id;
  std::string track_start_ms;
};

// Parses the key's base name (after the last '/'); nullopt when it is not a cam-audio key.
std::optional<DailyTrackKey> ParseDailyTrackKey(std::string_view key);

class DailyPlatform final : public RecordingPlatform {
 public:
  // `client` must outlive the platform. Thread-safe as the client is.
  explicit DailyPlatform(DailyClient& client) : client_(client) {}
  std::string_view Name() const override { return "daily"; }
  // Duration in seconds (0 while Daily has none).
  Result<RecordingInfo> GetRecording(const std::string& recording_id, std::stop_token stop) override;
  Result<std::vector<Participant>> GetParticipants(const std::optional<std::string>& mtg_session_id,
                                                   const Json& tracks, std::stop_token stop) override;

 private:
  DailyClient& client_;
};

}  // namespace reflector::platform
