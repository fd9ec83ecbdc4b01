#pragma once
// A client of Daily.co's REST API (the parts the pipeline needs): one recording, the list of
// recordings, and the participants of a meeting session.
//
// Every request sends `Authorization: Bearer <api key>` and has a 10 s timeout (configurable).
// Errors name the endpoint and the id concerned, never the key:
//   429          retried in the call up to `rate_limit_retries` times, waiting Retry-After (or
//                `rate_limit_delay` when absent, capped at `max_rate_limit_delay`); then a
//                retryable kUnavailable error
//   5xx          retryable kUnavailable
//   timeouts and connection errors: retryable (kTimeout / kUnavailable, from net::HttpClient)
//   404          terminal kNotFound
//   other 4xx    terminal kExternal
//   a body that is not the documented JSON: terminal kExternal
// Thread-safe: calls share nothing but the HttpClient (itself thread-safe).

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "net/http_client.hpp"

namespace reflector::platform {

struct DailyTrack {
  std::string type;  // "audio" | "video"
  std::string s3_key;
  std::int64_t size = 0;  // bytes
};

// A recording as GET /recordings/{id} (or an item of the list) describes it. Unknown values are
// kept as given: a "canceled" status is not an error.
struct DailyRecording {
  std::string id;
  std::string room_name;
  std::int64_t start_ts = 0;  // Unix seconds
  std::string status;         // "finished" | "in-progress" | "canceled" | ...
  std::optional<std::int64_t> max_participants;
  std::optional<double> duration;  // seconds; absent while the recording is in progress
  std::optional<std::string> mtg_session_id;
  std::optional<std::string> s3key;           // cloud recordings
  std::optional<std::string> s3_bucket_name;  // `s3.bucket_name`, when a custom bucket is used
  std::vector<DailyTrack> tracks;             // raw-tracks recordings; empty when null or absent

  // Reflector's rule: finished and with a duration.
  [[nodiscard]] bool Ready() const { return status == "finished" && duration.has_value(); }
};

struct DailyRecordingPage {
  std::int64_t total_count = 0;
  std::vector<DailyRecording> data;  // newest first
};

// GET /recordings query. Cursors are recording ids.
struct DailyRecordingQuery {
  int limit = 100;  // 1..100
  std::optional<std::string> starting_after;
  std::optional<std::string> ending_before;
  std::optional<std::string> room_name;
};

struct DailyParticipant {
  std::string participant_id;  // the id that appears in track keys
  std::optional<std::string> user_id;
  std::optional<std::string> user_name;
  std::int64_t join_time = 0;  // Unix seconds
  std::int64_t duration = 0;   // seconds
};

struct DailyClientOptions {
  std::string api_key;
  std::string base_url = "https://api.daily.co/v1";
  std::chrono::milliseconds timeout{10000};          // per request
  int rate_limit_retries = 3;                        // extra attempts after a 429, within one call
  std::chrono::milliseconds rate_limit_delay{1000};  // when a 429 has no Retry-After
  std::chrono::milliseconds max_rate_limit_delay{30000};
  int participants_page_size = 100;  // `limit` of each participants page
  int max_participant_pages = 100;   // stops a server that ignores the cursor
};

class DailyClient {
 public:
  // `http` and `clock` (used to wait after a 429) must outlive the client.
  DailyClient(DailyClientOptions options, net::HttpClient& http, Clock& clock);

  // GET /recordings/{recording_id}. An empty id is kInvalidInput.
  Result<DailyRecording> GetRecording(const std::string& recording_id, std::stop_token stop = {});
  // GET /recordings with the query's parameters (one page; page on with starting_after = the
  // last item's id). A body without a `data` array is an error.
  Result<DailyRecordingPage> ListRecordings(const DailyRecordingQuery& query, std::stop_token stop = {});
  // GET /meetings/{meeting_id}/participants, every page: `limit=N`, then
  // `limit=N&joined_after=<last participant_id>`, until a page is empty, shorter than N, or
  // answers 404 (a 404 on the first page is kNotFound: unknown meeting). In Daily's order,
  // without duplicates.
  Result<std::vector<DailyParticipant>> GetMeetingParticipants(const std::string& meeting_id,
                                                               std::stop_token stop = {});

 private:
  // GETs `path` (+ `query`, already encoded) and returns the response once it is not a 429
  // (after the in-call retries). Transport errors name `what`.
  Result<net::HttpResponse> Get(const std::string& path, const std::string& query, const std::string& what,
                                std::stop_token stop);

  DailyClientOptions options_;
  net::HttpClient& http_;
  Clock& clock_;
};

// Parses one recording object; errors name `what` and the field.
Result<DailyRecording> ParseDailyRecording(const Json& json, const std::string& what);

}  // namespace reflector::platform
