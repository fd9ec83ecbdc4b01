// post_zulip and send_webhook through their registered wrappers, against local Zulip and
// webhook-receiver doubles, with a real SQLite database.

#include <gtest/gtest.h>

#include "notify/webhook.hpp"
#include "notify/zulip.hpp"
#include "pipeline_fixture.hpp"
#include "store/recordings.hpp"
#include "store/rooms.hpp"
#include "store/webhook_deliveries.hpp"
#include "support/fake_zulip.hpp"
#include "support/http_test_helpers.hpp"

namespace reflector::pipeline {
namespace {

using testing::DecodeForm;
using testing::FakeZulip;
using testing::JsonResponse;
using testing::RecordingHttpServer;

constexpr const char* kSecret = "room-webhook-secret";
constexpr const char* kUi = "https://reflector.example.com";

class NotifyTasksTest : public ::testing::Test {
 protected:
  NotifyTasksTest() {
    f.services.http = &http;
    f.services.ui_base_url = kUi;
  }

  // A room, and an `ended` transcript in it with a title, summary, topics and participants.
  std::string CreateEndedTranscript(const std::string& webhook_url, bool zulip_auto_post,
                                    std::optional<std::string> zulip_message_id = std::nullopt) {
    store::Rooms rooms(*f.database, f.clock);
    store::Room room;
    room.id = f.ids.NewId();
    room.name = "team-standup-" + room.id.substr(0, 8);
    room.zulip_auto_post = zulip_auto_post;
    room.zulip_stream = "meetings";
    room.zulip_topic = "team-standup";
    room.webhook_url = webhook_url;
    room.webhook_secret = kSecret;
    EXPECT_TRUE(rooms.Create(room).ok());
    room_id = room.id;

    store::Transcripts transcripts(*f.database, f.clock);
    store::Transcript t;
    t.id = f.ids.NewId();
    t.room_id = room.id;
    t.title = "Release Planning";
    t.long_summary = "# Quick recap\nShip on Friday.";
    t.short_summary = "Ship on Friday.";
    t.duration = 1312.5;
    t.zulip_message_id = std::move(zulip_message_id);
    t.participants = Json::parse(R"([{"id":"p0","speaker":0,"name":"Alice","user_id":null}])");
    t.topics = Json::parse(R"([{"id":"t1","title":"Release date","summary":"Friday.","timestamp":0.5,
        "duration":3.0,"words":[{"text":"Morning","start":0.5,"end":1.0,"speaker":0},
                                {"text":"everyone","start":1.1,"end":1.6,"speaker":0}]}])");
    EXPECT_TRUE(transcripts.Create(t).ok());
    EXPECT_TRUE(transcripts.SetStatus(t.id, store::TranscriptStatus::kEnded).ok());
    return t.id;
  }

  std::vector<store::WebhookDelivery> Deliveries(const std::string& id) {
    store::WebhookDeliveries deliveries(*f.database, f.clock);
    return deliveries.List(id).value();
  }

  PipelineFixture f;
  net::HttpClient http;
  std::string room_id;
};

// --- send_webhook --------------------------------------------------------------------------

