#pragma once
// Cross-process event delivery on PostgreSQL: every appended transcript event sends
// NOTIFY reflector_events '<transcript id> <seq>' in its transaction (TranscriptEvents::Append),
// and an EventNotificationListener in the API server LISTENs on its own connection and reports
// each notification. Notifications only say "there is more"; readers fetch the events by seq, so
// a lost notification delays an event (until the transcript's next notification), never loses
// it. Notifications sent while the connection was down never arrive: the `reconnected` callback
// is where readers catch up on everything they follow (`serve` calls EventHub::CatchUpAll).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "core/result.hpp"

namespace reflector::store {

inline constexpr std::string_view kEventsChannel = "reflector_events";

// "<transcript id> <seq>" as sent; nullopt for anything else.
struct EventNotification {
  std::string transcript_id;
  std::int64_t seq = 0;
};
std::optional<EventNotification> ParseEventNotification(std::string_view payload);

class EventNotificationListener {
 public:
  using Callback = std::function<void(const EventNotification&)>;
  // `reconnected` is called after the connection was lost and made again (events may have been
  // missed meanwhile: readers should catch up).
  EventNotificationListener(std::string conninfo, Callback callback, std::function<void()> reconnected = {});
  ~EventNotificationListener();
  EventNotificationListener(const EventNotificationListener&) = delete;
  EventNotificationListener& operator=(const EventNotificationListener&) = delete;

  // Connects and LISTENs once (so a wrong URL is reported at start-up), then keeps listening on
  // a background thread, reconnecting with a back-off when the connection drops.
  Status Start();

 private:
  void Run(std::stop_token stop);

  std::string conninfo_;
  Callback callback_;
  std::function<void()> reconnected_;
  struct Connection;
  std::unique_ptr<Connection> connection_;
  std::jthread thread_;
};

}  // namespace reflector::store
