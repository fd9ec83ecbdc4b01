#pragma once
// The outgoing-webhook delivery log: one row per attempt (sent, refused by the receiver, or no
// answer), so a failed delivery that the pipeline did not retry is still on record. Rows go
// with their transcript.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace reflector::store {

struct WebhookDelivery {
  std::string id;
  std::string transcript_id;
  std::optional<std::string> room_id;
  std::string event;               // "transcript.completed"
  std::string event_id;            // the same for every attempt of one delivery
  std::string url;                 // without its query string (it may carry a token)
  int attempt = 0;                 // 0 for the first attempt, as in X-Webhook-Retry
  std::optional<int> status_code;  // none when no HTTP response arrived
  bool success = false;            // a 2xx answer
  std::optional<std::string> error;
  double created_at = 0;
};

class WebhookDeliveries {
 public:
  WebhookDeliveries(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Inserts with created_at = now (id required). An unknown transcript is kConflict.
  Status Record(WebhookDelivery delivery);
  // The transcript's attempts, oldest first.
  Result<std::vector<WebhookDelivery>> List(std::string_view transcript_id);

 private:
  Executor executor_;
  const Clock& clock_;
};

}  // namespace reflector::store