TEST_F(NotifyTasksTest, WebhookRetriedAfter503ThenSentWithTheSameEventId) {
  RecordingHttpServer receiver({JsonResponse(503, "busy"), JsonResponse(200, "ok")});
  std::string id = CreateEndedTranscript(receiver.BaseUrl() + "/hook?token=abc", false);
  Json input = {{"transcript_id", id}, {"room_id", room_id}};

  auto first = f.Run("send_webhook", input, 0);
  ASSERT_FALSE(first.ok());
  EXPECT_TRUE(first.error().retryable);
  EXPECT_NE(first.error().message.find("HTTP 503"), std::string::npos) << first.error().message;
  EXPECT_EQ(first.error().message.find("token=abc"), std::string::npos);  // the query may hold a secret

  auto second = f.Run("send_webhook", input, 1);  // the engine's retry
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE((*second)["sent"].get<bool>());
  EXPECT_EQ((*second)["status_code"], 200);

  auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 2U);
  std::vector<std::string> event_ids;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& request = requests[i];
    auto signature = request.Header("X-Webhook-Signature");
    ASSERT_TRUE(signature.has_value());
    Status verified =
        notify::VerifyWebhookSignature(kSecret, *signature, request.body, UnixSeconds(f.clock.Now()));
    EXPECT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_EQ(request.Header("X-Webhook-Event"), "transcript.completed");
    EXPECT_EQ(request.Header("X-Webhook-Retry"), std::to_string(i));
    EXPECT_EQ(request.query, "token=abc");
    Json body = Json::parse(request.body);
    event_ids.push_back(body["event_id"].get<std::string>());
    EXPECT_EQ(body["event"], "transcript.completed");
    EXPECT_EQ(body["transcript"]["id"], id);
    EXPECT_EQ(body["transcript"]["status"], "ended");
    EXPECT_DOUBLE_EQ(body["transcript"]["duration"].get<double>(), 1312.5);  // seconds
    EXPECT_EQ(body["transcript"]["frontend_url"], std::string(kUi) + "/transcripts/" + id);
    EXPECT_EQ(body["transcript"]["topics"][0]["webvtt"],
              "WEBVTT\n\n00:00:00.500 --> 00:00:01.600\n<v Speaker0>Morning everyone\n");
    EXPECT_EQ(body["transcript"]["participants"][0]["name"], "Alice");
    EXPECT_EQ(body["room"]["id"], room_id);
  }
  EXPECT_EQ(event_ids[0], event_ids[1]);
  EXPECT_EQ(event_ids[0], (*second)["event_id"]);

  auto deliveries = Deliveries(id);
  ASSERT_EQ(deliveries.size(), 2U);
  EXPECT_EQ(deliveries[0].attempt, 0);
  EXPECT_EQ(deliveries[0].status_code, 503);
  EXPECT_FALSE(deliveries[0].success);
  EXPECT_EQ(deliveries[1].attempt, 1);
  EXPECT_EQ(deliveries[1].status_code, 200);
  EXPECT_TRUE(deliveries[1].success);
  EXPECT_EQ(deliveries[1].event_id, event_ids[0]);
  EXPECT_EQ(deliveries[1].url, receiver.BaseUrl() + "/hook");
  EXPECT_EQ(f.Transcript(id).status, store::TranscriptStatus::kEnded);
}

