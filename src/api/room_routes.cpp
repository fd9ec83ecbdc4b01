// Rooms CRUD, the room webhook test, and meeting consent.

#include "api/request_helpers.hpp"
#include "api/routes.hpp"
#include "api/views.hpp"
#include "core/ids.hpp"
#include "notify/webhook.hpp"
#include "store/recordings.hpp"
#include "store/rooms.hpp"

namespace reflector::api {
namespace {

using http::Request;
using http::Response;

bool OwnsRoom(const ApiContext& api, const std::optional<User>& user, const store::Room& room) {
  return api.everyone_is_owner || (user && room.user_id && *room.user_id == user->id);
}

Result<store::RoomPatch> ReadRoomPatch(const Json& body) {
  store::RoomPatch patch;
  REFLECTOR_ASSIGN_OR_RETURN(patch.name, OptionalString(body, "name"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.zulip_auto_post, OptionalBool(body, "zulip_auto_post"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.zulip_stream, OptionalString(body, "zulip_stream"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.zulip_topic, OptionalString(body, "zulip_topic"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.webhook_url, OptionalString(body, "webhook_url"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.webhook_secret, OptionalString(body, "webhook_secret"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.platform, OptionalString(body, "platform"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.is_locked, OptionalBool(body, "is_locked"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.is_shared, OptionalBool(body, "is_shared"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.room_mode, OptionalString(body, "room_mode"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.recording_type, OptionalString(body, "recording_type"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.recording_trigger, OptionalString(body, "recording_trigger"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.skip_consent, OptionalBool(body, "skip_consent"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.store_video, OptionalBool(body, "store_video"));
  if (body.contains("email_transcript_to")) {
    REFLECTOR_ASSIGN_OR_RETURN(auto email, OptionalString(body, "email_transcript_to"));
    patch.email_transcript_to = email;
  }
  if (patch.webhook_url && !patch.webhook_url->empty() && patch.webhook_url->rfind("http://", 0) != 0 &&
      patch.webhook_url->rfind("https://", 0) != 0) {
    return Error::InvalidInput("webhook_url: must be an http:// or https:// URL");
  }
  return patch;
}

// Answers a failed room lookup: 404 for an unknown room, the error otherwise.
Result<Response> RoomFailure(const Error& error) {
  if (error.kind == ErrorKind::kNotFound) return http::ErrorResponse(404, "Room not found");
  return error;
}

Result<Response> ListRooms(ApiContext& api, Request& request) {
  auto user = Caller(api, request);
  if (!user) return Unauthorized(user.error().message);
  // A user sees their rooms and the shared ones; an anonymous caller only the shared ones.
  store::RoomQuery query;
  if (!api.everyone_is_owner) {
    if (*user) query.user_id = (*user)->id;
    query.shared = true;
  }
  REFLECTOR_ASSIGN_OR_RETURN(query.page, IntQuery(request, "page", 1, 1, 1000000));
  REFLECTOR_ASSIGN_OR_RETURN(query.size, IntQuery(request, "size", 50, 1, 100));
  store::Rooms rooms(*api.service->database, *api.service->clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::RoomPage page, rooms.Query(query));
  Json items = Json::array();
  for (const auto& room : page.items)
    items.push_back(RoomJson(room, OwnsRoom(api, *user, room)));
  return http::JsonResponse(200, PageJson(std::move(items), page.total, query.page, query.size));
}

Result<Response> GetRoom(ApiContext& api, Request& request, bool by_name) {
  auto user = Caller(api, request);
  if (!user) return Unauthorized(user.error().message);
  store::Rooms rooms(*api.service->database, *api.service->clock);
  auto room = by_name ? rooms.GetByName(request.Param("name")) : rooms.Get(request.Param("room_id"));
  if (!room) return RoomFailure(room.error());
  const bool owner = OwnsRoom(api, *user, *room);
  if (!by_name && !owner && !room->is_shared) return http::ErrorResponse(403, "This room is not shared");
  return http::JsonResponse(200, RoomJson(*room, owner));
}

Result<Response> CreateRoom(ApiContext& api, Request& request) {
  auto user = Caller(api, request);
  if (!user) return Unauthorized(user.error().message);
  if (!*user) return Unauthorized("Not authenticated");
  REFLECTOR_ASSIGN_OR_RETURN(Json body, JsonObjectBody(request));
  REFLECTOR_ASSIGN_OR_RETURN(store::RoomPatch patch, ReadRoomPatch(body));
  if (!patch.name || patch.name->empty()) return Error::InvalidInput("name: required");
  store::Room room;
  room.id = api.service->ids->NewId();
  room.name = *patch.name;
  room.user_id = (*user)->id;
  store::Rooms rooms(*api.service->database, *api.service->clock);
  auto created = rooms.Create(room);
  if (!created) {
    if (created.error().kind == ErrorKind::kConflict)
      return http::ErrorResponse(400, "Room name is not unique");
    return created.error();
  }
  patch.name.reset();
  REFLECTOR_ASSIGN_OR_RETURN(store::Room stored, rooms.Update(created->id, patch));
  return http::JsonResponse(200, RoomJson(stored, true));
}

Result<Response> ChangeRoom(ApiContext& api, Request& request, bool remove) {
  auto user = Caller(api, request);
  if (!user) return Unauthorized(user.error().message);
  if (!*user) return Unauthorized("Not authenticated");
  store::Rooms rooms(*api.service->database, *api.service->clock);
  auto room = rooms.Get(request.Param("room_id"));
  if (!room) return RoomFailure(room.error());
  if (!OwnsRoom(api, *user, *room)) return http::ErrorResponse(403, "Only the room's owner may change it");
  if (remove) {
    REFLECTOR_TRY(rooms.Delete(room->id));
    return http::JsonResponse(200, Json{{"status", "ok"}});
  }
  REFLECTOR_ASSIGN_OR_RETURN(Json body, JsonObjectBody(request));
  REFLECTOR_ASSIGN_OR_RETURN(store::RoomPatch patch, ReadRoomPatch(body));
  auto updated = rooms.Update(room->id, patch);
  if (!updated) {
    if (updated.error().kind == ErrorKind::kConflict)
      return http::ErrorResponse(400, "Room name is not unique");
    return updated.error();
  }
  return http::JsonResponse(200, RoomJson(*updated, true));
}

Result<Response> TestWebhook(ApiContext& api, Request& request) {
  auto user = Caller(api, request);
  if (!user) return Unauthorized(user.error().message);
  store::Rooms rooms(*api.service->database, *api.service->clock);
  auto room = rooms.Get(request.Param("room_id"));
  if (!room) return RoomFailure(room.error());
  if (!OwnsRoom(api, *user, *room))
    return http::ErrorResponse(403, "Only the room's owner may test its webhook");
  if (room->webhook_url.empty()) {
    return http::JsonResponse(200, Json{{"success", false},
                                        {"message", "No webhook URL configured"},
                                        {"error", "No webhook URL configured"},
                                        {"status_code", nullptr},
                                        {"response_preview", nullptr}});
  }
  notify::WebhookRequest call;
  call.url = room->webhook_url;
  call.event = "test";
  call.secret = room->webhook_secret;
  call.timestamp = UnixSeconds(api.service->clock->Now());
  call.body = DumpCompact(Json{{"event", "test"},
                               {"event_id", NewUuid4()},
                               {"timestamp", IsoTime(static_cast<double>(call.timestamp))},
                               {"data",
                                {{"message", "This is a test webhook from Reflector"},
                                 {"room", {{"id", room->id}, {"name", room->name}}}}}});
  call.timeout = std::chrono::seconds(10);
  auto answer = notify::PostWebhook(*api.http, call);
  if (!answer) {
    return http::JsonResponse(200, Json{{"success", false},
                                        {"message", "The webhook could not be delivered"},
                                        {"error", answer.error().message},
                                        {"status_code", nullptr},
                                        {"response_preview", nullptr}});
  }
  const bool delivered = answer->verdict == notify::WebhookVerdict::kDelivered;
  return http::JsonResponse(
      200, Json{{"success", delivered},
                {"message",
                 delivered ? "Test webhook sent successfully" : "The receiver refused the test webhook"},
                {"error", delivered ? Json(nullptr) : Json("HTTP " + std::to_string(answer->status))},
                {"status_code", answer->status},
                {"response_preview", answer->body_preview}});
}

Result<Response> Consent(ApiContext& api, Request& request) {
  auto user = Caller(api, request);
  if (!user) return Unauthorized(user.error().message);
  REFLECTOR_ASSIGN_OR_RETURN(Json body, JsonObjectBody(request));
  REFLECTOR_ASSIGN_OR_RETURN(auto given, OptionalBool(body, "consent_given"));
  if (!given) return Error::InvalidInput("consent_given: required (true or false)");
  store::Meetings meetings(*api.service->database, *api.service->clock);
  auto meeting = meetings.Get(request.Param("meeting_id"));
  if (!meeting) {
    if (meeting.error().kind == ErrorKind::kNotFound) return http::ErrorResponse(404, "Meeting not found");
    return meeting.error();
  }
  store::MeetingConsent consent;
  consent.id = NewUuid4();
  consent.meeting_id = meeting->id;
  if (*user) consent.user_id = (*user)->id;
  consent.consent_given = *given;
  consent.consent_timestamp = static_cast<double>(UnixSeconds(api.service->clock->Now()));
  store::MeetingConsents consents(*api.service->database);
  REFLECTOR_TRY(consents.Add(consent));
  return http::JsonResponse(200, Json{{"status", "success"}, {"consent_id", consent.id}});
}

}  // namespace

void AddRoomRoutes(http::Router& router, ApiContext& api) {
  ApiContext* a = &api;
  router.Add("GET /v1/rooms", [a](Request& r) { return ListRooms(*a, r); });
  router.Add("POST /v1/rooms", [a](Request& r) { return CreateRoom(*a, r); });
  router.Add("GET /v1/rooms/{room_id}", [a](Request& r) { return GetRoom(*a, r, false); });
  router.Add("GET /v1/rooms/name/{name}", [a](Request& r) { return GetRoom(*a, r, true); });
  router.Add("PATCH /v1/rooms/{room_id}", [a](Request& r) { return ChangeRoom(*a, r, false); });
  router.Add("DELETE /v1/rooms/{room_id}", [a](Request& r) { return ChangeRoom(*a, r, true); });
  router.Add("POST /v1/rooms/{room_id}/webhook/test", [a](Request& r) { return TestWebhook(*a, r); });
  router.Add("POST /v1/meetings/{meeting_id}/consent", [a](Request& r) { return Consent(*a, r); });
}

}  // namespace reflector::api
