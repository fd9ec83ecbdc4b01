#pragma once
// Zulip: a client for sending and editing stream messages (the REST API's form-encoded
// POST /api/v1/messages and PATCH /api/v1/messages/{id}, HTTP Basic auth with the bot's email
// and API key), and the transcript message Reflector posts.
//
// Errors name the request (and the stream or message id), never the key:
//   HTTP 400 with msg "Invalid message(s)" (deleted, wrong id, not visible to the bot):
//            kNotFound, terminal; see IsInvalidMessage. The caller posts a new message.
//   429, 5xx, timeouts, connection errors: retryable.
//   other 4xx (unknown stream, bad key, edit window closed...) and malformed answers: terminal
//            kExternal, with Zulip's `code` and `msg`.

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>

#include "core/result.hpp"
#include "net/http_client.hpp"
#include "notify/transcript.hpp"

namespace reflector::notify {

struct ZulipOptions {
  // The server: a full base URL ("https://chat.example.com", "http://127.0.0.1:8080") or a
  // bare realm host ("chat.example.com", which means https). The API lives under /api/v1.
  std::string site;
  std::string bot_email;
  std::string api_key;
  std::chrono::milliseconds timeout{10000};  // per request; below post_zulip's responseTimeoutSeconds (30)
};

class ZulipClient {
 public:
  // `http` must outlive the client. Thread-safe.
  ZulipClient(ZulipOptions options, net::HttpClient& http);

  // Posts `content` (markdown) to `stream` under `topic`; returns the new message's id.
  Result<std::int64_t> PostMessage(const std::string& stream, const std::string& topic,
                                   const std::string& content, std::stop_token stop = {});
  // Replaces the content of message `message_id`, and its topic when `topic` is not empty
  // (propagate_mode stays Zulip's default, change_one).
  Status UpdateMessage(std::int64_t message_id, const std::string& content, const std::string& topic = "",
                       std::stop_token stop = {});

  // "https://chat.example.com/api/v1"
  [[nodiscard]] const std::string& api_base() const { return api_base_; }

 private:
  Result<net::HttpResponse> Send(const std::string& method, const std::string& path, const std::string& body,
                                 const std::string& what, std::stop_token stop);

  ZulipOptions options_;
  std::string api_base_;
  net::HttpClient& http_;
};

// Whether an UpdateMessage error is Zulip's "Invalid message(s)".
bool IsInvalidMessage(const Error& error);

// The message Reflector posts for a transcript, in this order:
//   # Reflector – {title or 'Unnamed recording'}
//   (blank line)
//   **Date**: <time:{created_at, ISO 8601 with +00:00}>
//   **Link**: [{host[:port] of the link}]({ui_base_url}/transcripts/{id})
//   **Duration**: {mm:ss or h:mm:ss}
//   (blank line)
//   ```spoiler Summary / long summary (or "No summary available") / ``` and a blank line
//   ```spoiler Topics / "1. [mm:ss] {title}" per topic / ``` and a blank line (only with topics)
//   -----
// Durations and topic timestamps are seconds here (Reflector stores milliseconds); both are
// shown truncated to whole seconds (a topic without a timestamp shows 00:00).
std::string ZulipTranscriptMessage(const Transcript& transcript, const std::string& ui_base_url);

// Reflector's format_time: "05:23", "1:05:23", "1 day, 2:00:00" (whole seconds, truncated).
std::string FormatClockTime(double seconds);

}  // namespace reflector::notify
