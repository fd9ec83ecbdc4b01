// Rooms CRUD (owners, sharing, unique names), the room webhook test against a recording
// receiver (signed with the room's secret), and meeting consent.

#include <set>

#include "api_fixture.hpp"
#include "notify/webhook.hpp"
#include "store/recordings.hpp"
#include "store/rooms.hpp"
#include "support/http_test_helpers.hpp"

namespace reflector::api::testing {
namespace {

using reflector::testing::RecordingHttpServer;
using reflector::testing::TestHttpRequest;
using reflector::testing::TestHttpResponse;

class RoomsTest : public ApiFixture {
 protected:
  Json CreateRoom(const Json& body, std::string_view user = "ana") {
    auto response = SendJson("POST", "/v1/rooms", body, user);
    EXPECT_EQ(response.status, 200) << response.body;
    return BodyJson(response);
  }
};

TEST_F(RoomsTest, CreateAnswersTheRoomWithItsSettings) {
  Json room = CreateRoom({{"name", "standup"},
                          {"zulip_auto_post", true},
                          {"zulip_stream", "meetings"},
                          {"zulip_topic", "daily"},
                          {"webhook_url", "https://hooks.example/room"},
                          {"webhook_secret", "s3cret"},
                          {"is_shared", true},
                          {"skip_consent", true}});
  EXPECT_TRUE(IsUuid(room["id"].get<std::string>()));
  EXPECT_EQ(room["name"], "standup");
  EXPECT_EQ(room["user_id"], "ana");
  EXPECT_EQ(room["zulip_auto_post"], true);
  EXPECT_EQ(room["zulip_stream"], "meetings");
  EXPECT_EQ(room["webhook_url"], "https://hooks.example/room");
  EXPECT_EQ(room["webhook_secret"], "s3cret");
  EXPECT_EQ(room["is_shared"], true);
  EXPECT_EQ(room["skip_consent"], true);
  // Reflector's defaults for what was not given.
  EXPECT_EQ(room["platform"], "daily");
  EXPECT_EQ(room["room_mode"], "normal");
  EXPECT_EQ(room["recording_type"], "cloud");
  EXPECT_EQ(room["recording_trigger"], "automatic-2nd-participant");
  EXPECT_EQ(room["ics_fetch_interval"], 300);
  EXPECT_EQ(room["email_transcript_to"], nullptr);
  EXPECT_TRUE(room["created_at"].is_string());
}

TEST_F(RoomsTest, NamesAreUniqueAndRequired) {
  CreateRoom({{"name", "standup"}});
  auto duplicate = SendJson("POST", "/v1/rooms", Json{{"name", "standup"}}, "ben");
  EXPECT_EQ(duplicate.status, 400);
  EXPECT_EQ(Detail(duplicate), "Room name is not unique");
  auto nameless = SendJson("POST", "/v1/rooms", Json{{"name", ""}}, "ana");
  EXPECT_EQ(nameless.status, 400);
  EXPECT_NE(Detail(nameless).find("name"), std::string::npos);
  auto bad_url = SendJson("POST", "/v1/rooms", Json{{"name", "x"}, {"webhook_url", "ftp://x"}}, "ana");
  EXPECT_EQ(bad_url.status, 400);
  EXPECT_NE(Detail(bad_url).find("webhook_url"), std::string::npos);
  auto anonymous = SendJson("POST", "/v1/rooms", Json{{"name", "anon"}});
  EXPECT_EQ(anonymous.status, 401);

  Json other = CreateRoom({{"name", "retro"}});
  auto rename =
      SendJson("PATCH", "/v1/rooms/" + other["id"].get<std::string>(), Json{{"name", "standup"}}, "ana");
  EXPECT_EQ(rename.status, 400);
  EXPECT_EQ(Detail(rename), "Room name is not unique");
}

TEST_F(RoomsTest, OwnersSeeTheirRoomsOthersOnlySharedOnes) {
  Json mine = CreateRoom({{"name", "private-room"}, {"webhook_secret", "hidden"}});
  Json shared = CreateRoom({{"name", "shared-room"}, {"is_shared", true}, {"webhook_secret", "hidden"}});
  const std::string mine_path = "/v1/rooms/" + mine["id"].get<std::string>();

  Json anas = BodyJson(Get("/v1/rooms", "ana"));
  EXPECT_EQ(anas["total"], 2);
  EXPECT_EQ(anas["pages"], 1);
  Json bens = BodyJson(Get("/v1/rooms", "ben"));
  ASSERT_EQ(bens["total"], 1);
  EXPECT_EQ(bens["items"][0]["name"], "shared-room");
  EXPECT_FALSE(bens["items"][0].contains("webhook_secret"));  // not the owner

  EXPECT_EQ(Get(mine_path, "ana").status, 200);
  auto refused = Get(mine_path, "ben");
  EXPECT_EQ(refused.status, 403);
  Json by_name = BodyJson(Get("/v1/rooms/name/shared-room", "ben"));
  EXPECT_EQ(by_name["id"], shared["id"]);
  EXPECT_FALSE(by_name.contains("webhook_secret"));
  EXPECT_EQ(BodyJson(Get("/v1/rooms/name/shared-room", "ana"))["webhook_secret"], "hidden");
  EXPECT_EQ(Get("/v1/rooms/name/nowhere", "ana").status, 404);
  EXPECT_EQ(Get("/v1/rooms/00000000-0000-4000-8000-000000000000", "ana").status, 404);
}

TEST_F(RoomsTest, PatchAndDeleteAreTheOwners) {
  Json room = CreateRoom({{"name", "standup"}});
  const std::string path = "/v1/rooms/" + room["id"].get<std::string>();
  EXPECT_EQ(SendJson("PATCH", path, Json{{"is_locked", true}}, "ben").status, 403);
  EXPECT_EQ(Send("DELETE", path, {}, "ben").status, 403);

  auto patched = SendJson(
      "PATCH", path, Json{{"is_locked", true}, {"room_mode", "group"}, {"email_transcript_to", "team@x.org"}},
      "ana");
  ASSERT_EQ(patched.status, 200) << patched.body;
  Json body = BodyJson(patched);
  EXPECT_EQ(body["is_locked"], true);
  EXPECT_EQ(body["room_mode"], "group");
  EXPECT_EQ(body["email_transcript_to"], "team@x.org");
  EXPECT_EQ(body["name"], "standup");
  auto cleared = BodyJson(SendJson("PATCH", path, Json{{"email_transcript_to", nullptr}}, "ana"));
  EXPECT_EQ(cleared["email_transcript_to"], nullptr);
  EXPECT_EQ(SendJson("PATCH", path, Json{{"skip_consent", "yes"}}, "ana").status, 400);

  auto deleted = Send("DELETE", path, {}, "ana");
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(BodyJson(deleted), (Json{{"status", "ok"}}));
  EXPECT_EQ(Get(path, "ana").status, 404);
  EXPECT_EQ(Send("DELETE", path, {}, "ana").status, 404);
}

TEST_F(RoomsTest, WebhookTestSendsASignedRequestToTheRoomsUrl) {
  RecordingHttpServer receiver(std::vector<TestHttpResponse>{{200, {}, "thanks"}});
  Json room = CreateRoom(
      {{"name", "hooked"}, {"webhook_url", receiver.BaseUrl() + "/hook"}, {"webhook_secret", "s3cret"}});
  const std::string path = "/v1/rooms/" + room["id"].get<std::string>() + "/webhook/test";

  EXPECT_EQ(Send("POST", path, {}, "ben").status, 403);
  auto response = Send("POST", path, {}, "ana");
  ASSERT_EQ(response.status, 200) << response.body;
  Json result = BodyJson(response);
  EXPECT_EQ(result["success"], true) << result.dump();
  EXPECT_EQ(result["status_code"], 200);
  EXPECT_EQ(result["error"], nullptr);
  EXPECT_EQ(result["message"], "Test webhook sent successfully");
  EXPECT_EQ(result["response_preview"], "thanks");

  ASSERT_EQ(receiver.Requests().size(), 1U);
  const TestHttpRequest request = receiver.Requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/hook");
  EXPECT_EQ(request.Header("X-Webhook-Event").value_or(""), "test");
  const auto signature = request.Header("X-Webhook-Signature");
  ASSERT_TRUE(signature.has_value()) << "the signature header is sent when the room has a secret";
  EXPECT_TRUE(notify::VerifyWebhookSignature("s3cret", *signature, request.body).ok()) << *signature;
  EXPECT_FALSE(notify::VerifyWebhookSignature("other", *signature, request.body).ok());
  Json payload = Json::parse(request.body);
  EXPECT_EQ(payload["event"], "test");
  EXPECT_EQ(payload["data"]["room"]["id"], room["id"]);
  EXPECT_EQ(payload["data"]["room"]["name"], "hooked");
}

TEST_F(RoomsTest, WebhookTestReportsRefusalsAndMissingUrls) {
  RecordingHttpServer receiver(std::vector<TestHttpResponse>{{500, {}, "broken"}});
  Json refused = CreateRoom({{"name", "refused"}, {"webhook_url", receiver.BaseUrl()}});
  Json result =
      BodyJson(Send("POST", "/v1/rooms/" + refused["id"].get<std::string>() + "/webhook/test", {}, "ana"));
  EXPECT_EQ(result["success"], false);
  EXPECT_EQ(result["status_code"], 500);
  EXPECT_EQ(result["error"], "HTTP 500");
  EXPECT_EQ(result["response_preview"], "broken");
  // Without a secret no signature is sent.
  ASSERT_EQ(receiver.Requests().size(), 1U);
  EXPECT_FALSE(receiver.Requests()[0].Header("X-Webhook-Signature").has_value());

  Json bare = CreateRoom({{"name", "bare"}});
  Json none =
      BodyJson(Send("POST", "/v1/rooms/" + bare["id"].get<std::string>() + "/webhook/test", {}, "ana"));
  EXPECT_EQ(none["success"], false);
  EXPECT_EQ(none["message"], "No webhook URL configured");
  EXPECT_EQ(Send("POST", "/v1/rooms/00000000-0000-4000-8000-000000000000/webhook/test", {}, "ana").status,
            404);
}

TEST_F(RoomsTest, MeetingConsentIsStored) {
  store::Meetings meetings(*database_, clock_);
  store::Meeting meeting;
  meeting.id = "meeting-1";
  ASSERT_TRUE(meetings.Create(meeting).ok());

  auto given = SendJson("POST", "/v1/meetings/meeting-1/consent", Json{{"consent_given", true}}, "ana");
  ASSERT_EQ(given.status, 200) << given.body;
  Json body = BodyJson(given);
  EXPECT_EQ(body["status"], "success");
  EXPECT_TRUE(IsUuid(body["consent_id"].get<std::string>()));
  auto denied = SendJson("POST", "/v1/meetings/meeting-1/consent", Json{{"consent_given", false}});
  ASSERT_EQ(denied.status, 200) << denied.body;

  store::MeetingConsents consents(*database_);
  auto stored = consents.List("meeting-1");
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 2U);
  const bool ana_first = (*stored)[0].id == body["consent_id"].get<std::string>();
  const store::MeetingConsent& anas = (*stored)[ana_first ? 0 : 1];
  const store::MeetingConsent& anonymous = (*stored)[ana_first ? 1 : 0];
  EXPECT_EQ(anas.id, body["consent_id"]);
  EXPECT_EQ(anas.user_id, "ana");
  EXPECT_TRUE(anas.consent_given);
  EXPECT_EQ(anonymous.user_id, std::nullopt);  // anonymous participants may answer
  EXPECT_FALSE(anonymous.consent_given);
  EXPECT_TRUE(*consents.HasAnyDenial("meeting-1"));

  EXPECT_EQ(SendJson("POST", "/v1/meetings/nowhere/consent", Json{{"consent_given", true}}).status, 404);
  auto missing = SendJson("POST", "/v1/meetings/meeting-1/consent", Json::object());
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(Detail(missing).find("consent_given"), std::string::npos);
  EXPECT_EQ(SendJson("POST", "/v1/meetings/meeting-1/consent", Json{{"consent_given", "yes"}}).status, 400);
}

}  // namespace
}  // namespace reflector::api::testing
