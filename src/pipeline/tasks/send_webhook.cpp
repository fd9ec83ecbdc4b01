// send_webhook: transcript.completed to the room's webhook URL, signed with the room's secret.
//
// Every attempt is recorded in webhook_deliveries. 2xx: sent. 429, 5xx, timeouts and connection
// errors: a retryable error, so the engine retries the task (the definition's LINEAR_BACKOFF);
// the next attempt carries X-Webhook-Retry = the retry count and the same event_id. Any other
// answer (4xx, 3xx) or a malformed URL: not retried; the task completes with sent=false and
// the failure on record. A notification never fails a finished transcript.
//
// event_id = WebhookEventId("transcript.completed", transcript id, workflow run id): stable over
// retries of the run, new for a re-run. A run whose input says `notifications: false` (a shadow
// run) sends nothing.

#include "core/log.hpp"
#include "notify/webhook.hpp"
#include "pipeline/notify_inputs.hpp"
#include "pipeline/tasks.hpp"
#include "store/webhook_deliveries.hpp"

namespace reflector::pipeline {
namespace {

std::string WithoutQuery(const std::string& url) {
  return url.substr(0, url.find_first_of("?#"));
}

// The WebVTT of each topic's own words ("" for a topic without words).
std::vector<std::string> TopicWebVtt(TaskContext& context, const Json& topics) {
  std::vector<std::string> result;
  if (!topics.is_array()) return result;
  for (std::size_t i = 0; i < topics.size(); ++i) {
    const Json& topic = topics[i];
    std::string webvtt;
    if (topic.is_object()) {
      Result<Json> words_json = Json::array();
      std::string what = "topic " + std::to_string(i + 1);
      if (topic.contains("words") && topic["words"].is_array()) {
        words_json = topic["words"];
      } else if (topic.contains("words_key") && topic["words_key"].is_string()) {
        what = topic["words_key"].get<std::string>();
        words_json = context.GetJson(what);
      }
      Result<std::vector<Word>> words =
          words_json ? WordsFromJson(*words_json, what) : Result<std::vector<Word>>(words_json.error());
      if (!words) {
        log::Warn("topic words unavailable; its webvtt is left empty",
                  {{"transcript_id", context.transcript_id()}, {"error", words.error().message}});
      } else if (!words->empty()) {
        webvtt = WordsToWebVtt(*words);
      }
    }
    result.push_back(std::move(webvtt));
  }
  return result;
}

// The transcript as the payload shows it, each topic with the WebVTT of its own words.
notify::Transcript WebhookTranscript(TaskContext& context, const store::Transcript& transcript) {
  notify::Transcript notice = NotifyTranscript(transcript);
  std::vector<std::string> topic_webvtt = TopicWebVtt(context, transcript.topics);
  for (std::size_t i = 0; i < notice.topics.size() && i < topic_webvtt.size(); ++i)
    notice.topics[i].webvtt = std::move(topic_webvtt[i]);
  return notice;
}

}  // namespace

Result<Json> SendWebhook(TaskContext& context) {
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<bool> notifications,
                             GetOptionalBool(context.input(), "notifications"));
  if (!notifications.value_or(true))
    return Json{{"sent", false}, {"status_code", nullptr}, {"skipped", "notifications are off for this run"}};
  REFLECTOR_ASSIGN_OR_RETURN(auto room_id, GetOptionalString(context.input(), "room_id"));
  store::Transcripts transcripts(context.database(), context.clock());
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript transcript, transcripts.Get(context.transcript_id()));
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<store::Room> room,
                             FindTranscriptRoom(context, transcript, room_id));
  if (!room)
    return Json{{"sent", false}, {"status_code", nullptr}, {"skipped", "the transcript has no room"}};
  if (room->webhook_url.empty()) {
    return Json{{"sent", false}, {"status_code", nullptr}, {"skipped", "the room has no webhook configured"}};
  }
  net::HttpClient* http = context.services().http;
  if (http == nullptr) {
    return Json{{"sent", false}, {"status_code", nullptr}, {"skipped", "webhook delivery is not configured"}};
  }

  const engine::TaskExecution& execution = context.execution();
  const std::string completion =
      !execution.workflow_id.empty() ? execution.workflow_id : transcript.workflow_id.value_or("");
  notify::TranscriptCompletedOptions payload_options;
  payload_options.event_id =
      notify::WebhookEventId(notify::kTranscriptCompletedEvent, transcript.id, completion);
  const WallTime now = context.clock().Now();
  payload_options.timestamp = now;
  payload_options.ui_base_url = context.services().ui_base_url;

  notify::WebhookRequest request;
  request.url = room->webhook_url;
  request.body = notify::TranscriptCompletedPayload(WebhookTranscript(context, transcript), NotifyRoom(*room),
                                                    payload_options);
  request.secret = room->webhook_secret;
  request.retry = execution.retry_count;
  request.timestamp = UnixSeconds(now);
  // Reflector waits 30 s; stay below the task definition's responseTimeoutSeconds (30 s).
  request.timeout = std::chrono::seconds(20);
  auto response = notify::PostWebhook(*http, request, context.stop());
  if (!response && response.error().kind == ErrorKind::kCancelled) return response.error();

  store::WebhookDelivery delivery;
  delivery.id = context.services().ids != nullptr ? context.services().ids->NewId() : NewUuid4();
  delivery.transcript_id = transcript.id;
  delivery.room_id = room->id;
  delivery.event = request.event;
  delivery.event_id = payload_options.event_id;
  delivery.url = WithoutQuery(room->webhook_url);
  delivery.attempt = execution.retry_count;
  std::optional<Error> failure;
  if (!response) {
    failure = response.error();
  } else {
    delivery.status_code = static_cast<int>(response->status);
    if (response->verdict != notify::WebhookVerdict::kDelivered) {
      std::string message = "webhook " + delivery.url + ": HTTP " + std::to_string(response->status) +
                            (response->body_preview.empty() ? "" : ": " + response->body_preview);
      failure = response->verdict == notify::WebhookVerdict::kRetry
                    ? Error::Transient(ErrorKind::kUnavailable, message)
                    : Error::Terminal(ErrorKind::kExternal, message);
    }
  }
  delivery.success = !failure;
  if (failure) delivery.error = failure->message;
  store::WebhookDeliveries deliveries(context.database(), context.clock());
  Status recorded = deliveries.Record(delivery);
  if (!recorded.ok()) {
    log::Warn("webhook delivery not recorded", {{"transcript_id", transcript.id},
                                                {"event_id", delivery.event_id},
                                                {"error", recorded.error().message}});
  }

  Json status_code = delivery.status_code ? Json(*delivery.status_code) : Json(nullptr);
  if (!failure) {
    return Json{{"sent", true}, {"status_code", status_code}, {"event_id", delivery.event_id}};
  }
  if (failure->retryable) return *failure;
  log::Warn("webhook refused; not retried",
            {{"transcript_id", transcript.id}, {"event_id", delivery.event_id}, {"error", failure->message}});
  return Json{{"sent", false},
              {"status_code", status_code},
              {"event_id", delivery.event_id},
              {"error", failure->message}};
}

}  // namespace reflector::pipeline
