#include "platform/daily/daily_client.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "core/log.hpp"
#include "net/url.hpp"

namespace reflector::platform {
namespace {

std::optional<std::string> OptionalText(const Json& object, const char* field) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::int64_t> OptionalInteger(const Json& object, const char* field) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
  return it->get<std::int64_t>();
}

std::optional<double> OptionalSeconds(const Json& object, const char* field) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

Error BadBody(const std::string& what, const std::string& problem) {
  return Error::Terminal(ErrorKind::kExternal, what + ": unexpected response: " + problem);
}

Result<Json> ParseBody(const net::HttpResponse& response, const std::string& what) {
  if (response.body.empty()) return Json::object();  // Reflector reads an empty 2xx body as {}
  auto parsed = ParseJson(response.body, what + " response");
  if (!parsed) return BadBody(what, parsed.error().message);
  if (!parsed->is_object()) return BadBody(what, "the body is a JSON " + std::string(JsonTypeName(*parsed)));
  return parsed;
}

Result<DailyParticipant> ParseParticipant(const Json& json, const std::string& what) {
  if (!json.is_object()) return BadBody(what, "a participant is not an object");
  DailyParticipant participant;
  auto id = OptionalText(json, "participant_id");
  if (!id || id->empty()) return BadBody(what, "a participant has no 'participant_id'");
  participant.participant_id = *id;
  participant.user_id = OptionalText(json, "user_id");
  participant.user_name = OptionalText(json, "user_name");
  participant.join_time = OptionalInteger(json, "join_time").value_or(0);
  participant.duration = OptionalInteger(json, "duration").value_or(0);
  return participant;
}

}  // namespace

Result<DailyRecording> ParseDailyRecording(const Json& json, const std::string& what) {
  if (!json.is_object()) return BadBody(what, "the recording is not an object");
  DailyRecording recording;
  auto id = OptionalText(json, "id");
  if (!id || id->empty()) return BadBody(what, "field 'id' is missing");
  recording.id = *id;
  recording.room_name = OptionalText(json, "room_name").value_or("");
  recording.start_ts = OptionalInteger(json, "start_ts").value_or(0);
  recording.status = OptionalText(json, "status").value_or("");
  recording.max_participants = OptionalInteger(json, "max_participants");
  recording.duration = OptionalSeconds(json, "duration");
  recording.mtg_session_id = OptionalText(json, "mtgSessionId");
  if (recording.mtg_session_id && recording.mtg_session_id->empty()) recording.mtg_session_id.reset();
  recording.s3key = OptionalText(json, "s3key");
  if (auto s3 = json.find("s3"); s3 != json.end() && s3->is_object()) {
    recording.s3_bucket_name = OptionalText(*s3, "bucket_name");
  }
  if (auto tracks = json.find("tracks"); tracks != json.end() && tracks->is_array()) {
    for (std::size_t i = 0; i < tracks->size(); ++i) {
      const Json& track = (*tracks)[i];
      auto key = track.is_object() ? OptionalText(track, "s3Key") : std::nullopt;
      if (!key) return BadBody(what, "tracks[" + std::to_string(i) + "] has no 's3Key'");
      recording.tracks.push_back(
          {OptionalText(track, "type").value_or(""), *key, OptionalInteger(track, "size").value_or(0)});
    }
  }
  return recording;
}

DailyClient::DailyClient(DailyClientOptions options, net::HttpClient& http, Clock& clock)
    : options_(std::move(options)), http_(http), clock_(clock) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/')
    options_.base_url.pop_back();
}

Result<net::HttpResponse> DailyClient::Get(const std::string& path, const std::string& query,
                                           const std::string& what, std::stop_token stop) {
  net::HttpRequest request;
  request.url = options_.base_url + path + (query.empty() ? "" : "?" + query);
  request.timeout = options_.timeout;
  request.connect_timeout = std::min(options_.timeout, std::chrono::milliseconds(10000));
  request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
  request.headers.emplace_back("Content-Type", "application/json");  // as Reflector sends it
  request.headers.emplace_back("Accept", "application/json");
  for (int attempt = 0;; ++attempt) {
    auto response = http_.Send(request, stop);
    if (!response) return response.error().WithContext(what);
    if (response->status != 429 || attempt >= options_.rate_limit_retries) return response;
    std::chrono::milliseconds delay = std::min(net::RetryAfter(*response).value_or(options_.rate_limit_delay),
                                               options_.max_rate_limit_delay);
    log::Warn("Daily.co rate limit; waiting",
              {{"request", what}, {"delay_ms", static_cast<long long>(delay.count())}});
    if (!clock_.SleepFor(delay, stop)) return Error::Cancelled(what + ": cancelled while rate limited");
  }
}

