#pragma once
// WebSockets as handlers see them, with no Boost type. A handler looks at the upgrade request
// and either refuses it with an HTTP response (401, 403, 404...) or accepts it, optionally
// echoing a subprotocol; once the handshake is done, `open` runs on the connection's thread and
// returns the session object that lives as long as the socket (destroy = unsubscribe).
//
// Messages a handler sends go through a bounded outbox written by the connection's thread in
// order; a client that does not read fast enough is closed with 1008 rather than buffered
// without limit.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http/message.hpp"

namespace reflector::http {

// Close codes used here.
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseGoingAway = 1001;  // the server is stopping
inline constexpr std::uint16_t kClosePolicy = 1008;     // the client is too slow
inline constexpr std::uint16_t kCloseInternal = 1011;

// A connected socket. Thread-safe: any thread may send or close.
class WebSocketChannel {
 public:
  virtual ~WebSocketChannel() = default;
  // Queues a text message. False once the socket is closing or closed.
  virtual bool Send(std::string message) = 0;
  // Closes after the messages queued so far are sent.
  virtual void Close(std::uint16_t code, std::string reason) = 0;
};

// Lives from the handshake to the close.
class WebSocketSession {
 public:
  virtual ~WebSocketSession() = default;
  // A message from the client (Reflector's sockets ignore them).
  virtual void OnMessage(std::string_view /*message*/) {}
};

struct WebSocketAcceptance {
  std::optional<std::string> subprotocol;  // echoed in Sec-WebSocket-Protocol
  std::function<std::unique_ptr<WebSocketSession>(std::shared_ptr<WebSocketChannel>)> open;
};

// Either a refusal (sent as a plain HTTP response) or an acceptance.
using WebSocketDecision = std::variant<Response, WebSocketAcceptance>;
using WebSocketHandler = std::function<WebSocketDecision(Request&)>;

}  // namespace reflector::http
