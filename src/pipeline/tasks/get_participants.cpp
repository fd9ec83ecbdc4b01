// get_participants: who spoke on which track; stored as transcript.participants.

#include "pipeline/tasks.hpp"
#include "pipeline/tasks/task_helpers.hpp"
#include "store/transcripts.hpp"

namespace reflector::pipeline {

Result<Json> GetParticipants(TaskContext& context) {
  const Json& input = context.input();
  REFLECTOR_ASSIGN_OR_RETURN(Json tracks, GetArray(input, "tracks"));
  REFLECTOR_ASSIGN_OR_RETURN(auto session, GetOptionalString(input, "mtg_session_id"));
  REFLECTOR_ASSIGN_OR_RETURN(platform::RecordingPlatform * platform, FindPlatform(context, input));
  REFLECTOR_ASSIGN_OR_RETURN(auto participants, platform->GetParticipants(session, tracks, context.stop()));
  Json stored = Json::array();
  Json output = Json::array();
  for (const auto& participant : participants) {
    Json user_id = participant.user_id ? Json(*participant.user_id) : Json(nullptr);
    stored.push_back({{"id", participant.participant_id},
                      {"speaker", participant.speaker},
                      {"name", participant.user_name},
                      {"user_id", user_id}});
    output.push_back({{"participant_id", participant.participant_id},
                      {"user_name", participant.user_name},
                      {"user_id", user_id},
                      {"speaker", participant.speaker}});
  }
  store::Transcripts transcripts(context.database(), context.clock());
  REFLECTOR_TRY(transcripts.SetParticipants(context.transcript_id(), stored));
  return Json{{"participants", output}};
}

}  // namespace reflector::pipeline
