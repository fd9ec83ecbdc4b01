#include "store/event_notifications.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>

#include "core/log.hpp"

namespace reflector::store {

std::optional<EventNotification> ParseEventNotification(std::string_view payload) {
  const std::size_t space = payload.rfind(' ');
  if (space == std::string_view::npos || space == 0) return std::nullopt;
  EventNotification notification;
  notification.transcript_id = std::string(payload.substr(0, space));
  const std::string_view seq = payload.substr(space + 1);
  auto [end, ec] = std::from_chars(seq.data(), seq.data() + seq.size(), notification.seq);
  if (ec != std::errc{} || end != seq.data() + seq.size()) return std::nullopt;
  return notification;
}

struct EventNotificationListener::Connection {
  PGconn* handle = nullptr;
  ~Connection() {
    if (handle != nullptr) PQfinish(handle);
  }
};

namespace {

using ConnectionPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;

Result<ConnectionPtr> ConnectAndListen(const std::string& conninfo) {
  ConnectionPtr connection(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (connection == nullptr || PQstatus(connection.get()) != CONNECTION_OK) {
    std::string message = connection ? PQerrorMessage(connection.get()) : "out of memory";
    return Error::Transient(ErrorKind::kUnavailable,
                            "event notifications: cannot connect to PostgreSQL: " + message);
  }
  const std::string listen = "LISTEN " + std::string(kEventsChannel);
  PGresult* result = PQexec(connection.get(), listen.c_str());
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  PQclear(result);
  if (!ok) {
    return Error::Transient(ErrorKind::kUnavailable, "event notifications: LISTEN failed: " +
                                                         std::string(PQerrorMessage(connection.get())));
  }
  return connection;
}

}  // namespace

EventNotificationListener::EventNotificationListener(std::string conninfo, Callback callback,
                                                     std::function<void()> reconnected)
    : conninfo_(std::move(conninfo)), callback_(std::move(callback)), reconnected_(std::move(reconnected)) {}

EventNotificationListener::~EventNotificationListener() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

Status EventNotificationListener::Start() {
  REFLECTOR_ASSIGN_OR_RETURN(ConnectionPtr connection, ConnectAndListen(conninfo_));
  connection_ = std::make_unique<Connection>();
  connection_->handle = connection.release();
  thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
  return Ok();
}

void EventNotificationListener::Run(std::stop_token stop) {
  std::chrono::milliseconds backoff(200);
  while (!stop.stop_requested()) {
    PGconn* handle = connection_->handle;
    if (handle == nullptr || PQstatus(handle) != CONNECTION_OK) {
      std::this_thread::sleep_for(backoff);
      auto again = ConnectAndListen(conninfo_);
      if (!again) {
        log::Warn("event notifications: reconnect failed", {{"error", again.error().message}});
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        continue;
      }
      if (connection_->handle != nullptr) PQfinish(connection_->handle);
      connection_->handle = again->release();
      backoff = std::chrono::milliseconds(200);
      if (reconnected_) reconnected_();
      continue;
    }
    pollfd descriptor{PQsocket(handle), POLLIN, 0};
    const int ready = ::poll(&descriptor, 1, 200);  // wakes up to see the stop request
    if (ready < 0) continue;
    if (ready > 0 && PQconsumeInput(handle) == 0) {
      log::Warn("event notifications: connection lost", {{"error", std::string(PQerrorMessage(handle))}});
      PQfinish(handle);
      connection_->handle = nullptr;
      continue;
    }
    while (PGnotify* notify = PQnotifies(handle)) {
      if (auto parsed = ParseEventNotification(notify->extra)) callback_(*parsed);
      PQfreemem(notify);
    }
  }
}

}  // namespace reflector::store
