#include "notify/webhook.hpp"

#include <charconv>

#include "core/digest.hpp"
#include "core/json.hpp"

namespace reflector::notify {
namespace {

using OrderedJson = nlohmann::ordered_json;

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

OrderedJson OptionalText(const std::optional<std::string>& value) {
  return value ? OrderedJson(*value) : OrderedJson(nullptr);
}

// A number written as a float (Pydantic writes 12 as 12.0), or null.
OrderedJson Float(const std::optional<double>& value) {
  return value ? OrderedJson(*value) : OrderedJson(nullptr);
}

// ISO 8601 as Pydantic writes it: UTC, "Z", microseconds only when not zero.
std::string PydanticTime(WallTime time) {
  return FormatIso8601(time, IsoFraction::kWhenNotZero, IsoZone::kZ);
}

OrderedJson TopicsJson(const std::vector<Topic>& topics) {
  OrderedJson list = OrderedJson::array();
  for (const Topic& topic : topics) {
    OrderedJson item;
    item["title"] = topic.title;
    item["summary"] = topic.summary;
    item["timestamp"] = topic.timestamp.value_or(0.0);
    item["duration"] = Float(topic.duration);
    item["webvtt"] = topic.webvtt;
    list.push_back(std::move(item));
  }
  return list;
}

OrderedJson ParticipantsJson(const std::vector<Participant>& participants) {
  OrderedJson list = OrderedJson::array();
  for (const Participant& participant : participants) {
    OrderedJson item;
    item["id"] = participant.id;
    item["name"] = participant.name;
    item["speaker"] = participant.speaker ? OrderedJson(*participant.speaker) : OrderedJson(nullptr);
    list.push_back(std::move(item));
  }
  return list;
}

}  // namespace

std::string WebhookSignature(std::string_view secret, std::int64_t timestamp, std::string_view body) {
  std::string t = std::to_string(timestamp);
  std::string message = t + "." + std::string(body);
  return "t=" + t + ",v1=" + HexEncode(HmacSha256(secret, message));
}

Status VerifyWebhookSignature(std::string_view secret, std::string_view header, std::string_view body,
                              std::optional<std::int64_t> now, std::chrono::seconds tolerance) {
  std::optional<std::string_view> timestamp;
  std::vector<std::string_view> signatures;
  std::string_view rest = header;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view part = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::size_t equals = part.find('=');
    if (equals == std::string_view::npos) continue;
    std::string_view key = part.substr(0, equals);
    std::string_view value = part.substr(equals + 1);
    if (key == "t") timestamp = value;
    if (key == "v1") signatures.push_back(value);
  }
  if (!timestamp || timestamp->empty()) {
    return Error::InvalidInput("X-Webhook-Signature: no timestamp 't=' in '" + std::string(header) + "'");
  }
  std::int64_t t = 0;
  auto [end, ec] = std::from_chars(timestamp->data(), timestamp->data() + timestamp->size(), t);
  if (ec != std::errc() || end != timestamp->data() + timestamp->size()) {
    return Error::InvalidInput("X-Webhook-Signature: timestamp '" + std::string(*timestamp) +
                               "' is not a number");
  }
  if (signatures.empty()) return Error::InvalidInput("X-Webhook-Signature: no 'v1=' signature");
  const std::string expected =
      HexEncode(HmacSha256(secret, std::string(*timestamp) + "." + std::string(body)));
  bool match = false;
  for (std::string_view signature : signatures)
    match = ConstantTimeEqual(signature, expected) || match;
  if (!match) return Error::InvalidInput("X-Webhook-Signature: the signature does not match the body");
  if (now && (*now - t > tolerance.count() || t - *now > tolerance.count())) {
    return Error::InvalidInput("X-Webhook-Signature: timestamp " + std::to_string(t) + " is more than " +
                               std::to_string(tolerance.count()) + " s away from now (" +
                               std::to_string(*now) + ")");
  }
  return Ok();
}

std::string WebhookEventId(std::string_view event, std::string_view transcript_id,
                           std::string_view completion) {
  std::string seed = std::string(event) + "\n" + std::string(transcript_id) + "\n" + std::string(completion);
  return Sha256Hex(seed).substr(0, 32);
}

std::string TranscriptCompletedPayload(const Transcript& transcript, const Room& room,
                                       const TranscriptCompletedOptions& options) {
  std::string base = options.ui_base_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();

  OrderedJson body;
  body["event"] = std::string(kTranscriptCompletedEvent);
  body["event_id"] = options.event_id;
  body["timestamp"] = PydanticTime(options.timestamp);
  OrderedJson& t = body["transcript"];
  t["id"] = transcript.id;
  t["room_id"] = transcript.room_id.value_or(room.id);
  t["created_at"] = PydanticTime(transcript.created_at);
  t["duration"] = transcript.duration;  // seconds (Reflector: milliseconds)
  t["title"] = OptionalText(transcript.title);
  t["short_summary"] = OptionalText(transcript.short_summary);
  t["long_summary"] = OptionalText(transcript.long_summary);
  t["webvtt"] = OptionalText(transcript.webvtt);
  t["topics"] = TopicsJson(transcript.topics);
  t["participants"] = ParticipantsJson(transcript.participants);
  t["source_language"] = transcript.source_language;
  t["target_language"] = transcript.target_language;
  t["status"] = transcript.status;
  t["frontend_url"] = base + "/transcripts/" + transcript.id;
  t["action_items"] = nullptr;
  body["room"] = OrderedJson{{"id", room.id}, {"name", room.name}};
  body["calendar_event"] = nullptr;
  return body.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

WebhookVerdict ClassifyWebhookStatus(long status) {
  if (status >= 200 && status < 300) return WebhookVerdict::kDelivered;
  if (status == 429 || status >= 500) return WebhookVerdict::kRetry;
  return WebhookVerdict::kRefused;
}

Result<WebhookResponse> PostWebhook(net::HttpClient& http, const WebhookRequest& request,
                                    std::stop_token stop) {
  net::HttpRequest http_request;
  http_request.method = "POST";
  http_request.url = request.url;
  http_request.body = request.body;
  http_request.timeout = request.timeout;
  http_request.connect_timeout = std::min(request.timeout, std::chrono::milliseconds(10000));
  http_request.follow_redirects = false;
  http_request.headers = {{"Content-Type", "application/json"},
                          {"User-Agent", "Reflector-Webhook/1.0"},
                          {"X-Webhook-Event", request.event},
                          {"X-Webhook-Retry", std::to_string(request.retry)}};
  if (!request.secret.empty()) {
    http_request.headers.emplace_back("X-Webhook-Signature",
                                      WebhookSignature(request.secret, request.timestamp, request.body));
  }
  auto response = http.Send(http_request, stop);
  if (!response) return response.error().WithContext("webhook " + request.event);
  WebhookResponse result;
  result.status = response->status;
  result.verdict = ClassifyWebhookStatus(response->status);
  result.body_preview = response->body.substr(0, 200);
  return result;
}

}  // namespace reflector::notify
