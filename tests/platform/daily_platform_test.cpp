// DailyPlatform: recording metadata and track keys mapped to participant names, against a
// local Daily.co test double.

#include "platform/daily/daily_platform.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "support/http_test_helpers.hpp"

namespace reflector::platform {
namespace {

using testing::HttpTestServer;
using testing::JsonResponse;
using testing::TestHttpRequest;
using testing::TestHttpResponse;

constexpr const char* kSession = "5281e9b8-9a5a-4700-af1e-f770ae66f700";
constexpr const char* kAlice = "7f410ea8-1b82-4bc3-9b3b-2f11d4e72cd5";
constexpr const char* kBob = "98782545-5f4b-45fe-aae6-fddd6052a955";
constexpr const char* kStranger = "0c5e8d41-7a2b-4f3e-9c61-2b7d95e0a1f4";

std::string Key(const char* participant, const char* track_start) {
  return std::string("acme/team-standup-20260312140512/1773324363412-") + participant + "-cam-audio-" +
         track_start;
}

class DailyPlatformTest : public ::testing::Test {
 protected:
  DailyPlatformTest()
      : server_([this](const TestHttpRequest& request) { return Answer(request); }),
        client_(Options(), http_, clock_),
        platform_(client_) {}

  DailyClientOptions Options() const {
    DailyClientOptions options;
    options.api_key = "k";
    options.base_url = server_.BaseUrl();
    return options;
  }

  TestHttpResponse Answer(const TestHttpRequest& request) {
    ++calls_;
    if (request.path == "/recordings/rec-1") {
      return JsonResponse(200, std::string(R"({"id":"rec-1","room_name":"team-standup-20260312140512",
        "start_ts":1773324363,"status":"finished","duration":1312,"mtgSessionId":")") +
                                   kSession + R"(","tracks":[]})");
    }
    if (request.path == std::string("/meetings/") + kSession + "/participants") {
      return JsonResponse(200, std::string(R"({"data":[
        {"user_id":"560b7d8a-d2b0-4d43-a92a-63ef8ffa4f08","participant_id":")") +
                                   kAlice + R"(","user_name":"Alice","join_time":1773324358,"duration":1335},
        {"user_id":null,"participant_id":")" +
                                   kBob + R"(","user_name":"Bob","join_time":1773324369,"duration":1320}]})");
    }
    if (request.path == "/meetings/down/participants")
      return JsonResponse(503, R"({"error":"server-error"})");
    return JsonResponse(404, R"({"error":"not-found","info":"unknown"})");
  }

  Json Tracks(std::vector<std::string> keys) {
    Json tracks = Json::array();
    for (auto& key : keys)
      tracks.push_back({{"s3_key", key}});
    return tracks;
  }

  HttpTestServer server_;
  net::HttpClient http_;
  ManualClock clock_;
  DailyClient client_;
  DailyPlatform platform_;
  std::atomic<int> calls_{0};
};

