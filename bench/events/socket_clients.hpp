#pragma once
// N real WebSocket clients (tests/support/websocket_client.hpp) on one events socket, each
// reading on its own thread and noting when every stamped event (append_schedule.hpp) arrived.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "append_schedule.hpp"
#include "core/result.hpp"
#include "support/websocket_client.hpp"

namespace reflector::bench {

struct Delivery {
  Stamp stamp;
  std::int64_t received_ns = 0;  // MonotonicNanoseconds() when Read returned the message

  [[nodiscard]] std::int64_t latency_ns() const { return received_ns - stamp.sent_ns; }
};

struct ClientReport {
  std::vector<Delivery> deliveries;  // in arrival order
  std::string problem;               // why it stopped early ("" when every event came)
};

class SocketClients {
 public:
  // Opens `count` sockets to ws://127.0.0.1:port/target.
  static Result<std::unique_ptr<SocketClients>> Connect(int port, const std::string& target, int count);
  ~SocketClients();
  SocketClients(const SocketClients&) = delete;
  SocketClients& operator=(const SocketClients&) = delete;

  // Starts the readers: each reads until `expected` stamped events came, the socket closed, or
  // nothing came for `idle_timeout`.
  void Start(int expected, std::chrono::milliseconds idle_timeout);
  // Waits for every reader; one report per client.
  std::vector<ClientReport> Wait();

 private:
  SocketClients() = default;

  std::vector<std::unique_ptr<testing::WebSocketClient>> clients_;
  std::vector<ClientReport> reports_;
  std::vector<std::jthread> readers_;
};

}  // namespace reflector::bench
