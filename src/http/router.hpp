#pragma once
// Routes: "METHOD /path/{param}/..." patterns to handlers, plus what every request gets
// whichever handler runs: CORS (preflights answered, Access-Control-Allow-Origin on responses
// for the allowed origins), 404 for an unknown path, 405 with Allow for a known path and another
// method, HEAD served by the GET handler when there is no HEAD route, an Error returned by a
// handler turned into {"detail": ...} (5xx details are logged, not sent), and an observer
// told about every answered request (metrics).
//
// WebSocket routes are separate: their handler decides before the handshake whether to accept
// (an Error becomes the HTTP answer) and gets the open channel afterwards.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/message.hpp"
#include "http/websocket.hpp"

namespace reflector::http {

using Handler = std::function<Result<Response>(Request&)>;

// Told after every request: the matched route pattern ("" when none matched), the status and
// how long the handler took.
using RequestObserver =
    std::function<void(std::string_view route, int status, std::chrono::duration<double>)>;

struct CorsOptions {
  // Origins allowed to call from a browser; "*" allows any. Empty: no CORS headers at all.
  std::vector<std::string> allowed_origins;
};

class Router {
 public:
  explicit Router(CorsOptions cors = {}) : cors_(std::move(cors)) {}

  // `pattern` is "METHOD /segment/{name}/segment"; a {name} segment matches one non-empty path
  // segment. Literal segments win over parameters when both match.
  void Add(std::string_view pattern, Handler handler);
  // A WebSocket endpoint at "/path/{name}" (GET with an Upgrade).
  void AddWebSocket(std::string_view path_pattern, WebSocketHandler handler);
  void SetObserver(RequestObserver observer) { observer_ = std::move(observer); }
  // Every pattern added, in order: "METHOD /path" for HTTP routes, "WS /path" for WebSockets.
  [[nodiscard]] std::vector<std::string> Patterns() const;

  // Answers a plain HTTP request (never throws: exceptions become 500).
  Response Dispatch(Request& request) const;
  // The WebSocket handler for the request's path (path_params and route filled in), or null.
  const WebSocketHandler* FindWebSocket(Request& request) const;
  // Adds the CORS headers an answer to `request` needs (also used for WebSocket refusals).
  void AddCorsHeaders(const Request& request, Response& response) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;  // as given, for observers
    std::vector<std::string> segments;
    Handler handler;
    WebSocketHandler websocket;
  };
  // Routes whose segments match `path`, best (most literal segments) first.
  static std::vector<const Route*> Match(const std::vector<Route>& routes,
                                         const std::vector<std::string>& path);
  Response Preflight(const Request& request) const;
  Response Run(const Route& route, Request& request) const;

  CorsOptions cors_;
  std::vector<Route> routes_;
  std::vector<Route> websocket_routes_;
  RequestObserver observer_;
};

}  // namespace reflector::http
