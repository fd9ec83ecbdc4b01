// Daily.co webhook helpers: the signature (with the test vector of wire-formats.md §2.4), the
// freshness window, event parsing, the audio tracks kept, the room-name mapping and the time a
// recording was made.

#include "platform/daily/daily_webhook.hpp"

#include <gtest/gtest.h>

namespace reflector::platform {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kSecret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr std::string_view kTimestamp = "1773324364";
constexpr std::string_view kBody =
    R"({"version":"1.0.0","type":"recording.started","id":"rec-st-a4273a0a-1773324364","payload":{"recording_id":"a4273a0a-b2f6-4f09-bb8f-77810f04b18b","action":"start-cloud-recording","start_ts":1773324363},"event_ts":1773324364})";
constexpr std::string_view kSignature = "8wvqPGCP3gfK8N91xsneXMuGBK/e4MLU/oQDtqr3ZZI=";
// The HMAC keyed with the secret's text instead of its decoded bytes.
constexpr std::string_view kUndecodedKeySignature = "hFcSTdAcz5n0tAOZqump6m9X/Lvr1DtMgFZTkQuOFDI=";

TEST(DailyWebhookSignatureTest, MatchesTheDocumentedTestVector) {
  auto signature = SignDailyWebhook(kSecret, kTimestamp, kBody);
  ASSERT_TRUE(signature.ok()) << signature.error().message;
  EXPECT_EQ(*signature, kSignature);
  EXPECT_TRUE(VerifyDailyWebhookSignature(kSecret, kTimestamp, kBody, kSignature));
}

TEST(DailyWebhookSignatureTest, RefusesEveryAlteration) {
  EXPECT_FALSE(VerifyDailyWebhookSignature(kSecret, kTimestamp, kBody, kUndecodedKeySignature))
      << "the key is the base64-decoded secret";
  EXPECT_FALSE(VerifyDailyWebhookSignature(kSecret, "1773324365", kBody, kSignature)) << "another time";
  std::string body(kBody);
  body.back() = ' ';
  EXPECT_FALSE(VerifyDailyWebhookSignature(kSecret, kTimestamp, body, kSignature)) << "another body";
  EXPECT_FALSE(VerifyDailyWebhookSignature(kSecret, kTimestamp, std::string(kBody) + " ", kSignature))
      << "the raw bytes, not the JSON, are signed";
  EXPECT_FALSE(VerifyDailyWebhookSignature("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh4=", kTimestamp, kBody,
                                           kSignature))
      << "another secret";
  std::string lower(kSignature);
  lower[0] = 'a';
  EXPECT_FALSE(VerifyDailyWebhookSignature(kSecret, kTimestamp, kBody, lower));
  EXPECT_FALSE(VerifyDailyWebhookSignature(kSecret, kTimestamp, kBody, std::string(kSignature) + "="));
  EXPECT_FALSE(
      VerifyDailyWebhookSignature(kSecret, kTimestamp, kBody, "t=1773324364,v1=" + std::string(kSignature)))
      << "no prefixes";
}

TEST(DailyWebhookSignatureTest, EmptyPartsAndAnUndecodableSecretAreRefused) {
  EXPECT_FALSE(VerifyDailyWebhookSignature("", kTimestamp, kBody, kSignature));
  EXPECT_FALSE(VerifyDailyWebhookSignature(kSecret, "", kBody, kSignature));
  EXPECT_FALSE(VerifyDailyWebhookSignature(kSecret, kTimestamp, kBody, ""));
  EXPECT_FALSE(VerifyDailyWebhookSignature("not base64!", kTimestamp, kBody, kSignature));
  auto unsigned_body = SignDailyWebhook("not base64!", kTimestamp, kBody);
  ASSERT_FALSE(unsigned_body.ok());
  EXPECT_EQ(unsigned_body.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(unsigned_body.error().message.find("not base64!"), std::string::npos);
}

TEST(DailyWebhookTimestampTest, FreshWithinTheToleranceEitherWay) {
  const WallTime now = FromUnixSeconds(1773324364);
  EXPECT_TRUE(DailyWebhookTimestampIsFresh("1773324364", now, 300s));
  EXPECT_TRUE(DailyWebhookTimestampIsFresh("1773324064", now, 300s)) << "exactly 5 minutes old";
  EXPECT_TRUE(DailyWebhookTimestampIsFresh("1773324664", now, 300s)) << "exactly 5 minutes ahead";
  EXPECT_FALSE(DailyWebhookTimestampIsFresh("1773324063", now, 300s)) << "stale";
  EXPECT_FALSE(DailyWebhookTimestampIsFresh("1773324665", now, 300s)) << "from the future";
  for (std::string_view bad : {"", "abc", "-1773324364", "1773324364.5", " 1773324364", "1773324364000000"})
    EXPECT_FALSE(DailyWebhookTimestampIsFresh(bad, now, 300s)) << bad;
}

TEST(DailyWebhookEventTest, ParsesARawTracksRecordingReadyEvent) {
  auto body = ParseJson(R"({"version":"1.0.0","type":"recording.ready-to-download",
    "id":"rec-rtd-1","event_ts":1773325690.7,
    "payload":{"type":"raw-tracks","recording_id":"a4273a0a","room_name":"team-standup-20260312140512",
      "start_ts":1773324363.9,"status":"finished","duration":1312,"s3_key":"acme/team-standup-20260312140512/1773324363412",
      "tracks":[{"type":"audio","s3Key":"k/a","size":10},{"type":"video","s3Key":"k/v","size":20,"extra":1}]}})",
                        "body");
  ASSERT_TRUE(body.ok());
  auto event = ParseDailyWebhookEvent(*body);
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->id, "rec-rtd-1");
  EXPECT_EQ(event->type, kDailyRecordingReady);
  ASSERT_TRUE(event->ready.has_value());
  EXPECT_EQ(event->ready->type, "raw-tracks");
  EXPECT_EQ(event->ready->recording_id, "a4273a0a");
  EXPECT_EQ(event->ready->room_name, "team-standup-20260312140512");
  EXPECT_EQ(event->ready->start_ts, 1773324363) << "a float is truncated";
  ASSERT_EQ(event->ready->tracks.size(), 2U);
  EXPECT_EQ(event->ready->tracks[1].type, "video");
  EXPECT_EQ(event->ready->tracks[0].s3_key, "k/a");
  EXPECT_EQ(event->ready->tracks[0].size, 10);
}

