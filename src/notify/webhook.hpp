#pragma once
// The outgoing transcript webhook: the `transcript.completed` payload, its HMAC signature (and
// its verification, for receivers), and one delivery attempt.
//
// Wire format (Reflector's, see the reference wire formats §6):
//   POST {url}, body = compact JSON, headers Content-Type: application/json,
//   User-Agent: Reflector-Webhook/1.0, X-Webhook-Event: <event>, X-Webhook-Retry: <attempt,
//   0 first>, and when the room has a secret
//   X-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key = secret's UTF-8 bytes,
//   message = "<t>.<body>")>.
// The payload keeps Reflector's shape with one difference: durations (transcript.duration and
// each topic's duration) are SECONDS, where Reflector's Daily pipeline sends milliseconds.
// Topic timestamps are seconds in both.

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "net/http_client.hpp"
#include "notify/transcript.hpp"

namespace reflector::notify {

inline constexpr std::string_view kTranscriptCompletedEvent = "transcript.completed";

// "t=<timestamp>,v1=<hex>" for `body` signed with `secret` at `timestamp` (Unix seconds).
std::string WebhookSignature(std::string_view secret, std::int64_t timestamp, std::string_view body);

// Checks an X-Webhook-Signature header against the raw body: well-formed, one of its v1
// values equal (constant-time) to the expected HMAC and, when `now` (Unix seconds) is given,
// a timestamp at most `tolerance` away from it. Errors (kInvalidInput) say which check failed.
Status VerifyWebhookSignature(std::string_view secret, std::string_view header, std::string_view body,
                              std::optional<std::int64_t> now = std::nullopt,
                              std::chrono::seconds tolerance = std::chrono::seconds(300));

// A delivery's event_id: 32 lower-case hex characters (the shape of Reflector's uuid4().hex),
// derived from the event, the transcript and `completion`, a string naming this completion of
// the transcript (the workflow run's id). Every attempt, and any repeat of the same run, gets
// the same id; a re-run of the pipeline gets a new one.
std::string WebhookEventId(std::string_view event, std::string_view transcript_id,
                           std::string_view completion);

struct TranscriptCompletedOptions {
  std::string event_id;
  WallTime timestamp{};     // the send time
  std::string ui_base_url;  // frontend_url = {ui_base_url}/transcripts/{id}
};

// The transcript.completed body, compact JSON, keys in Reflector's order:
//   {event, event_id, timestamp, transcript: {id, room_id, created_at, duration (s), title,
//    short_summary, long_summary, webvtt, topics: [{title, summary, timestamp, duration (s),
//    webvtt}], participants: [{id, name, speaker}], source_language, target_language, status,
//    frontend_url, action_items}, room: {id, name}, calendar_event}
// Times are ISO 8601 UTC with "Z" (microseconds when not zero); whole floats keep ".0";
// non-ASCII text is UTF-8. A topic without a timestamp gets 0.0, transcript.room_id falls back
// to room.id. `action_items` and `calendar_event` are null (this project has neither).
std::string TranscriptCompletedPayload(const Transcript& transcript, const Room& room,
                                       const TranscriptCompletedOptions& options);

struct WebhookRequest {
  std::string url;
  std::string event = std::string(kTranscriptCompletedEvent);
  std::string body;
  std::string secret;          // empty: no X-Webhook-Signature
  int retry = 0;               // X-Webhook-Retry
  std::int64_t timestamp = 0;  // the signature's t (Unix seconds)
  std::chrono::milliseconds timeout{30000};
};

// What an answer means for the delivery.
enum class WebhookVerdict {
  kDelivered,  // 2xx
  kRefused,    // 1xx, 3xx (redirects are not followed), 4xx but 429: the receiver will not take it
  kRetry,      // 429 and 5xx: try again later
};
WebhookVerdict ClassifyWebhookStatus(long status);

struct WebhookResponse {
  long status = 0;
  WebhookVerdict verdict = WebhookVerdict::kRefused;
  std::string body_preview;  // the first 200 bytes of the answer
};

// Makes one attempt. Transport failures are errors (net::HttpClient's: connection refused and
// timeouts are retryable, a malformed URL is kInvalidInput); any HTTP answer is a response.
Result<WebhookResponse> PostWebhook(net::HttpClient& http, const WebhookRequest& request,
                                    std::stop_token stop = {});

}  // namespace reflector::notify
