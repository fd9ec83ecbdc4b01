#pragma once
// The HTTP/1.1 and WebSocket server (Boost.Beast, kept inside server.cpp and
// websocket_connection.cpp). One thread per connection, each with its own I/O context, so a
// handler may block (database, object storage) without holding up anybody else, while every
// read and write still has a deadline: a client that sends its headers or body too slowly, or
// stays idle between requests, is disconnected.
//
// Stop() is graceful: the listening socket closes, idle connections are closed, requests in
// progress finish (their connection then closes), WebSockets are closed with 1001, and Run()
// returns once every connection is gone.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "http/router.hpp"

namespace reflector::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 1250;                                           // 0: any free port (Listen returns it)
  std::uint64_t max_body_bytes = std::uint64_t{1024} << 20;  // 413 beyond
  std::chrono::seconds header_timeout{30};                   // to receive a request's headers
  std::chrono::seconds body_timeout{60};                     // between two pieces of a request body
  std::chrono::seconds idle_timeout{75};   // a kept-alive connection waiting for its next request
  std::chrono::seconds write_timeout{60};  // to send one piece of a response
  int max_connections = 512;               // beyond: 503 and close
  // Open connections from one client address; beyond: 503 and close, so that one client (a
  // slowloris sending its headers a byte at a time) cannot take every connection. 0: no limit
  // (behind a reverse proxy every client has the proxy's address).
  int max_connections_per_client = 64;
  std::size_t websocket_outbox_limit = 10000;       // queued messages before a slow client is dropped
  std::chrono::seconds websocket_idle_timeout{60};  // pings keep a live client open
};

struct ServerState;  // inside the server (connection.hpp)

struct ServerCounters {
  std::size_t connections = 0;
  std::size_t websockets = 0;
};

class Server {
 public:
  // `router` must outlive the server.
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the port (useful with port 0). An address in use or a host that
  // does not resolve is an Error naming host and port.
  Result<int> Listen();
  // Accepts connections until Stop(), then waits for every connection to finish.
  void Run();
  // Thread-safe, idempotent; returns at once (Run returns when the connections are done).
  void Stop();
  [[nodiscard]] ServerCounters counters() const;

 private:
  std::shared_ptr<ServerState> state_;
};

}  // namespace reflector::http
