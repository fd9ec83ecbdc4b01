#pragma once
// Every HTTP and WebSocket endpoint `reflector serve` answers, as the router's patterns, with
// whether it is open to anyone (no credentials checked: health, configuration, metrics, the
// signed Daily webhook, the web page). tests/api checks the list against the router, so a new
// route cannot be left out of the security tests that walk it (tests/e2e).

#include <string>
#include <vector>

namespace reflector::testing {

struct ApiEndpoint {
  std::string pattern;  // "METHOD /path/{param}"; WebSockets as "WS /path"
  bool open_to_anyone = false;
};

inline std::vector<ApiEndpoint> AllApiEndpoints() {
  return {
      {"GET /health", true},
      {"GET /v1/conductor/health", true},
      {"GET /metrics", true},
      {"GET /v1/config", true},
      {"POST /v1/daily/webhook", true},
      {"GET /", true},
      {"GET /assets/{file}", true},
      {"GET /v1/me"},
      {"POST /v1/user/api-keys"},
      {"GET /v1/user/api-keys"},
      {"DELETE /v1/user/api-keys/{key_id}"},
      {"GET /v1/rooms"},
      {"POST /v1/rooms"},
      {"GET /v1/rooms/{room_id}"},
      {"GET /v1/rooms/name/{name}"},
      {"PATCH /v1/rooms/{room_id}"},
      {"DELETE /v1/rooms/{room_id}"},
      {"POST /v1/rooms/{room_id}/webhook/test"},
      {"POST /v1/meetings/{meeting_id}/consent"},
      {"GET /v1/transcripts"},
      {"POST /v1/transcripts"},
      {"GET /v1/transcripts/search"},
      {"GET /v1/transcripts/{id}"},
      {"PATCH /v1/transcripts/{id}"},
      {"DELETE /v1/transcripts/{id}"},
      {"POST /v1/transcripts/{id}/restore"},
      {"DELETE /v1/transcripts/{id}/destroy"},
      {"POST /v1/transcripts/{id}/tracks"},
      {"POST /v1/transcripts/{id}/record/upload"},
      {"POST /v1/transcripts/{id}/process"},
      {"GET /v1/transcripts/{id}/audio/mp3"},
      {"GET /v1/transcripts/{id}/audio/waveform"},
      {"GET /v1/transcripts/{id}/topics"},
      {"GET /v1/transcripts/{id}/topics/with-words"},
      {"GET /v1/transcripts/{id}/topics/{topic_id}/words-per-speaker"},
      {"GET /v1/transcripts/{id}/participants"},
      {"POST /v1/transcripts/{id}/participants"},
      {"GET /v1/transcripts/{id}/participants/{participant_id}"},
      {"PATCH /v1/transcripts/{id}/participants/{participant_id}"},
      {"DELETE /v1/transcripts/{id}/participants/{participant_id}"},
      {"PATCH /v1/transcripts/{id}/speaker/assign"},
      {"PATCH /v1/transcripts/{id}/speaker/merge"},
      {"GET /v1/shadow/{recording_id}"},
      {"WS /v1/transcripts/{id}/events"},
      {"WS /v1/events"},
  };
}

}  // namespace reflector::testing
