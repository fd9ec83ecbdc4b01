// WS /v1/transcripts/{id}/events (a transcript's events: replay, then live) and WS /v1/events
// (the user-level events). Clients that sign in send the subprotocols ["bearer", token]; the
// server echoes "bearer".

#include "api/event_hub.hpp"
#include "api/request_helpers.hpp"
#include "api/routes.hpp"

namespace reflector::api {
namespace {

using http::Request;

// The token of a ["bearer", token] Sec-WebSocket-Protocol offer.
std::optional<std::string> BearerProtocolToken(const Request& request) {
  auto offered = request.headers.Get("Sec-WebSocket-Protocol");
  if (!offered) return std::nullopt;
  std::string_view list = *offered;
  std::vector<std::string> items;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    items.emplace_back(item);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  if (items.size() >= 2 && items[0] == "bearer") return items[1];
  return std::nullopt;
}

// The request as the authenticator sees it: the subprotocol's token becomes a bearer header.
Request WithBearer(const Request& request) {
  Request copy;
  copy.headers = request.headers;
  copy.query = request.query;
  if (auto token = BearerProtocolToken(request)) copy.headers.Set("Authorization", "Bearer " + *token);
  return copy;
}

class Session final : public http::WebSocketSession {
 public:
  explicit Session(std::unique_ptr<EventHub::Watch> watch) : watch_(std::move(watch)) {}

 private:
  std::unique_ptr<EventHub::Watch> watch_;
};

http::WebSocketDecision TranscriptEvents(ApiContext& api, EventHub& hub, Request& request) {
  Request authenticated = WithBearer(request);
  authenticated.path_params = request.path_params;
  auto access = LoadTranscript(api, authenticated, Access::kRead);
  if (access.refusal) return std::move(*access.refusal);
  auto since_seq = IntQuery(request, "since_seq", 0, 0, INT64_MAX);
  if (!since_seq) return http::ErrorResponse(400, since_seq.error().message);
  http::WebSocketAcceptance acceptance;
  if (BearerProtocolToken(request)) acceptance.subprotocol = "bearer";
  acceptance.open = [&hub, id = access.transcript->id,
                     since = *since_seq](const std::shared_ptr<http::WebSocketChannel>& channel) {
    auto watch = hub.WatchTranscript(
        id, [channel](const std::string& message) { channel->Send(message); }, since);
    return std::make_unique<Session>(std::move(watch));
  };
  return acceptance;
}

http::WebSocketDecision UserEvents(ApiContext& api, EventHub& hub, Request& request) {
  const bool offered_bearer = BearerProtocolToken(request).has_value();
  auto user = Caller(api, WithBearer(request));
  http::WebSocketAcceptance acceptance;
  if (offered_bearer) acceptance.subprotocol = "bearer";
  const bool allowed = user && (api.everyone_is_owner || (offered_bearer && user->has_value()));
  if (!allowed) {
    // As Reflector: accept, then close with 4401.
    acceptance.open = [](const std::shared_ptr<http::WebSocketChannel>& channel)
        -> std::unique_ptr<http::WebSocketSession> {
      channel->Close(4401, "Not authenticated");
      return nullptr;
    };
    return acceptance;
  }
  std::optional<std::string> user_id;
  if (!api.everyone_is_owner) user_id = (*user)->id;
  acceptance.open = [&hub, user_id](const std::shared_ptr<http::WebSocketChannel>& channel) {
    auto watch = hub.WatchUser(user_id, [channel](const std::string& message) { channel->Send(message); });
    return std::make_unique<Session>(std::move(watch));
  };
  return acceptance;
}

}  // namespace

void AddEventSockets(http::Router& router, ApiContext& api, EventHub& hub) {
  ApiContext* a = &api;
  EventHub* h = &hub;
  router.AddWebSocket("/v1/transcripts/{id}/events",
                      [a, h](Request& r) { return TranscriptEvents(*a, *h, r); });
  router.AddWebSocket("/v1/events", [a, h](Request& r) { return UserEvents(*a, *h, r); });
}

}  // namespace reflector::api