TEST(DailyTrackKeyTest, ParsesBaseNameWithOrWithoutFolder) {
  auto parsed = ParseDailyTrackKey(Key(kAlice, "1773324363904"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->recording_start_ms, "1773324363412");
  EXPECT_EQ(parsed->participant_id, kAlice);
  EXPECT_EQ(parsed->track_start_ms, "1773324363904");
  EXPECT_TRUE(
      ParseDailyTrackKey(std::string("1773324363412-") + kBob + "-cam-audio-1773324371250").has_value());
  EXPECT_FALSE(ParseDailyTrackKey(std::string("acme/r/1773324363412-") + kBob + "-screen-audio-1773324600118")
                   .has_value());
  EXPECT_FALSE(ParseDailyTrackKey("uploads/alice.webm").has_value());
  EXPECT_FALSE(ParseDailyTrackKey(std::string("cam-audio-") + kAlice + "/file")
                   .has_value());  // the folder does not count
}

TEST_F(DailyPlatformTest, RecordingInfoInSeconds) {
  EXPECT_EQ(platform_.Name(), "daily");
  auto info = platform_.GetRecording("rec-1", {});
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->id, "rec-1");
  EXPECT_EQ(info->room_name, "team-standup-20260312140512");
  EXPECT_EQ(info->mtg_session_id, kSession);
  EXPECT_DOUBLE_EQ(info->duration, 1312.0);
  auto missing = platform_.GetRecording("rec-404", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST_F(DailyPlatformTest, TrackKeysMapToParticipantNamesBySpeakerIndex) {
  Json tracks =
      Tracks({Key(kAlice, "1773324363904"), Key(kBob, "1773324371250"), Key(kStranger, "1773324400000"),
              "uploads/not-a-daily-key.webm", Key(kAlice, "1773324989311")});
  auto participants = platform_.GetParticipants(std::string(kSession), tracks, {});
  ASSERT_TRUE(participants.ok()) << participants.error().message;
  ASSERT_EQ(participants->size(), 4U);  // the unparsable key gets no entry
  const auto& p = *participants;
  EXPECT_EQ(p[0].participant_id, kAlice);
  EXPECT_EQ(p[0].user_name, "Alice");
  EXPECT_EQ(p[0].user_id, "560b7d8a-d2b0-4d43-a92a-63ef8ffa4f08");
  EXPECT_EQ(p[0].speaker, 0);
  EXPECT_EQ(p[1].user_name, "Bob");
  EXPECT_FALSE(p[1].user_id.has_value());
  EXPECT_EQ(p[1].speaker, 1);
  EXPECT_EQ(p[2].participant_id, kStranger);
  EXPECT_EQ(p[2].user_name, "Speaker 2");  // not among the meeting's participants
  EXPECT_EQ(p[2].speaker, 2);
  EXPECT_EQ(p[3].user_name, "Alice");  // Alice's second track (recording restarted)
  EXPECT_EQ(p[3].speaker, 4);
}

TEST_F(DailyPlatformTest, MissingSessionIsNotAnErrorAndAsksNobody) {
  Json tracks = Tracks({Key(kAlice, "1773324363904"), Key(kBob, "1773324371250")});
  tracks[1]["participant_name"] = "Robert";
  auto participants = platform_.GetParticipants(std::nullopt, tracks, {});
  ASSERT_TRUE(participants.ok()) << participants.error().message;
  ASSERT_EQ(participants->size(), 2U);
  EXPECT_EQ((*participants)[0].user_name, "Speaker 0");
  EXPECT_EQ((*participants)[1].user_name, "Robert");  // the track's own name when Daily has none
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(DailyPlatformTest, UnknownSessionFallsBackToGenericNames) {
  auto participants =
      platform_.GetParticipants(std::string("gone"), Tracks({Key(kAlice, "1773324363904")}), {});
  ASSERT_TRUE(participants.ok()) << participants.error().message;
  ASSERT_EQ(participants->size(), 1U);
  EXPECT_EQ((*participants)[0].user_name, "Speaker 0");
}

TEST_F(DailyPlatformTest, DailyOutageIsRetryable) {
  auto participants =
      platform_.GetParticipants(std::string("down"), Tracks({Key(kAlice, "1773324363904")}), {});
  ASSERT_FALSE(participants.ok());
  EXPECT_TRUE(participants.error().retryable);
}

TEST_F(DailyPlatformTest, MalformedTracksAreInvalidInput) {
  auto not_array = platform_.GetParticipants(std::nullopt, Json::object(), {});
  ASSERT_FALSE(not_array.ok());
  EXPECT_EQ(not_array.error().kind, ErrorKind::kInvalidInput);
  auto no_key = platform_.GetParticipants(std::nullopt, Json::parse(R"([{"participant_name":"A"}])"), {});
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.error().message.find("tracks[0]"), std::string::npos) << no_key.error().message;
}

}  // namespace
}  // namespace reflector::platform
