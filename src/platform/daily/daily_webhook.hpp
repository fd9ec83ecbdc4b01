#pragma once
// Daily.co's webhooks (wire-formats.md §2) and the naming rules around a Daily recording: the
// signature Reflector checks, the freshness window this project adds, the events, the audio
// tracks to transcribe and the Reflector room a Daily room belongs to. Pure functions, no I/O;
// thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "platform/daily/daily_client.hpp"

namespace reflector::platform {

// The X-Webhook-Signature Daily sends: standard Base64 (with padding) of
// HMAC-SHA256(key = base64-decode(secret), message = timestamp + "." + body), where `timestamp`
// is the X-Webhook-Timestamp header as received and `body` the raw request bytes. kInvalidInput
// when the secret is not standard Base64 (the message never shows it).
Result<std::string> SignDailyWebhook(std::string_view secret_base64, std::string_view timestamp,
                                     std::string_view body);

// Reflector's check: false when the secret, the signature or the timestamp is empty, when the
// secret does not decode, or when `signature` differs from SignDailyWebhook's (compared in
// constant time, as strings).
bool VerifyDailyWebhookSignature(std::string_view secret_base64, std::string_view timestamp,
                                 std::string_view body, std::string_view signature);

// This project's replay window: true when `timestamp` is a whole number of Unix seconds (the
// form Daily sends) at most `tolerance` away from `now`, in either direction.
bool DailyWebhookTimestampIsFresh(std::string_view timestamp, WallTime now, std::chrono::seconds tolerance);

// The body Daily sends when a webhook is created, to see that it answers 200.
bool IsDailyTestPing(const Json& body);

// `payload` of recording.ready-to-download: the fields this project uses.
struct DailyRecordingReady {
  std::string type;  // "raw-tracks", "cloud", "cloud-audio-only", ...
  std::string recording_id;
  std::string room_name;                 // Daily's room: Reflector's room + "-YYYYMMDDHHMMSS"
  std::optional<std::int64_t> start_ts;  // Unix seconds (a float is truncated)
  std::vector<DailyTrack> tracks;        // raw-tracks; empty when null or absent
};

// An event's envelope ({version, type, id, payload, event_ts}); `ready` is set for
// recording.ready-to-download.
struct DailyWebhookEvent {
  std::string id;
  std::string type;
  Json payload = Json::object();
  std::optional<DailyRecordingReady> ready;
};

inline constexpr std::string_view kDailyRecordingReady = "recording.ready-to-download";

// Parses an event: `type` and `id` are required strings and `payload` an object; for
// recording.ready-to-download `payload.type`, `recording_id` and `room_name` are required,
// `status` must be "finished" when given, and each track needs `type` and `s3Key`. Other
// types are returned with their payload as it is. kInvalidInput naming the field otherwise.
Result<DailyWebhookEvent> ParseDailyWebhookEvent(const Json& body);

// The keys to transcribe, in Daily's order (the speaker index is the position): tracks of type
// "audio" whose key is a camera microphone ("cam-audio"; screen-share audio is left out), as
// Reflector filters them.
std::vector<std::string> DailyAudioTrackKeys(const std::vector<DailyTrack>& tracks);

// The Reflector room of a Daily room: the name without its trailing "-" and 14 digits
// (YYYYMMDDHHMMSS), or the name as it is when it has none ("team-standup-20260312140512" →
// "team-standup"; "daily-2-20251020193458" → "daily-2"; "lobby" → "lobby").
std::string ReflectorRoomName(std::string_view daily_room_name);

// When a recording was made, from its first track key's folder ("acme/<room>-YYYYMMDDHHMMSS/..."):
// that UTC time, or nullopt when the folder does not end in 14 digits of a valid time in the
// years 1970-2261.
std::optional<WallTime> DailyRecordedAt(std::string_view first_track_key);

}  // namespace reflector::platform
