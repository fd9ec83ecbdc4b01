#include "platform/daily/daily_webhook.hpp"

#include <charconv>
#include <ctime>

#include "core/digest.hpp"

namespace reflector::platform {
namespace {

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The 14 trailing digits of `name` after a '-', or nothing.
std::optional<std::string_view> TimestampSuffix(std::string_view name) {
  constexpr std::size_t kDigits = 14;
  if (name.size() < kDigits + 2) return std::nullopt;  // at least one character before the '-'
  std::string_view digits = name.substr(name.size() - kDigits);
  if (name[name.size() - kDigits - 1] != '-' || !AllDigits(digits)) return std::nullopt;
  return digits;
}

int Number(std::string_view digits) {
  int value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

// A number as a whole int64 (a float is truncated: Daily may send one); beyond int64 (or not
// finite) it is an error, not an undefined conversion.
Result<std::int64_t> WholeNumber(double value, std::string_view field) {
  constexpr double kLimit = 9223372036854775808.0;  // 2^63
  if (!(value > -kLimit && value < kLimit))
    return Error::InvalidInput("field '" + std::string(field) + "' is out of range");
  return static_cast<std::int64_t>(value);
}

Result<std::optional<std::int64_t>> OptionalSeconds(const Json& payload, std::string_view field) {
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<double> seconds, GetOptionalNumber(payload, field));
  if (!seconds) return std::optional<std::int64_t>();
  REFLECTOR_ASSIGN_OR_RETURN(std::int64_t whole, WholeNumber(*seconds, field));
  return std::optional<std::int64_t>(whole);
}

Result<std::vector<DailyTrack>> ParseTracks(const Json& payload) {
  std::vector<DailyTrack> tracks;
  auto found = payload.find("tracks");
  if (found == payload.end() || found->is_null()) return tracks;
  if (!found->is_array()) return Error::InvalidInput("field 'payload.tracks' must be an array");
  for (std::size_t i = 0; i < found->size(); ++i) {
    const Json& item = (*found)[i];
    const std::string where = "payload.tracks[" + std::to_string(i) + "]";
    if (!item.is_object()) return Error::InvalidInput("field '" + where + "' must be an object");
    auto type = GetString(item, "type");
    if (!type) return type.error().WithContext(where);
    auto key = GetString(item, "s3Key");
    if (!key) return key.error().WithContext(where);
    auto size = GetOptionalNumber(item, "size");
    if (!size) return size.error().WithContext(where);
    auto bytes = WholeNumber(size->value_or(0), "size");
    if (!bytes) return bytes.error().WithContext(where);
    tracks.push_back({*type, *key, *bytes});
  }
  return tracks;
}

Result<DailyRecordingReady> ParseRecordingReady(const Json& payload) {
  DailyRecordingReady ready;
  auto required = [&](std::string_view field, std::string& out) -> Status {
    auto value = GetString(payload, field);
    if (!value || value->empty())
      return Error::InvalidInput("field 'payload." + std::string(field) + "' must be a non-empty string");
    out = *value;
    return Ok();
  };
  REFLECTOR_TRY(required("type", ready.type));
  REFLECTOR_TRY(required("recording_id", ready.recording_id));
  REFLECTOR_TRY(required("room_name", ready.room_name));
  auto status = GetOptionalString(payload, "status");
  if (!status) return status.error().WithContext("payload");
  if (*status && **status != "finished")
    return Error::InvalidInput("field 'payload.status' must be \"finished\", got \"" + **status + "\"");
  auto start = OptionalSeconds(payload, "start_ts");
  if (!start) return start.error().WithContext("payload");
  ready.start_ts = *start;
  REFLECTOR_ASSIGN_OR_RETURN(ready.tracks, ParseTracks(payload));
  return ready;
}

}  // namespace

Result<std::string> SignDailyWebhook(std::string_view secret_base64, std::string_view timestamp,
                                     std::string_view body) {
  auto key = Base64Decode(secret_base64);
  if (!key) return Error::InvalidInput("the Daily.co webhook secret is not standard base64");
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  return Base64Encode(HmacSha256(*key, message));
}

bool VerifyDailyWebhookSignature(std::string_view secret_base64, std::string_view timestamp,
                                 std::string_view body, std::string_view signature) {
  if (secret_base64.empty() || timestamp.empty() || signature.empty()) return false;
  auto expected = SignDailyWebhook(secret_base64, timestamp, body);
  return expected.ok() && ConstantTimeEquals(*expected, signature);
}

bool DailyWebhookTimestampIsFresh(std::string_view timestamp, WallTime now, std::chrono::seconds tolerance) {
  if (!AllDigits(timestamp) || timestamp.size() > 12) return false;  // Unix seconds until year 33658
  std::int64_t seconds = 0;
  std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
  const std::int64_t skew = seconds - UnixSeconds(now);
  return skew <= tolerance.count() && -skew <= tolerance.count();
}

bool IsDailyTestPing(const Json& body) {
  return body.is_object() && body.size() == 1 && body.contains("test") && body["test"] == "test";
}

Result<DailyWebhookEvent> ParseDailyWebhookEvent(const Json& body) {
  if (!body.is_object()) return Error::InvalidInput("body: must be a JSON object");
  DailyWebhookEvent event;
  REFLECTOR_ASSIGN_OR_RETURN(event.type, GetString(body, "type"));
  REFLECTOR_ASSIGN_OR_RETURN(event.id, GetString(body, "id"));
  if (event.id.empty()) return Error::InvalidInput("field 'id' must not be empty");
  if (auto payload = body.find("payload"); payload != body.end() && !payload->is_null()) {
    if (!payload->is_object()) return Error::InvalidInput("field 'payload' must be an object");
    event.payload = *payload;
  }
  if (event.type == kDailyRecordingReady) {
    REFLECTOR_ASSIGN_OR_RETURN(DailyRecordingReady ready, ParseRecordingReady(event.payload));
    event.ready = std::move(ready);
  }
  return event;
}

std::vector<std::string> DailyAudioTrackKeys(const std::vector<DailyTrack>& tracks) {
  std::vector<std::string> keys;
  for (const DailyTrack& track : tracks) {
    if (track.type == "audio" && track.s3_key.find("cam-audio") != std::string::npos)
      keys.push_back(track.s3_key);
  }
  return keys;
}

std::string ReflectorRoomName(std::string_view daily_room_name) {
  if (TimestampSuffix(daily_room_name)) daily_room_name.remove_suffix(15);
  return std::string(daily_room_name);
}

std::optional<WallTime> DailyRecordedAt(std::string_view first_track_key) {
  const std::size_t slash = first_track_key.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view folder = first_track_key.substr(0, slash);
  folder = folder.substr(folder.rfind('/') == std::string_view::npos ? 0 : folder.rfind('/') + 1);
  auto digits = TimestampSuffix(folder);
  if (!digits) return std::nullopt;
  std::tm time{};
  time.tm_year = Number(digits->substr(0, 4)) - 1900;
  time.tm_mon = Number(digits->substr(4, 2)) - 1;
  time.tm_mday = Number(digits->substr(6, 2));
  time.tm_hour = Number(digits->substr(8, 2));
  time.tm_min = Number(digits->substr(10, 2));
  time.tm_sec = Number(digits->substr(12, 2));
  // WallTime counts nanoseconds in 64 bits, which ends in April 2262: later years do not fit.
  constexpr int kFirstYear = 1970, kLastYear = 2261;
  if (time.tm_year < kFirstYear - 1900 || time.tm_year > kLastYear - 1900 || time.tm_mon < 0 ||
      time.tm_mon > 11 || time.tm_mday < 1 || time.tm_mday > 31 || time.tm_hour > 23 || time.tm_min > 59 ||
      time.tm_sec > 60) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(timegm(&time));
}

}  // namespace reflector::platform
