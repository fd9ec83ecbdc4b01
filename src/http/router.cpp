#include "http/router.hpp"

#include <algorithm>
#include <exception>

#include "core/log.hpp"

namespace reflector::http {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) segments.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::size_t LiteralCount(const std::vector<std::string>& segments) {
  return static_cast<std::size_t>(
      std::count_if(segments.begin(), segments.end(), [](const std::string& s) { return !IsParameter(s); }));
}

bool Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!IsParameter(pattern[i]) && pattern[i] != path[i]) return false;
  }
  return true;
}

void Bind(const std::vector<std::string>& pattern, const std::vector<std::string>& path, Request& request) {
  request.path_params.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsParameter(pattern[i])) request.path_params[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
  }
}

// What a client is told of a server-side error: the kind of trouble, never the message (it may
// name files, hosts or statements; the log has it).
std::string_view ServerErrorDetail(int status) {
  switch (status) {
    case 503:
      return "Service temporarily unavailable";
    case 507:
      return "Insufficient storage: the server has no space left on device; try again once space is freed";
    default:
      return "Internal server error";
  }
}

}  // namespace

void Router::Add(std::string_view pattern, Handler handler) {
  const std::size_t space = pattern.find(' ');
  Route route;
  route.method = std::string(pattern.substr(0, space));
  route.pattern = std::string(pattern);
  route.segments = SplitPath(pattern.substr(space + 1));
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

void Router::AddWebSocket(std::string_view path_pattern, WebSocketHandler handler) {
  Route route;
  route.method = "GET";
  route.pattern = "WS " + std::string(path_pattern);
  route.segments = SplitPath(path_pattern);
  route.websocket = std::move(handler);
  websocket_routes_.push_back(std::move(route));
}

std::vector<std::string> Router::Patterns() const {
  std::vector<std::string> patterns;
  patterns.reserve(routes_.size() + websocket_routes_.size());
  for (const Route& route : routes_)
    patterns.push_back(route.pattern);
  for (const Route& route : websocket_routes_)
    patterns.push_back(route.pattern);
  return patterns;
}

std::vector<const Router::Route*> Router::Match(const std::vector<Route>& routes,
                                                const std::vector<std::string>& path) {
  std::vector<const Route*> matched;
  for (const Route& route : routes) {
    if (Matches(route.segments, path)) matched.push_back(&route);
  }
  std::stable_sort(matched.begin(), matched.end(), [](const Route* a, const Route* b) {
    return LiteralCount(a->segments) > LiteralCount(b->segments);
  });
  return matched;
}

const WebSocketHandler* Router::FindWebSocket(Request& request) const {
  const auto matched = Match(websocket_routes_, SplitPath(request.path));
  if (matched.empty()) return nullptr;
  Bind(matched.front()->segments, SplitPath(request.path), request);
  request.route = matched.front()->pattern;
  return &matched.front()->websocket;
}

void Router::AddCorsHeaders(const Request& request, Response& response) const {
  const auto origin = request.headers.Get("Origin");
  if (!origin || cors_.allowed_origins.empty()) return;
  const bool any = std::find(cors_.allowed_origins.begin(), cors_.allowed_origins.end(), "*") !=
                   cors_.allowed_origins.end();
  const bool listed = std::find(cors_.allowed_origins.begin(), cors_.allowed_origins.end(), *origin) !=
                      cors_.allowed_origins.end();
  if (!any && !listed) return;
  // The exact origin rather than "*", so that credentialed requests are allowed too.
  response.headers.Set("Access-Control-Allow-Origin", std::string(*origin));
  response.headers.Set("Access-Control-Allow-Credentials", "true");
  response.headers.Set("Vary", "Origin");
  response.headers.Set("Access-Control-Expose-Headers",
                       "Content-Range, Accept-Ranges, Content-Length, Content-Disposition");
}

Response Router::Preflight(const Request& request) const {
  Response response;
  response.status = 200;
  AddCorsHeaders(request, response);
  if (response.headers.Get("Access-Control-Allow-Origin")) {
    response.headers.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    const auto asked = request.headers.Get("Access-Control-Request-Headers");
    response.headers.Set("Access-Control-Allow-Headers", asked ? std::string(*asked) : "*");
    response.headers.Set("Access-Control-Max-Age", "600");
  } else {
    response = ErrorResponse(400, "Disallowed CORS origin");
  }
  return response;
}

Response Router::Run(const Route& route, Request& request) const {
  try {
    Result<Response> answer = route.handler(request);
    if (answer) return std::move(*answer);
    const int status = StatusFor(answer.error());
    if (status >= 500) {
      log::Error("request failed", {{"route", route.pattern}, {"error", answer.error().Describe()}});
      return ErrorResponse(status, ServerErrorDetail(status));
    }
    return ErrorResponse(status, answer.error().message);
  } catch (const std::exception& error) {
    log::Error("request handler threw", {{"route", route.pattern}, {"error", error.what()}});
    return ErrorResponse(500, "Internal server error");
  }
}

Response Router::Dispatch(Request& request) const {
  const auto started = std::chrono::steady_clock::now();
  const std::vector<std::string> path = SplitPath(request.path);
  Response response;
  std::string route_name;
  if (request.method == "OPTIONS" && request.headers.Get("Access-Control-Request-Method")) {
    response = Preflight(request);
    route_name = "OPTIONS";
  } else {
    const auto matched = Match(routes_, path);
    const std::string wanted = request.method == "HEAD" ? "GET" : request.method;
    const Route* chosen = nullptr;
    for (const std::string& method : {request.method, wanted}) {
      for (const Route* route : matched) {
        if (chosen == nullptr && route->method == method) chosen = route;
      }
    }
    if (chosen != nullptr) {
      Bind(chosen->segments, path, request);
      request.route = chosen->pattern;
      route_name = chosen->pattern;
      response = Run(*chosen, request);
      if (request.method == "HEAD") response.head_only = true;
    } else if (!matched.empty()) {
      std::string allow;
      for (const Route* route : matched)
        allow += (allow.empty() ? "" : ", ") + route->method;
      response = ErrorResponse(405, "Method Not Allowed");
      response.headers.Set("Allow", allow);
    } else {
      response = ErrorResponse(404, "Not Found");
    }
  }
  AddCorsHeaders(request, response);
  if (observer_) observer_(route_name, response.status, std::chrono::steady_clock::now() - started);
  return response;
}

}  // namespace reflector::http
