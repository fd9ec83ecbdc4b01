#pragma once
// A Daily.co double that follows wire-formats.md §1-2: the REST API the pipeline and the poller
// call, and webhook deliveries signed as Daily signs them. For service, API and end-to-end tests.
//
// REST (every request must carry `Authorization: Bearer <api key>`, else 401
// authentication-error; routes at the root, so DAILY_API_URL = BaseUrl()):
//   GET /recordings?limit=N[&starting_after=ID]   {"total_count", "data"}, newest first (the last
//                                                 added first), items without `type` as Daily sends them
//   GET /recordings/{id}                          the recording, or 404 not-found
//   GET /meetings/{id}/participants?limit=N[&joined_after=P]
//                                                 {"data": [...]} pages in order; a page after the
//                                                 last participant is a 404 (as Reflector's
//                                                 client says Daily answers); an unknown meeting 404
// Anything else is 404 not-found. Thread-safe.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "support/http_test_server.hpp"

namespace reflector::testing {

struct FakeDailyTrack {
  std::string type;  // "audio" | "video"
  std::string s3_key;
  std::int64_t size = 1000;
};

// A recording as GET /recordings/{id} describes it; `status` "finished" gets `duration`.
Json DailyRecordingJson(const std::string& id, const std::string& room_name, std::int64_t start_ts,
                        const std::optional<std::string>& mtg_session_id,
                        const std::vector<FakeDailyTrack>& tracks, const std::string& status = "finished",
                        std::int64_t duration = 60);

// A participant of GET /meetings/{id}/participants.
Json DailyParticipantJson(const std::string& participant_id, const std::string& user_name,
                          std::int64_t join_time = 1773324358);

// The key Daily gives a raw track: "{domain}/{room}/{rec_start_ms}-{participant}-{kind}-{track_start_ms}".
std::string DailyTrackKey(const std::string& domain, const std::string& room, std::int64_t recording_start_ms,
                          const std::string& participant_id, const std::string& kind,
                          std::int64_t track_start_ms);

// A webhook delivery as Daily makes it: the body and its two headers.
struct DailyDelivery {
  std::string body;
  std::string timestamp;  // X-Webhook-Timestamp
  std::string signature;  // X-Webhook-Signature
};

// Signs `body` with the base64 `secret` at `unix_seconds`: X-Webhook-Signature = base64 of
// HMAC-SHA256(base64-decode(secret), "{timestamp}.{body}") (computed here from the digest
// primitives, independently of the code under test).
DailyDelivery SignLikeDaily(std::string_view secret, std::string body, std::int64_t unix_seconds);

// The body of a recording.ready-to-download event for `recording` (a DailyRecordingJson), with
// the tracks in the webhook's shape: {"type", "s3Key", "size"}.
std::string DailyRecordingReadyBody(const std::string& event_id, const Json& recording,
                                    std::int64_t event_ts);

class FakeDaily {
 public:
  explicit FakeDaily(std::string api_key = "daily-test-key");

  // "http://127.0.0.1:<port>"
  [[nodiscard]] std::string BaseUrl() const { return server_.BaseUrl(); }
  [[nodiscard]] const std::string& api_key() const { return api_key_; }

  // Adds (or replaces, keeping its place) a recording; the newest added is listed first.
  void AddRecording(Json recording);
  // The participants of a meeting session, in join order.
  void SetParticipants(const std::string& meeting_id, std::vector<Json> participants);
  // Answers every later request with `status` (a Daily error body); 0: behave again.
  void FailWith(int status);

  [[nodiscard]] std::vector<TestHttpRequest> Requests() const;
  // How many requests had a path starting with `prefix`.
  [[nodiscard]] int CountRequests(std::string_view prefix) const;

 private:
  TestHttpResponse Answer(const TestHttpRequest& request);
  TestHttpResponse ListRecordings(const TestHttpRequest& request);
  TestHttpResponse Participants(const std::string& meeting_id, const TestHttpRequest& request);

  const std::string api_key_;
  mutable std::mutex mutex_;
  std::vector<TestHttpRequest> requests_;
  std::vector<Json> recordings_;  // oldest first
  std::map<std::string, std::vector<Json>> participants_;
  int fail_with_ = 0;
  HttpTestServer server_;  // last: stopped before the members its handler uses
};

}  // namespace reflector::testing
