// POST /v1/daily/webhook: deliveries signed as Daily signs them (tests/support/fake_daily.hpp)
// against the real server with the scripted engine: what starts, what is refused (forged, stale,
// replayed: 401/409, nothing stored), the test ping, and what the other events are counted as.

#include <gtest/gtest.h>

#include <mutex>

#include "api_fixture.hpp"
#include "store/daily_recordings.hpp"
#include "store/sql.hpp"
#include "support/fake_daily.hpp"

namespace reflector::api::testing {
namespace {

using reflector::testing::DailyDelivery;
using reflector::testing::DailyRecordingJson;
using reflector::testing::DailyRecordingReadyBody;
using reflector::testing::DailyTrackKey;
using reflector::testing::SignLikeDaily;

constexpr std::string_view kSecret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr const char* kRoom = "team-standup-20260312140512";
constexpr const char* kAlice = "7f410ea8-1b82-4bc3-9b3b-2f11d4e72cd5";
constexpr const char* kBob = "98782545-5f4b-45fe-aae6-fddd6052a955";

std::int64_t Now() {
  return UnixSeconds(std::chrono::system_clock::now());
}

Json Recording(const std::string& id) {
  return DailyRecordingJson(
      id, kRoom, 1773324363, "s-1",
      {{"audio", DailyTrackKey("acme", kRoom, 1773324363412, kAlice, "cam-audio", 1773324363904)},
       {"video", DailyTrackKey("acme", kRoom, 1773324363412, kAlice, "cam-video", 1773324363930)},
       {"audio", DailyTrackKey("acme", kRoom, 1773324363412, kBob, "cam-audio", 1773324371250)},
       {"audio", DailyTrackKey("acme", kRoom, 1773324363412, kBob, "screen-audio", 1773324600118)}});
}

std::string Event(const std::string& type, const std::string& id, Json payload) {
  return Json{
      {"version", "1.0.0"}, {"type", type}, {"id", id}, {"payload", std::move(payload)}, {"event_ts", Now()}}
      .dump();
}

class DailyWebhookTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    api_.daily.secret = std::string(kSecret);
    api_.daily.recordings.bucket = "reflector-dailyco";
    api_.hooks.daily_webhook = [this](std::string_view event, std::string_view outcome) {
      std::lock_guard lock(counted_mutex_);
      counted_.push_back(std::string(event) + " " + std::string(outcome));
    };
  }

  net::HttpResponse Deliver(const DailyDelivery& delivery) {
    return Send("POST", "/v1/daily/webhook", delivery.body, {},
                {{"Content-Type", "application/json"},
                 {"X-Webhook-Signature", delivery.signature},
                 {"X-Webhook-Timestamp", delivery.timestamp}});
  }
  net::HttpResponse DeliverSigned(std::string body) {
    return Deliver(SignLikeDaily(kSecret, std::move(body), Now()));
  }

  std::vector<std::string> Counted() {
    std::lock_guard lock(counted_mutex_);
    return counted_;
  }

  std::int64_t Rows(const std::string& table) {
    std::int64_t rows = -1;
    Status counted = database_->WithSession("count", [&](store::Session& session) -> Status {
      store::sql::Row row(table);
      row.Integer(&rows);
      REFLECTOR_TRY(store::sql::QueryOne(session, "SELECT COUNT(*) FROM " + table, {}, row));
      return Ok();
    });
    EXPECT_TRUE(counted.ok()) << counted.error().Describe();
    return rows;
  }

  // Nothing at all was stored or started.
  void ExpectNothingStored() {
    EXPECT_EQ(Rows("daily_webhook_events"), 0);
    EXPECT_EQ(Rows("daily_recordings"), 0);
    EXPECT_EQ(Rows("transcripts"), 0);
    EXPECT_EQ(Rows("recordings"), 0);
    EXPECT_TRUE(engine_.started.empty());
  }

  std::mutex counted_mutex_;
  std::vector<std::string> counted_;
};

