#pragma once
// The events part of `reflector serve` (src/app/serve_support.cpp) in the benchmark's process:
// a database, the PublishingEventLog the in-process engine's tasks append through, an EventHub
// on its bus, the WebSocket routes of api::AddEventSockets, and an http::Server on a free
// loopback port. With `listen_for_other_processes` (PostgreSQL) an EventNotificationListener
// feeds EventHub::Notify, as serve does, and notes when each notification arrived.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "api/api_context.hpp"
#include "api/event_hub.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "events/events.hpp"
#include "events/store_event_log.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "store/database.hpp"
#include "store/event_notifications.hpp"

namespace reflector::bench {

class EventServer {
 public:
  // Opens (and migrates) the database at `database_url` and starts serving.
  static Result<std::unique_ptr<EventServer>> Start(const std::string& database_url,
                                                    bool listen_for_other_processes);
  ~EventServer();
  EventServer(const EventServer&) = delete;
  EventServer& operator=(const EventServer&) = delete;

  [[nodiscard]] int port() const { return port_; }
  // Appends here reach the sockets through the bus (as the in-process engine's tasks do).
  events::EventLog& log() { return *log_; }
  // The database alone, without the bus (the reference).
  events::EventLog& store_log() { return *store_log_; }
  api::EventHub& hub() { return *hub_; }
  // A new, empty transcript (no owner: anyone may watch it) to append to.
  Result<std::string> CreateTranscript();
  // When each notification for the transcript arrived (MonotonicNanoseconds), by seq.
  std::map<std::int64_t, std::int64_t> NotificationTimes(const std::string& transcript_id) const;

 private:
  EventServer() = default;
  Status Open(const std::string& database_url, bool listen_for_other_processes);

  SystemClock clock_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<events::StoreEventLog> store_log_;
  events::EventBus bus_;
  std::unique_ptr<events::PublishingEventLog> log_;
  service::ServiceContext context_;
  std::unique_ptr<api::EventHub> hub_;
  api::ApiContext api_;
  http::Router router_;
  std::unique_ptr<store::EventNotificationListener> listener_;
  std::unique_ptr<http::Server> server_;
  int port_ = 0;
  std::jthread serving_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> notified_;
};

}  // namespace reflector::bench
