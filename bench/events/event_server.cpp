#include "event_server.hpp"

#include "api/routes.hpp"
#include "append_schedule.hpp"
#include "core/ids.hpp"
#include "store/transcripts.hpp"

namespace reflector::bench {

Result<std::unique_ptr<EventServer>> EventServer::Start(const std::string& database_url,
                                                        bool listen_for_other_processes) {
  std::unique_ptr<EventServer> server(new EventServer());
  REFLECTOR_TRY(server->Open(database_url, listen_for_other_processes));
  return server;
}

Status EventServer::Open(const std::string& database_url, bool listen_for_other_processes) {
  REFLECTOR_ASSIGN_OR_RETURN(database_, store::Database::Open(database_url));
  REFLECTOR_TRY(database_->Migrate(clock_));
  store_log_ = std::make_unique<events::StoreEventLog>(*database_, clock_);
  log_ = std::make_unique<events::PublishingEventLog>(*store_log_, bus_);
  context_.database = database_.get();
  context_.clock = &clock_;
  context_.bus = &bus_;
  hub_ = std::make_unique<api::EventHub>(context_, *log_);
  api_.service = &context_;
  api_.events = log_.get();
  api_.bus = &bus_;
  api_.everyone_is_owner = true;  // AUTH_BACKEND=none
  api::AddEventSockets(router_, api_, *hub_);
  if (listen_for_other_processes) {
    REFLECTOR_ASSIGN_OR_RETURN(store::DatabaseTarget target, store::ParseDatabaseUrl(database_url));
    listener_ = std::make_unique<store::EventNotificationListener>(
        target.conninfo, [this](const store::EventNotification& notification) {
          {
            std::lock_guard lock(mutex_);
            notified_.emplace(std::pair(notification.transcript_id, notification.seq),
                              MonotonicNanoseconds());
          }
          hub_->Notify(notification.transcript_id, notification.seq);
        });
    REFLECTOR_TRY(listener_->Start());
  }
  http::ServerOptions options;
  options.port = 0;
  server_ = std::make_unique<http::Server>(options, router_);
  REFLECTOR_ASSIGN_OR_RETURN(port_, server_->Listen());
  serving_ = std::jthread([this] { server_->Run(); });
  return Ok();
}

EventServer::~EventServer() {
  if (server_ != nullptr) server_->Stop();
  if (serving_.joinable()) serving_.join();  // every socket (and its watch) is gone
  listener_.reset();                         // no Notify after this
  hub_.reset();
}

Result<std::string> EventServer::CreateTranscript() {
  store::Transcript transcript;
  transcript.id = NewUuid4();
  transcript.name = "events latency benchmark";
  store::Transcripts transcripts(*database_, clock_);
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript created, transcripts.Create(std::move(transcript)));
  return created.id;
}

std::map<std::int64_t, std::int64_t> EventServer::NotificationTimes(const std::string& transcript_id) const {
  std::lock_guard lock(mutex_);
  std::map<std::int64_t, std::int64_t> times;
  for (const auto& [key, when] : notified_) {
    if (key.first == transcript_id) times.emplace(key.second, when);
  }
  return times;
}

}  // namespace reflector::bench
