#pragma once
// Platform `local`: recordings the CLI created from files. The recording row holds the track
// keys; participant names come from the tracks (`participant_name`), else "Speaker {i}".

#include "core/clock.hpp"
#include "platform/platform.hpp"
#include "store/recordings.hpp"

namespace reflector::platform {

class LocalPlatform final : public RecordingPlatform {
 public:
  LocalPlatform(store::Database& database, const Clock& clock) : database_(database), clock_(clock) {}
  std::string_view Name() const override { return "local"; }
  Result<RecordingInfo> GetRecording(const std::string& recording_id, std::stop_token stop) override;
  Result<std::vector<Participant>> GetParticipants(const std::optional<std::string>& mtg_session_id,
                                                   const Json& tracks, std::stop_token stop) override;

 private:
  store::Database& database_;
  const Clock& clock_;
};

}  // namespace reflector::platform