TEST_F(NotifyTasksTest, Webhook4xxIsNotRetriedAndIsRecorded) {
  RecordingHttpServer receiver({JsonResponse(410, R"({"error":"gone"})")});
  std::string id = CreateEndedTranscript(receiver.BaseUrl() + "/hook", false);
  auto result = f.Run("send_webhook", Json{{"transcript_id", id}, {"room_id", room_id}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE((*result)["sent"].get<bool>());
  EXPECT_EQ((*result)["status_code"], 410);
  EXPECT_NE((*result)["error"].get<std::string>().find("HTTP 410"), std::string::npos);
  EXPECT_EQ(receiver.Requests().size(), 1U);
  auto deliveries = Deliveries(id);
  ASSERT_EQ(deliveries.size(), 1U);
  EXPECT_FALSE(deliveries[0].success);
  EXPECT_EQ(deliveries[0].status_code, 410);
  ASSERT_TRUE(deliveries[0].error.has_value());
  EXPECT_NE(deliveries[0].error->find("gone"), std::string::npos);
  EXPECT_EQ(f.Transcript(id).status, store::TranscriptStatus::kEnded);
  EXPECT_EQ(f.Events(id).back().data["step_status"], "completed");
}

TEST_F(NotifyTasksTest, WebhookUnreachableIsRetryableAndRecordedWithoutStatus) {
  std::string url = "http://127.0.0.1:" + std::to_string(testing::UnusedLocalPort()) + "/hook";
  std::string id = CreateEndedTranscript(url, false);
  auto result = f.Run("send_webhook", Json{{"transcript_id", id}, {"room_id", room_id}});
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().retryable);
  auto deliveries = Deliveries(id);
  ASSERT_EQ(deliveries.size(), 1U);
  EXPECT_FALSE(deliveries[0].status_code.has_value());
  EXPECT_FALSE(deliveries[0].success);
  EXPECT_EQ(f.Transcript(id).status, store::TranscriptStatus::kEnded);
}

TEST_F(NotifyTasksTest, WebhookRoomFoundFromTheTranscriptAndSkippedWithoutUrlOrClient) {
  RecordingHttpServer receiver({JsonResponse(204, "")});
  std::string id = CreateEndedTranscript(receiver.BaseUrl() + "/hook", false);
  auto from_transcript = f.Run("send_webhook", Json{{"transcript_id", id}, {"room_id", nullptr}});
  ASSERT_TRUE(from_transcript.ok()) << from_transcript.error().message;
  EXPECT_TRUE((*from_transcript)["sent"].get<bool>());

  std::string no_url = CreateEndedTranscript("", false);
  auto skipped = f.Run("send_webhook", Json{{"transcript_id", no_url}, {"room_id", room_id}});
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ((*skipped)["skipped"], "the room has no webhook configured");

  f.services.http = nullptr;
  auto unconfigured = f.Run("send_webhook", Json{{"transcript_id", id}});
  ASSERT_TRUE(unconfigured.ok());
  EXPECT_FALSE((*unconfigured)["sent"].get<bool>());
  EXPECT_EQ(receiver.Requests().size(), 1U);
}

TEST_F(NotifyTasksTest, WebhookEventIdChangesWithTheRun) {
  RecordingHttpServer receiver({JsonResponse(200, "ok")});
  std::string id = CreateEndedTranscript(receiver.BaseUrl() + "/hook", false);
  ASSERT_TRUE(f.Run("send_webhook", Json{{"transcript_id", id}, {"room_id", room_id}}).ok());
  auto deliveries = Deliveries(id);
  ASSERT_EQ(deliveries.size(), 1U);
  EXPECT_EQ(deliveries[0].event_id, notify::WebhookEventId("transcript.completed", id, "wf-test"));
  EXPECT_NE(deliveries[0].event_id, notify::WebhookEventId("transcript.completed", id, "another-run"));
}

// --- post_zulip ----------------------------------------------------------------------------

class PostZulipTest : public NotifyTasksTest {
 protected:
  PostZulipTest() : zulip_client(Options(), http) { f.services.zulip = &zulip_client; }
  notify::ZulipOptions Options() const {
    notify::ZulipOptions options;
    options.site = zulip.BaseUrl();
    options.bot_email = "bot@example.com";
    options.api_key = "key";
    return options;
  }
  FakeZulip zulip{"Basic Ym90QGV4YW1wbGUuY29tOmtleQ=="};  // bot@example.com:key
  notify::ZulipClient zulip_client;
};

TEST_F(PostZulipTest, PostsANewMessageAndStoresItsId) {
  std::string id = CreateEndedTranscript("", true);
  auto result = f.Run("post_zulip", Json{{"transcript_id", id}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)["message_id"], "4215");
  EXPECT_EQ((*result)["action"], "posted");
  EXPECT_EQ(f.Transcript(id).zulip_message_id, "4215");
  auto requests = zulip.Requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].Header("Content-Type"), "application/x-www-form-urlencoded");
  auto form = DecodeForm(requests[0].body);
  EXPECT_EQ(form["type"], "stream");
  EXPECT_EQ(form["to"], "meetings");
  EXPECT_EQ(form["topic"], "team-standup");
  EXPECT_EQ(form["content"].rfind("# Reflector – Release Planning\n\n**Date**: <time:", 0), 0U)
      << form["content"];
  EXPECT_NE(form["content"].find("(" + std::string(kUi) + "/transcripts/" + id + ")"), std::string::npos);
  EXPECT_NE(form["content"].find("**Duration**: 21:52\n"), std::string::npos);
  EXPECT_NE(form["content"].find("1. [00:00] Release date\n"), std::string::npos);
}

