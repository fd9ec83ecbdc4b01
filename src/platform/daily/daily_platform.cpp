#include "platform/daily/daily_platform.hpp"

#include <map>
#include <regex>

#include "core/log.hpp"

namespace reflector::platform {

std::optional<DailyTrackKey> ParseDailyTrackKey(std::string_view key) {
  static const std::regex kPattern(R"((\d{13,})-([0-9a-fA-F-]{36})-cam-audio-(\d{13,}))");
  std::size_t slash = key.rfind('/');
  std::string base(slash == std::string_view::npos ? key : key.substr(slash + 1));
  std::smatch match;
  if (!std::regex_search(base, match, kPattern)) return std::nullopt;
  return DailyTrackKey{match[1].str(), match[2].str(), match[3].str()};
}

Result<RecordingInfo> DailyPlatform::GetRecording(const std::string& recording_id, std::stop_token stop) {
  REFLECTOR_ASSIGN_OR_RETURN(DailyRecording recording, client_.GetRecording(recording_id, stop));
  RecordingInfo info;
  info.id = recording.id;
  info.mtg_session_id = recording.mtg_session_id;
  info.room_name = recording.room_name;
  info.duration = recording.duration.value_or(0);
  return info;
}

Result<std::vector<Participant>> DailyPlatform::GetParticipants(
    const std::optional<std::string>& mtg_session_id, const Json& tracks, std::stop_token stop) {
  if (!tracks.is_array()) return Error::InvalidInput("field 'tracks' must be an array");
  struct Known {
    std::optional<std::string> user_name;
    std::optional<std::string> user_id;
  };
  std::map<std::string, Known> known;
  if (mtg_session_id && !mtg_session_id->empty()) {
    auto participants = client_.GetMeetingParticipants(*mtg_session_id, stop);
    if (participants) {
      for (const auto& participant : *participants)
        known[participant.participant_id] = {participant.user_name, participant.user_id};
    } else if (participants.error().kind == ErrorKind::kNotFound) {
      log::Warn("Daily.co does not know the meeting session; using generic speaker names",
                {{"mtg_session_id", *mtg_session_id}, {"error", participants.error().message}});
    } else {
      return participants.error();
    }
  }

  std::vector<Participant> result;
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    const std::string where = "tracks[" + std::to_string(i) + "]";
    if (!tracks[i].is_object()) return Error::InvalidInput("field '" + where + "' must be an object");
    auto key = GetString(tracks[i], "s3_key");
    if (!key) return key.error().WithContext(where);
    auto given_name = GetOptionalString(tracks[i], "participant_name");
    if (!given_name) return given_name.error().WithContext(where);
    auto parsed = ParseDailyTrackKey(*key);
    if (!parsed) {
      log::Warn("track key is not a Daily cam-audio key; no participant for it",
                {{"track_index", static_cast<int>(i)}, {"s3_key", *key}});
      continue;
    }
    Participant participant;
    participant.participant_id = parsed->participant_id;
    participant.speaker = static_cast<int>(i);
    if (auto it = known.find(parsed->participant_id); it != known.end()) {
      participant.user_name = it->second.user_name.value_or("");
      participant.user_id = it->second.user_id;
    }
    if (participant.user_name.empty()) participant.user_name = given_name->value_or("");
    if (participant.user_name.empty()) participant.user_name = "Speaker " + std::to_string(i);
    result.push_back(std::move(participant));
  }
  return result;
}

}  // namespace reflector::platform
