#include "notify/zulip.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <utility>

#include "core/digest.hpp"
#include "core/json.hpp"
#include "net/url.hpp"

namespace reflector::notify {
namespace {

constexpr std::string_view kInvalidMessageMsg = "Invalid message(s)";
constexpr std::string_view kInvalidMessageMarker = "Zulip: Invalid message(s)";

std::string ApiBase(std::string site) {
  while (!site.empty() && site.back() == '/')
    site.pop_back();
  if (site.find("://") == std::string::npos) site = "https://" + site;
  return site + "/api/v1";
}

// The error for a response that is not a success.
Error ResponseError(const net::HttpResponse& response, const std::string& what) {
  std::string code;
  std::string msg;
  auto parsed = ParseJson(response.body, what + " response");
  if (parsed && parsed->is_object()) {
    if (auto it = parsed->find("code"); it != parsed->end() && it->is_string()) code = it->get<std::string>();
    if (auto it = parsed->find("msg"); it != parsed->end() && it->is_string()) msg = it->get<std::string>();
  }
  if (response.status == 400 && msg == kInvalidMessageMsg) {
    return Error::NotFound(what + ": " + std::string(kInvalidMessageMarker));
  }
  if (msg.empty()) return net::HttpStatusError(response, what);
  std::string message =
      what + ": HTTP " + std::to_string(response.status) + ": " + (code.empty() ? "" : code + ": ") + msg;
  if (response.status == 429 || response.status >= 500)
    return Error::Transient(ErrorKind::kUnavailable, message);
  return Error::Terminal(ErrorKind::kExternal, message);
}

// The host (and port, when given) of a URL, as Python's urlparse(...).netloc gives it.
std::string NetLocation(std::string_view url) {
  std::size_t start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  std::size_t end = url.find_first_of("/?#", start);
  return std::string(url.substr(start, end == std::string_view::npos ? url.size() - start : end - start));
}

}  // namespace

ZulipClient::ZulipClient(ZulipOptions options, net::HttpClient& http)
    : options_(std::move(options)), api_base_(ApiBase(options_.site)), http_(http) {}

Result<net::HttpResponse> ZulipClient::Send(const std::string& method, const std::string& path,
                                            const std::string& body, const std::string& what,
                                            std::stop_token stop) {
  net::HttpRequest request;
  request.method = method;
  request.url = api_base_ + path;
  request.body = body;
  request.timeout = options_.timeout;
  request.connect_timeout = std::min(options_.timeout, std::chrono::milliseconds(10000));
  request.headers.emplace_back("Authorization",
                               "Basic " + Base64Encode(options_.bot_email + ":" + options_.api_key));
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.headers.emplace_back("Accept", "application/json");
  auto response = http_.Send(request, stop);
  if (!response) return response.error().WithContext(what);
  if (!response->ok()) return ResponseError(*response, what);
  auto parsed = ParseJson(response->body, what + " response");
  if (parsed && parsed->is_object() && parsed->value("result", "success") != "success") {
    return ResponseError(*response, what);
  }
  return response;
}

Result<std::int64_t> ZulipClient::PostMessage(const std::string& stream, const std::string& topic,
                                              const std::string& content, std::stop_token stop) {
  const std::string what = "Zulip POST /messages (stream '" + stream + "', topic '" + topic + "')";
  std::string body =
      net::FormUrlEncode({{"type", "stream"}, {"to", stream}, {"topic", topic}, {"content", content}});
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response, Send("POST", "/messages", body, what, stop));
  auto parsed = ParseJson(response.body, what + " response");
  if (!parsed || !parsed->is_object() || !parsed->contains("id") || !(*parsed)["id"].is_number_integer()) {
    return Error::Terminal(ErrorKind::kExternal,
                           what + ": the answer has no message 'id': " + response.body.substr(0, 200));
  }
  return (*parsed)["id"].get<std::int64_t>();
}

Status ZulipClient::UpdateMessage(std::int64_t message_id, const std::string& content,
                                  const std::string& topic, std::stop_token stop) {
  const std::string what = "Zulip PATCH /messages/" + std::to_string(message_id);
  std::vector<std::pair<std::string, std::string>> fields;
  if (!topic.empty()) fields.emplace_back("topic", topic);
  fields.emplace_back("content", content);
  REFLECTOR_TRY(
      Send("PATCH", "/messages/" + std::to_string(message_id), net::FormUrlEncode(fields), what, stop));
  return Ok();
}

bool IsInvalidMessage(const Error& error) {
  return error.kind == ErrorKind::kNotFound && error.message.find(kInvalidMessageMarker) != std::string::npos;
}

std::string FormatClockTime(double seconds) {
  if (!(seconds > 0)) seconds = 0;
  auto total = static_cast<long long>(std::floor(seconds));
  long long days = total / 86400;
  long long rest = total % 86400;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", rest / 3600, (rest / 60) % 60, rest % 60);
  std::string clock = buffer;
  if (days > 0) return std::to_string(days) + (days == 1 ? " day, " : " days, ") + clock;
  return clock.rfind("0:", 0) == 0 ? clock.substr(2) : clock;
}

std::string ZulipTranscriptMessage(const Transcript& transcript, const std::string& ui_base_url) {
  std::string base = ui_base_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  const std::string url = base + "/transcripts/" + transcript.id;
  const std::string title =
      transcript.title && !transcript.title->empty() ? *transcript.title : "Unnamed recording";

  std::string message = "# Reflector – " + title + "\n\n";
  message +=
      "**Date**: <time:" + FormatIso8601(transcript.created_at, IsoFraction::kWhenNotZero, IsoZone::kOffset) +
      ">\n";
  message += "**Link**: [" + NetLocation(url) + "](" + url + ")\n";
  message += "**Duration**: " + FormatClockTime(transcript.duration) + "\n\n";

  message += "```spoiler Summary\n";
  message += transcript.long_summary && !transcript.long_summary->empty() ? *transcript.long_summary
                                                                          : "No summary available";
  message += "\n```\n\n";

  if (!transcript.topics.empty()) {
    message += "```spoiler Topics\n";
    for (const Topic& topic : transcript.topics)
      message += "1. [" + FormatClockTime(topic.timestamp.value_or(0.0)) + "] " + topic.title + "\n";
    message += "```\n\n";
  }
  message += "-----\n";
  return message;
}

}  // namespace reflector::notify