TEST_F(DailyWebhookTest, ASignedRawTracksRecordingStartsItsCameraAudioTracks) {
  auto response = DeliverSigned(DailyRecordingReadyBody("rec-rtd-1", Recording("rec-1"), Now()));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(BodyJson(response), (Json{{"status", "ok"}}));
  ASSERT_EQ(engine_.started.size(), 1U);
  const Json& input = engine_.started[0].input;
  EXPECT_EQ(input["platform"], "daily");
  EXPECT_EQ(input["recording_id"], "rec-1");
  EXPECT_EQ(input["bucket_name"], "reflector-dailyco");
  ASSERT_EQ(input["tracks"].size(), 2U) << "audio tracks of cameras only";
  EXPECT_NE(input["tracks"][0]["s3_key"].get<std::string>().find(kAlice), std::string::npos);
  EXPECT_NE(input["tracks"][1]["s3_key"].get<std::string>().find(std::string(kBob) + "-cam-audio"),
            std::string::npos);
  EXPECT_EQ(Rows("daily_webhook_events"), 1);
  EXPECT_EQ(Counted(), std::vector<std::string>{"recording.ready-to-download started"});
  const std::string transcript_id = engine_.started[0].input["transcript_id"];
  auto read = Get("/v1/transcripts/" + transcript_id, "anyone");
  EXPECT_EQ(read.status, 200) << "a room's recording is public, as in Reflector";
  EXPECT_EQ(BodyJson(read)["source_kind"], "room");
}

TEST_F(DailyWebhookTest, TheTestPingIsAnsweredOnlyWhenSigned) {
  auto signed_ping = DeliverSigned(R"({"test":"test"})");
  EXPECT_EQ(signed_ping.status, 200);
  EXPECT_EQ(BodyJson(signed_ping), (Json{{"status", "ok"}}));
  auto unsigned_ping = Send("POST", "/v1/daily/webhook", R"({"test":"test"})");
  EXPECT_EQ(unsigned_ping.status, 401);
  EXPECT_EQ(Counted(), (std::vector<std::string>{"test ok", "unverified unauthorized"}));
  ExpectNothingStored();
}

TEST_F(DailyWebhookTest, ForgedDeliveriesAre401AndStoreNothing) {
  const std::string body = DailyRecordingReadyBody("rec-rtd-1", Recording("rec-1"), Now());
  DailyDelivery good = SignLikeDaily(kSecret, body, Now());

  DailyDelivery wrong_key = SignLikeDaily("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh4=", body, Now());
  DailyDelivery tampered = good;
  tampered.body.replace(tampered.body.find("rec-1"), 5, "rec-2");
  DailyDelivery other_time = good;
  other_time.timestamp = std::to_string(Now() - 1);
  DailyDelivery no_signature = good;
  no_signature.signature.clear();
  DailyDelivery no_timestamp = good;
  no_timestamp.timestamp.clear();
  for (const DailyDelivery& forged : {wrong_key, tampered, other_time, no_signature, no_timestamp}) {
    auto response = Deliver(forged);
    EXPECT_EQ(response.status, 401) << forged.body;
    EXPECT_EQ(Detail(response), "Invalid webhook signature");
  }
  ExpectNothingStored();

  api_.daily.secret.clear();  // no secret configured: even a delivery signed with the old one is refused
  EXPECT_EQ(Deliver(good).status, 401);
  ExpectNothingStored();
}

TEST_F(DailyWebhookTest, StaleAndFutureTimestampsAre401EvenWhenSigned) {
  const std::string body = DailyRecordingReadyBody("rec-rtd-1", Recording("rec-1"), Now());
  for (std::int64_t at : {Now() - 301, Now() - 3600, Now() + 301}) {
    auto response = Deliver(SignLikeDaily(kSecret, body, at));
    EXPECT_EQ(response.status, 401) << at;
    EXPECT_NE(Detail(response).find("timestamp"), std::string::npos) << Detail(response);
  }
  ExpectNothingStored();
  EXPECT_EQ(Deliver(SignLikeDaily(kSecret, body, Now() - 240)).status, 200) << "inside the window";
}

TEST_F(DailyWebhookTest, AReplayedEventIs409AndStartsNothingMore) {
  const DailyDelivery delivery =
      SignLikeDaily(kSecret, DailyRecordingReadyBody("rec-rtd-1", Recording("rec-1"), Now()), Now());
  ASSERT_EQ(Deliver(delivery).status, 200);
  auto replay = Deliver(delivery);
  EXPECT_EQ(replay.status, 409);
  EXPECT_NE(Detail(replay).find("rec-rtd-1"), std::string::npos) << Detail(replay);
  auto resigned = DeliverSigned(delivery.body);  // captured and signed again later: same event id
  EXPECT_EQ(resigned.status, 409);
  EXPECT_EQ(engine_.started.size(), 1U);
  EXPECT_EQ(Rows("transcripts"), 1);
  EXPECT_EQ(Counted()[1], "recording.ready-to-download replayed");
}

TEST_F(DailyWebhookTest, TheSameRecordingInAnotherEventIsNotStartedTwice) {
  ASSERT_EQ(DeliverSigned(DailyRecordingReadyBody("rec-rtd-1", Recording("rec-1"), Now())).status, 200);
  ASSERT_EQ(DeliverSigned(DailyRecordingReadyBody("rec-rtd-1-again", Recording("rec-1"), Now())).status, 200);
  EXPECT_EQ(engine_.started.size(), 1U);
  EXPECT_EQ(Rows("transcripts"), 1);
  EXPECT_EQ(Counted()[1], "recording.ready-to-download known");
}