TEST_F(PostZulipTest, ARunWithNotificationsOffPostsAndSendsNothing) {
  RecordingHttpServer receiver({JsonResponse(200, "ok")});
  std::string id = CreateEndedTranscript(receiver.BaseUrl() + "/hook", true);
  auto zulip_result = f.Run("post_zulip", Json{{"transcript_id", id}, {"notifications", false}});
  ASSERT_TRUE(zulip_result.ok()) << zulip_result.error().message;
  EXPECT_EQ((*zulip_result)["skipped"], "notifications are off for this run");
  auto webhook =
      f.Run("send_webhook", Json{{"transcript_id", id}, {"room_id", room_id}, {"notifications", false}});
  ASSERT_TRUE(webhook.ok()) << webhook.error().message;
  EXPECT_FALSE((*webhook)["sent"].get<bool>());
  EXPECT_EQ((*webhook)["skipped"], "notifications are off for this run");
  EXPECT_TRUE(zulip.Requests().empty());
  EXPECT_TRUE(receiver.Requests().empty());
  EXPECT_TRUE(Deliveries(id).empty());
  EXPECT_FALSE(f.Transcript(id).zulip_message_id.has_value());
  // null (a workflow input without the field) means notifications are on.
  auto posted = f.Run("post_zulip", Json{{"transcript_id", id}, {"notifications", nullptr}});
  ASSERT_TRUE(posted.ok()) << posted.error().message;
  EXPECT_EQ((*posted)["action"], "posted");
}

TEST_F(PostZulipTest, UpdatesTheStoredMessage) {
  zulip.Add(77);
  std::string id = CreateEndedTranscript("", true, "77");
  auto result = f.Run("post_zulip", Json{{"transcript_id", id}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)["message_id"], "77");
  EXPECT_EQ((*result)["action"], "updated");
  auto requests = zulip.Requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].method, "PATCH");
  EXPECT_EQ(requests[0].path, "/api/v1/messages/77");
  auto form = DecodeForm(requests[0].body);
  EXPECT_EQ(form["topic"], "team-standup");
  EXPECT_EQ(form["content"].rfind("# Reflector – Release Planning", 0), 0U);
  EXPECT_EQ(f.Transcript(id).zulip_message_id, "77");
}

TEST_F(PostZulipTest, InvalidMessagePostsANewOneAndStoresTheNewId) {
  std::string id = CreateEndedTranscript("", true, "999");  // deleted on the Zulip side
  auto result = f.Run("post_zulip", Json{{"transcript_id", id}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)["message_id"], "4215");
  EXPECT_EQ((*result)["action"], "posted");
  auto requests = zulip.Requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[0].method, "PATCH");
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(f.Transcript(id).zulip_message_id, "4215");
}

TEST_F(PostZulipTest, OnlyForRoomsThatAutoPost) {
  std::string id = CreateEndedTranscript("", false);
  auto result = f.Run("post_zulip", Json{{"transcript_id", id}});
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE((*result)["message_id"].is_null());
  EXPECT_EQ((*result)["skipped"], "the room does not post to zulip");
  f.services.zulip = nullptr;
  std::string auto_post = CreateEndedTranscript("", true);
  auto unconfigured = f.Run("post_zulip", Json{{"transcript_id", auto_post}});
  ASSERT_TRUE(unconfigured.ok());
  EXPECT_EQ((*unconfigured)["skipped"], "zulip is not configured");
  EXPECT_TRUE(zulip.Requests().empty());
}

TEST_F(PostZulipTest, OutageIsRetryableRefusalCompletesAndTheTranscriptStaysEnded) {
  std::string id = CreateEndedTranscript("", true);
  zulip.Override(503, "<html>down</html>");
  auto down = f.Run("post_zulip", Json{{"transcript_id", id}});
  ASSERT_FALSE(down.ok());
  EXPECT_TRUE(down.error().retryable);

  zulip.Override(
      400, R"({"code":"STREAM_DOES_NOT_EXIST","msg":"Channel 'meetings' does not exist","result":"error"})");
  auto refused = f.Run("post_zulip", Json{{"transcript_id", id}}, 1);
  ASSERT_TRUE(refused.ok()) << refused.error().message;
  EXPECT_TRUE((*refused)["message_id"].is_null());
  EXPECT_NE((*refused)["error"].get<std::string>().find("STREAM_DOES_NOT_EXIST"), std::string::npos);
  EXPECT_FALSE(f.Transcript(id).zulip_message_id.has_value());
  EXPECT_EQ(f.Transcript(id).status, store::TranscriptStatus::kEnded);
}

}  // namespace
}  // namespace reflector::pipeline
