#include "platform/local/local_platform.hpp"

namespace reflector::platform {

Result<RecordingInfo> LocalPlatform::GetRecording(const std::string& recording_id, std::stop_token /*stop*/) {
  store::Recordings recordings(database_, clock_);
  auto recording = recordings.Get(recording_id);
  if (!recording) return recording.error();
  RecordingInfo info;
  info.id = recording->id;
  info.room_name = "local";
  return info;
}

Result<std::vector<Participant>> LocalPlatform::GetParticipants(const std::optional<std::string>& /*session*/,
                                                                const Json& tracks,
                                                                std::stop_token /*stop*/) {
  if (!tracks.is_array()) return Error::InvalidInput("field 'tracks' must be an array");
  std::vector<Participant> participants;
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    Participant participant;
    participant.speaker = static_cast<int>(i);
    participant.participant_id = "track-" + std::to_string(i);
    auto name = GetOptionalString(tracks[i], "participant_name");
    if (!name) return name.error().WithContext("tracks[" + std::to_string(i) + "]");
    participant.user_name = name->value_or("");
    if (participant.user_name.empty()) participant.user_name = "Speaker " + std::to_string(i);
    participants.push_back(std::move(participant));
  }
  return participants;
}

}  // namespace reflector::platform