TEST_F(DailyWebhookTest, OtherEventsAreLoggedAndCountedAndUnknownTypesIgnored) {
  const std::vector<std::pair<std::string, Json>> events = {
      {"recording.started",
       {{"recording_id", "rec-1"}, {"action", "start-cloud-recording"}, {"start_ts", 1773324363}}},
      {"recording.error",
       {{"action", "cloud-recording-error"},
        {"error_msg", "upload failed"},
        {"room_name", kRoom},
        {"timestamp", 1}}},
      {"participant.joined",
       {{"room", kRoom}, {"session_id", kAlice}, {"user_id", kAlice}, {"user_name", "Alice"}}},
      {"participant.left", {{"room", kRoom}, {"session_id", kBob}, {"user_id", kBob}, {"duration", 12.5}}},
      {"meeting.ended", {{"room", kRoom}}},
  };
  int n = 0;
  for (const auto& [type, payload] : events) {
    auto response = DeliverSigned(Event(type, "evt-" + std::to_string(++n), payload));
    EXPECT_EQ(response.status, 200) << type << ": " << response.body;
  }
  EXPECT_EQ(Counted(), (std::vector<std::string>{"recording.started logged", "recording.error logged",
                                                 "participant.joined logged", "participant.left logged",
                                                 "other ignored"}));
  EXPECT_TRUE(engine_.started.empty());
  EXPECT_EQ(Rows("transcripts"), 0);
}

TEST_F(DailyWebhookTest, RecordingsThatCannotBeProcessedAreAnsweredAndNotStarted) {
  Json cloud = Recording("rec-cloud");
  Json body = Json::parse(DailyRecordingReadyBody("evt-cloud", cloud, Now()));
  body["payload"]["type"] = "cloud";
  body["payload"].erase("tracks");
  EXPECT_EQ(DeliverSigned(body.dump()).status, 200);
  Json video_only = Json::parse(DailyRecordingReadyBody("evt-video", Recording("rec-video"), Now()));
  video_only["payload"]["tracks"] =
      Json::array({Json{{"type", "video"}, {"s3Key", "acme/r/k"}, {"size", 1}}});
  EXPECT_EQ(DeliverSigned(video_only.dump()).status, 200);
  api_.daily.recordings.bucket.clear();  // DAILYCO_STORAGE_AWS_BUCKET_NAME unset: logged, as Reflector
  EXPECT_EQ(DeliverSigned(DailyRecordingReadyBody("evt-nobucket", Recording("rec-1"), Now())).status, 200);
  EXPECT_TRUE(engine_.started.empty());
  EXPECT_EQ(Rows("transcripts"), 0);
  EXPECT_EQ(Counted(), (std::vector<std::string>{"recording.ready-to-download ignored",
                                                 "recording.ready-to-download ignored",
                                                 "recording.ready-to-download ignored"}));
}

TEST_F(DailyWebhookTest, MalformedEventsAre400AndStoreNothing) {
  auto not_json = DeliverSigned("{not json");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(Detail(not_json), "body: not valid JSON");
  auto no_id = DeliverSigned(R"({"type":"recording.started","payload":{}})");
  EXPECT_EQ(no_id.status, 400);
  EXPECT_NE(Detail(no_id).find("'id'"), std::string::npos) << Detail(no_id);
  Json no_room = Json::parse(DailyRecordingReadyBody("evt-1", Recording("rec-1"), Now()));
  no_room["payload"].erase("room_name");
  auto missing = DeliverSigned(no_room.dump());
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(Detail(missing).find("payload.room_name"), std::string::npos) << Detail(missing);
  ExpectNothingStored();
}

TEST_F(DailyWebhookTest, ARefusedStartStillAnswers200AndLeavesTheRecordingToTheReRuns) {
  engine_.refuse_start = Error::Transient(ErrorKind::kUnavailable, "Conductor is down");
  ASSERT_EQ(DeliverSigned(DailyRecordingReadyBody("evt-1", Recording("rec-1"), Now())).status, 200);
  EXPECT_EQ(Rows("daily_recordings"), 1);
  EXPECT_EQ(Counted(), std::vector<std::string>{"recording.ready-to-download start_failed"});
  auto transcripts = Transcripts().List();
  ASSERT_EQ(transcripts->size(), 1U);
  EXPECT_EQ(transcripts->front().failed_step, "start");
}

}  // namespace
}  // namespace reflector::api::testing
