// /health, /v1/conductor/health, /metrics, /v1/config and /v1/me.

#include "api/routes.hpp"

namespace reflector::api {
namespace {

using http::Request;
using http::Response;

Result<Response> Me(ApiContext& api, Request& request) {
  auto user = Caller(api, request);
  if (!user) return Unauthorized(user.error().message);
  if (!*user) return http::JsonResponse(200, nullptr);
  return http::JsonResponse(
      200, Json{{"sub", (*user)->id}, {"email", (*user)->email ? Json(*(*user)->email) : Json(nullptr)}});
}

Result<Response> Metrics(ApiContext& api) {
  Response response;
  response.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  response.body = api.hooks.metrics_text ? api.hooks.metrics_text() : "";
  return response;
}

}  // namespace

void AddSystemRoutes(http::Router& router, ApiContext& api) {
  ApiContext* a = &api;
  router.Add("GET /health", [](Request&) -> Result<Response> {
    return http::JsonResponse(200, Json{{"status", "healthy"}});
  });
  router.Add("GET /v1/conductor/health", [a](Request&) -> Result<Response> {
    Json health = a->hooks.conductor_health ? a->hooks.conductor_health()
                                            : Json{{"status", "disabled"}, {"connected", false}};
    return http::JsonResponse(200, health);
  });
  router.Add("GET /metrics", [a](Request&) { return Metrics(*a); });
  router.Add("GET /v1/config", [](Request&) -> Result<Response> {
    return http::JsonResponse(200, Json{{"zulip_enabled", false}, {"email_enabled", false}});
  });
  router.Add("GET /v1/me", [a](Request& r) { return Me(*a, r); });
}

void AddAllRoutes(http::Router& router, ApiContext& api, EventHub& hub) {
  AddSystemRoutes(router, api);
  AddTranscriptRoutes(router, api);
  AddTopicRoutes(router, api);
  AddMediaRoutes(router, api);
  AddUploadRoutes(router, api);
  AddRoomRoutes(router, api);
  AddUserRoutes(router, api);
  AddDailyRoutes(router, api);
  AddShadowRoutes(router, api);
  AddEventSockets(router, api, hub);
}

}  // namespace reflector::api
