// get_recording: the recording's metadata from its platform. (As the first step, its wrapper
// has already made the transcript `processing`.)

#include "pipeline/tasks.hpp"
#include "pipeline/tasks/task_helpers.hpp"
#include "store/transcripts.hpp"

namespace reflector::pipeline {

Result<Json> GetRecording(TaskContext& context) {
  store::Transcripts transcripts(context.database(), context.clock());
  REFLECTOR_ASSIGN_OR_RETURN(auto optional_id, GetOptionalString(context.input(), "recording_id"));
  std::string recording_id = optional_id.value_or("");
  if (recording_id.empty()) {
    REFLECTOR_ASSIGN_OR_RETURN(store::Transcript transcript, transcripts.Get(context.transcript_id()));
    recording_id = transcript.recording_id.value_or("");
  }
  if (recording_id.empty()) {
    return Error::InvalidInput("field 'recording_id' is missing and transcript " + context.transcript_id() +
                               " has no recording");
  }
  REFLECTOR_ASSIGN_OR_RETURN(platform::RecordingPlatform * platform, FindPlatform(context, context.input()));
  REFLECTOR_ASSIGN_OR_RETURN(platform::RecordingInfo info,
                             platform->GetRecording(recording_id, context.stop()));
  Json output = {{"id", info.id}, {"room_name", info.room_name}, {"duration", info.duration}};
  output["mtg_session_id"] = info.mtg_session_id ? Json(*info.mtg_session_id) : Json(nullptr);
  return output;
}

}  // namespace reflector::pipeline