TEST(DailyWebhookEventTest, OtherTypesKeepTheirPayloadAndNullTracksAreNone) {
  auto other = ParseDailyWebhookEvent(
      Json{{"type", "participant.left"}, {"id", "p-1"}, {"payload", {{"room", "r"}, {"user_id", "u"}}}});
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_FALSE(other->ready.has_value());
  EXPECT_EQ(other->payload["room"], "r");
  auto ready = ParseDailyWebhookEvent(Json{
      {"type", "recording.ready-to-download"},
      {"id", "r-1"},
      {"payload", {{"type", "raw-tracks"}, {"recording_id", "x"}, {"room_name", "r"}, {"tracks", nullptr}}}});
  ASSERT_TRUE(ready.ok()) << ready.error().message;
  EXPECT_TRUE(ready->ready->tracks.empty());
}

TEST(DailyWebhookEventTest, MalformedEventsNameTheField) {
  const Json ready_payload = {{"type", "raw-tracks"}, {"recording_id", "x"}, {"room_name", "r"}};
  auto with_payload = [](Json payload) {
    return Json{{"type", "recording.ready-to-download"}, {"id", "e"}, {"payload", std::move(payload)}};
  };
  struct Case {
    Json body;
    std::string field;
  };
  Json no_room = ready_payload;
  no_room.erase("room_name");
  Json not_finished = ready_payload;
  not_finished["status"] = "in-progress";
  Json bad_track = ready_payload;
  bad_track["tracks"] = Json::array({{{"type", "audio"}}});
  // Found by fuzz/daily_webhook: numbers beyond int64 were converted with undefined behaviour.
  Json far_start = ready_payload;
  far_start["start_ts"] = 1.76723e+119;
  Json huge_track = ready_payload;
  huge_track["tracks"] = Json::array({{{"type", "audio"}, {"s3Key", "k"}, {"size", -1e300}}});
  const std::vector<Case> cases = {
      {Json::array(), "body"},
      {Json{{"id", "e"}}, "type"},
      {Json{{"type", "recording.started"}}, "id"},
      {Json{{"type", "recording.started"}, {"id", ""}}, "id"},
      {Json{{"type", "recording.started"}, {"id", "e"}, {"payload", "x"}}, "payload"},
      {with_payload(no_room), "payload.room_name"},
      {with_payload(not_finished), "payload.status"},
      {with_payload(bad_track), "s3Key"},
      {with_payload(far_start), "start_ts' is out of range"},
      {with_payload(huge_track), "payload.tracks[0]: field 'size' is out of range"},
  };
  for (const Case& c : cases) {
    auto event = ParseDailyWebhookEvent(c.body);
    ASSERT_FALSE(event.ok()) << c.body.dump();
    EXPECT_EQ(event.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(event.error().message.find(c.field), std::string::npos) << event.error().message;
  }
}

TEST(DailyWebhookEventTest, TheTestPingIsRecognised) {
  EXPECT_TRUE(IsDailyTestPing(Json{{"test", "test"}}));
  EXPECT_FALSE(IsDailyTestPing(Json{{"test", "other"}}));
  EXPECT_FALSE(IsDailyTestPing(Json{{"test", "test"}, {"type", "recording.started"}}));
  EXPECT_FALSE(IsDailyTestPing(Json::array()));
}

TEST(DailyTrackSelectionTest, KeepsCameraAudioInDailysOrder) {
  const std::string folder = "acme/team-standup-20260312140512/1773324363412-";
  const std::vector<DailyTrack> tracks = {
      {"audio", folder + "7f410ea8-1b82-4bc3-9b3b-2f11d4e72cd5-cam-audio-1773324363904", 1},
      {"video", folder + "7f410ea8-1b82-4bc3-9b3b-2f11d4e72cd5-cam-video-1773324363930", 1},
      {"audio", folder + "98782545-5f4b-45fe-aae6-fddd6052a955-cam-audio-1773324371250", 1},
      {"audio", folder + "98782545-5f4b-45fe-aae6-fddd6052a955-screen-audio-1773324600118", 1},
      {"video", folder + "98782545-5f4b-45fe-aae6-fddd6052a955-cam-audio-mislabelled", 1},
  };
  EXPECT_EQ(DailyAudioTrackKeys(tracks), (std::vector<std::string>{tracks[0].s3_key, tracks[2].s3_key}));
  EXPECT_TRUE(DailyAudioTrackKeys({}).empty());
}

TEST(DailyRoomNameTest, StripsTheMeetingTimestamp) {
  EXPECT_EQ(ReflectorRoomName("team-standup-20260312140512"), "team-standup");
  EXPECT_EQ(ReflectorRoomName("daily-20251020193458"), "daily");
  EXPECT_EQ(ReflectorRoomName("daily-2-20251020193458"), "daily-2");
  EXPECT_EQ(ReflectorRoomName("lobby"), "lobby") << "no suffix: the name as it is";
  EXPECT_EQ(ReflectorRoomName("release-2026"), "release-2026") << "not 14 digits";
  EXPECT_EQ(ReflectorRoomName("room-2026031214051"), "room-2026031214051") << "13 digits";
  EXPECT_EQ(ReflectorRoomName("room_20260312140512"), "room_20260312140512") << "no dash";
  EXPECT_EQ(ReflectorRoomName("-20260312140512"), "-20260312140512") << "nothing would be left";
}

TEST(DailyRecordedAtTest, ReadsTheFoldersTimestamp) {
  auto at = DailyRecordedAt(
      "acme/team-standup-20260312140512/1773324363412-7f410ea8-1b82-4bc3-9b3b-2f11d4e72cd5-cam-audio-1");
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(FormatIso8601(*at, IsoFraction::kWhenNotZero), "2026-03-12T14:05:12Z");
  EXPECT_FALSE(DailyRecordedAt("acme/lobby/1773324363412-x-cam-audio-1").has_value());
  EXPECT_FALSE(DailyRecordedAt("no-folder-20260312140512").has_value());
  EXPECT_FALSE(DailyRecordedAt("acme/room-20261312140512/k").has_value()) << "month 13";
  // Found by fuzz/daily_webhook: a year past 2262 overflowed WallTime's nanoseconds.
  EXPECT_FALSE(DailyRecordedAt("acme/team-standup-28260312140512/k").has_value()) << "year 2826";
  EXPECT_FALSE(DailyRecordedAt("acme/team-standup-99991231235959/k").has_value()) << "year 9999";
  EXPECT_FALSE(DailyRecordedAt("acme/team-standup-19691231235959/k").has_value()) << "before 1970";
  EXPECT_TRUE(DailyRecordedAt("acme/team-standup-22611231235959/k").has_value()) << "the last year that fits";
}

}  // namespace
}  // namespace reflector::platform