Result<DailyRecording> DailyClient::GetRecording(const std::string& recording_id, std::stop_token stop) {
  if (recording_id.empty())
    return Error::InvalidInput("Daily.co GET /recordings/{id}: the recording id is empty");
  const std::string what = "Daily.co GET /recordings/" + recording_id;
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response,
                             Get("/recordings/" + net::UriEncode(recording_id, false), "", what, stop));
  if (!response.ok()) return net::HttpStatusError(response, what);
  REFLECTOR_ASSIGN_OR_RETURN(Json body, ParseBody(response, what));
  return ParseDailyRecording(body, what);
}

Result<DailyRecordingPage> DailyClient::ListRecordings(const DailyRecordingQuery& query,
                                                       std::stop_token stop) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"limit", std::to_string(std::clamp(query.limit, 1, 100))}};
  if (query.starting_after) fields.emplace_back("starting_after", *query.starting_after);
  if (query.ending_before) fields.emplace_back("ending_before", *query.ending_before);
  if (query.room_name) fields.emplace_back("room_name", *query.room_name);
  std::string what = "Daily.co GET /recordings";
  if (query.room_name) what += " (room " + *query.room_name + ")";
  if (query.starting_after) what += " (after " + *query.starting_after + ")";
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response,
                             Get("/recordings", net::FormUrlEncode(fields), what, stop));
  if (!response.ok()) return net::HttpStatusError(response, what);
  REFLECTOR_ASSIGN_OR_RETURN(Json body, ParseBody(response, what));
  auto data = body.find("data");
  if (data == body.end() || !data->is_array()) return BadBody(what, "no 'data' array");
  DailyRecordingPage page;
  for (std::size_t i = 0; i < data->size(); ++i) {
    REFLECTOR_ASSIGN_OR_RETURN(DailyRecording recording,
                               ParseDailyRecording((*data)[i], what + " data[" + std::to_string(i) + "]"));
    page.data.push_back(std::move(recording));
  }
  page.total_count =
      OptionalInteger(body, "total_count").value_or(static_cast<std::int64_t>(page.data.size()));
  return page;
}

Result<std::vector<DailyParticipant>> DailyClient::GetMeetingParticipants(const std::string& meeting_id,
                                                                          std::stop_token stop) {
  if (meeting_id.empty()) {
    return Error::InvalidInput("Daily.co GET /meetings/{id}/participants: the meeting id is empty");
  }
  const std::string what = "Daily.co GET /meetings/" + meeting_id + "/participants";
  const std::string path = "/meetings/" + net::UriEncode(meeting_id, false) + "/participants";
  const int limit = std::max(1, options_.participants_page_size);
  std::vector<DailyParticipant> participants;
  std::set<std::string> seen;
  std::optional<std::string> cursor;
  for (int page = 0; page < options_.max_participant_pages; ++page) {
    std::vector<std::pair<std::string, std::string>> fields = {{"limit", std::to_string(limit)}};
    if (cursor) fields.emplace_back("joined_after", *cursor);
    std::string page_what = what + (cursor ? " (joined_after " + *cursor + ")" : "");
    REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response,
                               Get(path, net::FormUrlEncode(fields), page_what, stop));
    // Past the last participant Daily may answer 404 instead of an empty page.
    if (response.status == 404 && page > 0) break;
    if (!response.ok()) return net::HttpStatusError(response, page_what);
    REFLECTOR_ASSIGN_OR_RETURN(Json body, ParseBody(response, page_what));
    auto data = body.find("data");
    if (data == body.end() || !data->is_array()) return BadBody(page_what, "no 'data' array");
    bool any_new = false;
    for (const Json& item : *data) {
      REFLECTOR_ASSIGN_OR_RETURN(DailyParticipant participant, ParseParticipant(item, page_what));
      if (!seen.insert(participant.participant_id).second) continue;
      any_new = true;
      participants.push_back(std::move(participant));
    }
    if (data->size() < static_cast<std::size_t>(limit) || !any_new) break;
    cursor = participants.back().participant_id;
  }
  return participants;
}

}  // namespace reflector::platform
