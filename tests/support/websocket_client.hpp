#pragma once
// A real WebSocket client for tests (Boost.Beast, kept in websocket_client.cpp): connects to a
// server under test, reads text messages with a deadline, and reports how the server closed.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace reflector::testing {

struct WebSocketMessage {
  bool closed = false;  // the server closed the socket (or the connection dropped)
  std::uint16_t close_code = 0;
  std::string text;  // the message when !closed
};

class WebSocketClient {
 public:
  // Handshake to ws://host:port/target offering `protocols` (Sec-WebSocket-Protocol). A refused
  // handshake is an Error whose message holds the HTTP status ("HTTP 403").
  static Result<std::unique_ptr<WebSocketClient>> Connect(const std::string& host, int port,
                                                          const std::string& target,
                                                          const std::vector<std::string>& protocols = {});
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // The next message, or how the socket closed; kTimeout when nothing came in time.
  Result<WebSocketMessage> Read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The subprotocol the server chose ("" when none).
  [[nodiscard]] const std::string& protocol() const;
  Status Send(const std::string& text);
  // A polite close (1000).
  void Close();
  // Drops the TCP connection without a close handshake.
  void Abort();

 private:
  struct State;
  explicit WebSocketClient(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace reflector::testing
