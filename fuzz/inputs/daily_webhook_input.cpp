// A Daily.co webhook delivery, checked and read in the order of POST /v1/daily/webhook
// (src/api/daily_routes.cpp) up to the database (see fuzz_inputs.hpp).

#include <chrono>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "fuzz_inputs.hpp"
#include "platform/daily/daily_webhook.hpp"
#include "split.hpp"

namespace reflector::fuzz {
namespace {

constexpr std::string_view kSecret = "ZnV6emluZy10aGUtZGFpbHktd2ViaG9vaw==";  // base64 of a made-up key
constexpr std::chrono::seconds kSkew{300};

void ReadEvent(const Json& json) {
  if (platform::IsDailyTestPing(json)) return;
  auto event = platform::ParseDailyWebhookEvent(json);
  if (!event) return;
  FuzzRequire(!event->id.empty(), "an event has an id");
  FuzzRequire(event->payload.is_object(), "an event's payload is an object");
  if (!event->ready) return;
  const platform::DailyRecordingReady& ready = *event->ready;
  FuzzRequire(!ready.recording_id.empty() && !ready.room_name.empty(), "a ready recording names itself");
  const std::string room = platform::ReflectorRoomName(ready.room_name);
  FuzzRequire(!room.empty() && room.size() <= ready.room_name.size(), "a Reflector room name is a prefix");
  const auto keys = platform::DailyAudioTrackKeys(ready.tracks);
  FuzzRequire(keys.size() <= ready.tracks.size(), "audio keys come from the tracks");
  for (const auto& track : ready.tracks)
    (void)platform::DailyRecordedAt(track.s3_key);
}

}  // namespace

void DailyWebhookInput(std::string_view data) {
  auto [timestamp, rest] = SplitFirstLine(data);
  auto [signature_line, body] = SplitFirstLine(rest);
  std::string signature(signature_line);
  if (signature.empty()) {
    auto signed_body = platform::SignDailyWebhook(kSecret, timestamp, body);
    FuzzRequire(signed_body.ok(), "the fixed secret signs");
    signature = *signed_body;
    if (!timestamp.empty()) {
      FuzzRequire(platform::VerifyDailyWebhookSignature(kSecret, timestamp, body, signature),
                  "a delivery signed with the secret verifies");
    }
  }
  // The timestamp line doubles as a secret: base64 decoding of whatever an operator configures.
  (void)platform::VerifyDailyWebhookSignature(timestamp, timestamp, body, signature);
  if (!platform::VerifyDailyWebhookSignature(kSecret, timestamp, body, signature)) return;
  const WallTime now = FromUnixSeconds(1767225600.0);  // 2026-01-01
  const bool fresh = platform::DailyWebhookTimestampIsFresh(timestamp, now, kSkew);
  (void)platform::DailyWebhookTimestampIsFresh(timestamp, WallTime{}, kSkew);
  auto json = ParseJson(body, "body");
  if (!json) return;
  ReadEvent(*json);  // read whether fresh or not: the freshness check comes first only to save work
  (void)fresh;
}

}  // namespace reflector::fuzz
