// POST /v1/daily/webhook: Daily.co's events. Checked as Reflector checks them (the base64
// HMAC-SHA256 of "{X-Webhook-Timestamp}.{raw body}" under the base64-decoded secret, compared in
// constant time), then more strictly: a timestamp more than api.daily.max_clock_skew from now is
// 401, and an event id accepted before is 409, so a captured delivery cannot be replayed. Nothing
// is stored for a delivery that is refused. A raw-tracks recording.ready-to-download takes the
// recording in (service::StartDailyRecording); the other events are logged and counted.

#include "api/routes.hpp"
#include "core/log.hpp"
#include "platform/daily/daily_webhook.hpp"
#include "store/daily_recordings.hpp"

namespace reflector::api {
namespace {

using http::Request;
using http::Response;

constexpr std::size_t kMaxWebhookBody = std::size_t{1} << 20;

// The event label of the metrics: one of a fixed set, so the labels stay few.
std::string_view EventLabel(std::string_view type) {
  for (std::string_view known : {"recording.ready-to-download", "recording.started", "recording.error",
                                 "participant.joined", "participant.left"}) {
    if (type == known) return known;
  }
  return "other";
}

void Count(ApiContext& api, std::string_view event, std::string_view outcome) {
  if (api.hooks.daily_webhook) api.hooks.daily_webhook(event, outcome);
}

Response Ok200() {
  return http::JsonResponse(200, Json{{"status", "ok"}});
}

// A raw-tracks recording is taken in; other kinds are not processed here. Returns the outcome,
// or the error to answer with (the delivery is then forgotten, so Daily's retry is taken).
Result<std::string> RecordingReady(ApiContext& api, const platform::DailyRecordingReady& ready) {
  const log::Fields where = {{"recording_id", ready.recording_id}, {"room_name", ready.room_name}};
  if (ready.type != "raw-tracks") {
    log::Info("Daily recording ready, not raw tracks: not processed",
              {{"recording_id", ready.recording_id}, {"recording_type", ready.type}});
    return std::string("ignored");
  }
  service::DailyRecordingAnnouncement announcement;
  announcement.recording_id = ready.recording_id;
  announcement.room_name = ready.room_name;
  announcement.track_keys = platform::DailyAudioTrackKeys(ready.tracks);
  announcement.announced_by = "webhook";
  if (announcement.track_keys.empty()) {
    log::Warn("Daily raw-tracks recording without camera audio tracks: nothing to process", where);
    return std::string("ignored");
  }
  auto start = service::StartDailyRecording(*api.service, api.daily.recordings, announcement);
  if (!start) {
    if (start.error().kind != ErrorKind::kInvalidInput) return start.error();
    log::Error("Daily recording cannot be processed",
               {{"recording_id", ready.recording_id}, {"error", start.error().message}});
    return std::string("ignored");
  }
  if (!start->started_here) return std::string("known");
  if (api.hooks.user_event)
    api.hooks.user_event(start->user_id, "TRANSCRIPT_CREATED", Json{{"id", start->transcript_id}});
  return std::string(start->start_error ? "start_failed" : "started");
}

std::string PayloadText(const Json& payload, std::string_view field) {
  auto found = payload.find(field);
  return found != payload.end() && found->is_string() ? found->get<std::string>() : "";
}

// What a verified, new event leads to: its outcome, or the error to answer with.
Result<std::string> Dispatch(ApiContext& api, const platform::DailyWebhookEvent& event) {
  const Json& payload = event.payload;
  if (event.ready) return RecordingReady(api, *event.ready);
  if (event.type == "recording.started") {
    log::Info("Daily recording started", {{"recording_id", PayloadText(payload, "recording_id")},
                                          {"room_name", PayloadText(payload, "room_name")}});
    return std::string("logged");
  }
  if (event.type == "recording.error") {
    log::Error("Daily recording failed", {{"room_name", PayloadText(payload, "room_name")},
                                          {"action", PayloadText(payload, "action")},
                                          {"error", PayloadText(payload, "error_msg")}});
    return std::string("logged");
  }
  if (event.type == "participant.joined" || event.type == "participant.left") {
    std::string room = PayloadText(payload, "room_name");
    if (room.empty()) room = PayloadText(payload, "room");
    log::Info("Daily " + event.type, {{"room_name", room},
                                      {"session_id", PayloadText(payload, "session_id")},
                                      {"user_id", PayloadText(payload, "user_id")}});
    return std::string("logged");
  }
  log::Debug("Daily webhook event not handled", {{"type", event.type}, {"id", event.id}});
  return std::string("ignored");
}

Result<Response> DailyWebhook(ApiContext& api, Request& request) {
  REFLECTOR_ASSIGN_OR_RETURN(std::string body, request.ReadBody(kMaxWebhookBody));
  const std::string signature(request.headers.Get("X-Webhook-Signature").value_or(""));
  const std::string timestamp(request.headers.Get("X-Webhook-Timestamp").value_or(""));
  if (!platform::VerifyDailyWebhookSignature(api.daily.secret, timestamp, body, signature)) {
    log::Warn("Daily webhook refused: invalid signature",
              {{"secret_set", !api.daily.secret.empty()}, {"timestamp", timestamp}, {"bytes", body.size()}});
    Count(api, "unverified", "unauthorized");
    return http::ErrorResponse(401, "Invalid webhook signature");
  }
  if (!platform::DailyWebhookTimestampIsFresh(timestamp, api.service->clock->Now(),
                                              api.daily.max_clock_skew)) {
    log::Warn("Daily webhook refused: timestamp outside the replay window", {{"timestamp", timestamp}});
    Count(api, "unverified", "stale");
    return http::ErrorResponse(401, "Webhook timestamp is too far from now");
  }
  auto json = ParseJson(body, "body");
  if (!json) {
    Count(api, "unverified", "invalid");
    return http::ErrorResponse(400, "body: not valid JSON");
  }
  if (platform::IsDailyTestPing(*json)) {
    log::Info("Daily webhook test ping");
    Count(api, "test", "ok");
    return Ok200();
  }
  auto event = platform::ParseDailyWebhookEvent(*json);
  if (!event) {
    Count(api, "other", "invalid");
    return http::ErrorResponse(400, event.error().message);
  }
  store::DailyWebhookEvents accepted(*api.service->database, *api.service->clock);
  REFLECTOR_ASSIGN_OR_RETURN(bool is_new, accepted.Accept(event->id, event->type));
  if (!is_new) {
    log::Warn("Daily webhook refused: event accepted before", {{"id", event->id}, {"type", event->type}});
    Count(api, EventLabel(event->type), "replayed");
    return http::ErrorResponse(409, "event " + event->id + " was accepted before");
  }
  auto outcome = Dispatch(api, *event);
  if (!outcome) {
    (void)accepted.Forget(event->id);  // Daily delivers it again; take that delivery
    Count(api, EventLabel(event->type), "failed");
    return outcome.error();
  }
  Count(api, EventLabel(event->type), *outcome);
  return Ok200();
}

}  // namespace

void AddDailyRoutes(http::Router& router, ApiContext& api) {
  ApiContext* a = &api;
  router.Add("POST /v1/daily/webhook", [a](Request& r) { return DailyWebhook(*a, r); });
}

}  // namespace reflector::api
