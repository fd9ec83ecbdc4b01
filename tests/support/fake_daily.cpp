#include "support/fake_daily.hpp"

#include <algorithm>
#include <utility>

#include "core/digest.hpp"
#include "support/http_test_helpers.hpp"

namespace reflector::testing {
namespace {

TestHttpResponse DailyError(int status, const std::string& code, const std::string& info) {
  return JsonResponse(status, Json{{"error", code}, {"info", info}});
}

std::string ErrorCode(int status) {
  if (status == 429) return "rate-limit-error";
  if (status >= 500) return "server-error";
  if (status == 404) return "not-found";
  return "invalid-request-error";
}

}  // namespace

Json DailyRecordingJson(const std::string& id, const std::string& room_name, std::int64_t start_ts,
                        const std::optional<std::string>& mtg_session_id,
                        const std::vector<FakeDailyTrack>& tracks, const std::string& status,
                        std::int64_t duration) {
  Json json_tracks = Json::array();
  for (const auto& track : tracks)
    json_tracks.push_back({{"type", track.type}, {"s3Key", track.s3_key}, {"size", track.size}});
  Json recording = {{"id", id},
                    {"room_name", room_name},
                    {"start_ts", start_ts},
                    {"status", status},
                    {"max_participants", static_cast<int>(tracks.size())},
                    {"share_token", "pQ7vX2mL9sKd"},
                    {"mtgSessionId", mtg_session_id ? Json(*mtg_session_id) : Json(nullptr)},
                    {"tracks", json_tracks}};
  if (status == "finished") recording["duration"] = duration;
  return recording;
}

Json DailyParticipantJson(const std::string& participant_id, const std::string& user_name,
                          std::int64_t join_time) {
  return {{"user_id", nullptr},
          {"participant_id", participant_id},
          {"user_name", user_name},
          {"join_time", join_time},
          {"duration", 600}};
}

std::string DailyTrackKey(const std::string& domain, const std::string& room, std::int64_t recording_start_ms,
                          const std::string& participant_id, const std::string& kind,
                          std::int64_t track_start_ms) {
  return domain + "/" + room + "/" + std::to_string(recording_start_ms) + "-" + participant_id + "-" + kind +
         "-" + std::to_string(track_start_ms);
}

DailyDelivery SignLikeDaily(std::string_view secret, std::string body, std::int64_t unix_seconds) {
  DailyDelivery delivery;
  delivery.timestamp = std::to_string(unix_seconds);
  auto key = Base64Decode(secret);
  const std::string message = delivery.timestamp + "." + body;
  delivery.signature = Base64Encode(HmacSha256(key.ok() ? *key : std::string(secret), message));
  delivery.body = std::move(body);
  return delivery;
}

std::string DailyRecordingReadyBody(const std::string& event_id, const Json& recording,
                                    std::int64_t event_ts) {
  Json payload = {{"type", "raw-tracks"},
                  {"recording_id", recording["id"]},
                  {"room_name", recording["room_name"]},
                  {"start_ts", recording["start_ts"]},
                  {"status", "finished"},
                  {"max_participants", recording.value("max_participants", 1)},
                  {"duration", recording.value("duration", 0)},
                  {"s3_key", recording["room_name"].get<std::string>()},
                  {"tracks", recording["tracks"]}};
  Json event = {{"version", "1.0.0"},
                {"type", "recording.ready-to-download"},
                {"id", event_id},
                {"payload", payload},
                {"event_ts", event_ts}};
  return event.dump();
}

FakeDaily::FakeDaily(std::string api_key)
    : api_key_(std::move(api_key)),
      server_([this](const TestHttpRequest& request) { return Answer(request); }) {}

void FakeDaily::AddRecording(Json recording) {
  std::lock_guard lock(mutex_);
  for (Json& existing : recordings_) {
    if (existing["id"] == recording["id"]) {
      existing = std::move(recording);
      return;
    }
  }
  recordings_.push_back(std::move(recording));
}

void FakeDaily::SetParticipants(const std::string& meeting_id, std::vector<Json> participants) {
  std::lock_guard lock(mutex_);
  participants_[meeting_id] = std::move(participants);
}

void FakeDaily::FailWith(int status) {
  std::lock_guard lock(mutex_);
  fail_with_ = status;
}

std::vector<TestHttpRequest> FakeDaily::Requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int FakeDaily::CountRequests(std::string_view prefix) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(requests_.begin(), requests_.end(), [&](const TestHttpRequest& r) {
    return r.path.starts_with(prefix);
  }));
}

TestHttpResponse FakeDaily::Answer(const TestHttpRequest& request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(request);
  if (request.Header("Authorization") != "Bearer " + api_key_)
    return DailyError(401, "authentication-error", "the API key you provided is not valid");
  if (fail_with_ != 0) return DailyError(fail_with_, ErrorCode(fail_with_), "scripted failure");
  if (request.method != "GET") return DailyError(404, "not-found", "no such route");
  if (request.path == "/recordings") return ListRecordings(request);
  constexpr std::string_view kRecording = "/recordings/";
  if (request.path.starts_with(kRecording)) {
    const std::string id = request.path.substr(kRecording.size());
    for (const Json& recording : recordings_)
      if (recording["id"] == id) return JsonResponse(200, recording);
    return DailyError(404, "not-found", "recording " + id + " not found");
  }
  constexpr std::string_view kMeetings = "/meetings/";
  constexpr std::string_view kParticipants = "/participants";
  if (request.path.starts_with(kMeetings) && request.path.ends_with(kParticipants)) {
    return Participants(
        request.path.substr(kMeetings.size(), request.path.size() - kMeetings.size() - kParticipants.size()),
        request);
  }
  return DailyError(404, "not-found", "no such route");
}

TestHttpResponse FakeDaily::ListRecordings(const TestHttpRequest& request) {
  auto query = DecodeForm(request.query);
  const std::size_t limit = query.contains("limit") ? std::stoul(query["limit"]) : 100;
  std::vector<Json> newest_first(recordings_.rbegin(), recordings_.rend());
  std::size_t from = 0;
  if (query.contains("starting_after")) {
    while (from < newest_first.size() && newest_first[from]["id"] != query["starting_after"])
      ++from;
    ++from;
  }
  Json data = Json::array();
  for (std::size_t i = from; i < newest_first.size() && data.size() < limit; ++i) {
    Json item = newest_first[i];
    item.erase("type");  // list items come without it
    data.push_back(std::move(item));
  }
  return JsonResponse(200, Json{{"total_count", newest_first.size()}, {"data", data}});
}

TestHttpResponse FakeDaily::Participants(const std::string& meeting_id, const TestHttpRequest& request) {
  auto found = participants_.find(meeting_id);
  if (found == participants_.end())
    return DailyError(404, "not-found", "meeting " + meeting_id + " not found");
  auto query = DecodeForm(request.query);
  const std::size_t limit = query.contains("limit") ? std::stoul(query["limit"]) : 100;
  const std::vector<Json>& all = found->second;
  std::size_t from = 0;
  if (query.contains("joined_after")) {
    while (from < all.size() && all[from]["participant_id"] != query["joined_after"])
      ++from;
    ++from;
    if (from >= all.size()) return DailyError(404, "not-found", "no participants after the cursor");
  }
  Json data = Json::array();
  for (std::size_t i = from; i < all.size() && data.size() < limit; ++i)
    data.push_back(all[i]);
  return JsonResponse(200, Json{{"data", data}});
}

}  // namespace reflector::testing
