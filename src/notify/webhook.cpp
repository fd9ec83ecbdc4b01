#include "notify/webhook.hpp"

#include <charconv>

#include "notify/iso_time.hpp"
#include "storage/s3/sigv4.hpp"

namespace reflector::notify {
namespace {

using OrderedJson = nlohmann::ordered_json;

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

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

// A JSON number written as a float (Pydantic writes 12 as 12.0), or null.
OrderedJson Float(const Json& value) {
  return value.is_number() ? OrderedJson(value.get<double>()) : OrderedJson(nullptr);
}

std::string TextField(const Json& object, const char* field) {
  if (!object.is_object()) return "";
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double SecondsSinceEpoch(WallTime time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

}  // namespace

std::string WebhookSignature(std::string_view secret, std::int64_t timestamp, std::string_view body) {
  std::string t = std::to_string(timestamp);
  std::string message = t + "." + std::string(body);
  return "t=" + t + ",v1=" + Hex(storage::HmacSha256(secret, message));
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
      Hex(storage::HmacSha256(secret, std::string(*timestamp) + "." + std::string(body)));
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
  return storage::Sha256Hex(seed).substr(0, 32);
}

std::string TranscriptCompletedPayload(const store::Transcript& transcript, const store::Room& room,
                                       const TranscriptCompletedOptions& options) {
  OrderedJson topics = OrderedJson::array();
  if (transcript.topics.is_array()) {
    for (std::size_t i = 0; i < transcript.topics.size(); ++i) {
      const Json& topic = transcript.topics[i];
      OrderedJson item;
      item["title"] = TextField(topic, "title");
      item["summary"] = TextField(topic, "summary");
      OrderedJson timestamp =
          topic.is_object() ? Float(topic.value("timestamp", Json())) : OrderedJson(nullptr);
      item["timestamp"] = timestamp.is_null() ? OrderedJson(0.0) : timestamp;
      item["duration"] = topic.is_object() ? Float(topic.value("duration", Json())) : OrderedJson(nullptr);
      item["webvtt"] = i < options.topic_webvtt.size() ? options.topic_webvtt[i] : std::string();
      topics.push_back(std::move(item));
    }
  }
  OrderedJson participants = OrderedJson::array();
  if (transcript.participants.is_array()) {
    for (const Json& participant : transcript.participants) {
      if (!participant.is_object()) continue;
      OrderedJson item;
      item["id"] = TextField(participant, "id");
      item["name"] = TextField(participant, "name");
      auto speaker = participant.find("speaker");
      item["speaker"] = speaker != participant.end() && speaker->is_number_integer()
                            ? OrderedJson(speaker->get<std::int64_t>())
                            : OrderedJson(nullptr);
      participants.push_back(std::move(item));
    }
  }
  std::string base = options.ui_base_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();

  OrderedJson body;
  body["event"] = std::string(kTranscriptCompletedEvent);
  body["event_id"] = options.event_id;
  body["timestamp"] = IsoTime(SecondsSinceEpoch(options.timestamp), IsoZone::kZ);
  OrderedJson& t = body["transcript"];
  t["id"] = transcript.id;
  t["room_id"] = transcript.room_id ? *transcript.room_id : room.id;
  t["created_at"] = IsoTime(transcript.created_at, IsoZone::kZ);
  t["duration"] = transcript.duration;  // seconds (Reflector: milliseconds)
  t["title"] = OptionalText(transcript.title);
  t["short_summary"] = OptionalText(transcript.short_summary);
  t["long_summary"] = OptionalText(transcript.long_summary);
  t["webvtt"] = OptionalText(transcript.webvtt);
  t["topics"] = std::move(topics);
  t["participants"] = std::move(participants);
  t["source_language"] = transcript.source_language;
  t["target_language"] = transcript.target_language;
  t["status"] = std::string(store::ToString(transcript.status));
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
