// API keys of the signed-in user: POST, GET and DELETE /v1/user/api-keys.

#include "api/request_helpers.hpp"
#include "api/routes.hpp"
#include "api/views.hpp"
#include "auth/api_keys.hpp"
#include "store/api_keys.hpp"

namespace reflector::api {
namespace {

using http::Request;
using http::Response;

Json KeyJson(const store::ApiKey& key) {
  return Json{{"id", key.id},
              {"user_id", key.user_id},
              {"name", key.name ? Json(*key.name) : Json(nullptr)},
              {"created_at", IsoTime(key.created_at)}};
}

// The signed-in user, or the answer for anybody else.
Result<User> SignedIn(ApiContext& api, const Request& request) {
  auto user = Caller(api, request);
  if (!user) return user.error();
  if (!*user) return Error::Terminal(ErrorKind::kUnauthorized, "Not authenticated");
  return **user;
}

Result<Response> CreateKey(ApiContext& api, Request& request) {
  REFLECTOR_ASSIGN_OR_RETURN(User user, SignedIn(api, request));
  if (api.secret_key.empty())
    return http::ErrorResponse(400, "API keys need SECRET_KEY to be set on the server");
  REFLECTOR_ASSIGN_OR_RETURN(Json body, JsonObjectBody(request));
  REFLECTOR_ASSIGN_OR_RETURN(auto name, OptionalString(body, "name"));
  store::ApiKeys keys(*api.service->database, *api.service->clock);
  REFLECTOR_ASSIGN_OR_RETURN(auth::NewApiKey created,
                             auth::CreateApiKey(keys, *api.service->ids, api.secret_key, user.id, name));
  Json json = KeyJson(created.record);
  json["key"] = created.key;  // shown this once
  return http::JsonResponse(200, json);
}

Result<Response> ListKeys(ApiContext& api, Request& request) {
  REFLECTOR_ASSIGN_OR_RETURN(User user, SignedIn(api, request));
  store::ApiKeys keys(*api.service->database, *api.service->clock);
  REFLECTOR_ASSIGN_OR_RETURN(auto list, keys.ListForUser(user.id));
  Json items = Json::array();
  for (const auto& key : list)
    items.push_back(KeyJson(key));
  return http::JsonResponse(200, items);
}

Result<Response> DeleteKey(ApiContext& api, Request& request) {
  REFLECTOR_ASSIGN_OR_RETURN(User user, SignedIn(api, request));
  store::ApiKeys keys(*api.service->database, *api.service->clock);
  Status deleted = keys.Delete(request.Param("key_id"), user.id);
  if (!deleted.ok()) {
    if (deleted.error().kind == ErrorKind::kNotFound) return http::ErrorResponse(404, "API key not found");
    return deleted.error();
  }
  return http::JsonResponse(200, Json{{"status", "ok"}});
}

// A refused caller's 401 carries WWW-Authenticate, like every other 401 of the API.
Result<Response> WithChallenge(Result<Response> answer) {
  if (!answer && answer.error().kind == ErrorKind::kUnauthorized) return Unauthorized(answer.error().message);
  return answer;
}

}  // namespace

void AddUserRoutes(http::Router& router, ApiContext& api) {
  ApiContext* a = &api;
  router.Add("POST /v1/user/api-keys", [a](Request& r) { return WithChallenge(CreateKey(*a, r)); });
  router.Add("GET /v1/user/api-keys", [a](Request& r) { return WithChallenge(ListKeys(*a, r)); });
  router.Add("DELETE /v1/user/api-keys/{key_id}",
             [a](Request& r) { return WithChallenge(DeleteKey(*a, r)); });
}

}  // namespace reflector::api
