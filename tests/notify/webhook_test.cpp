// The outgoing webhook: signature (reference test vector), payload layout, event ids, and one
// delivery to a local receiver that verifies the signature.

#include "notify/webhook.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "core/json.hpp"
#include "support/http_test_server.hpp"

namespace reflector::notify {
namespace {

using testing::HttpTestServer;
using testing::TestHttpRequest;
using testing::TestHttpResponse;

TestHttpResponse Answer(int status, std::string body) {
  TestHttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// Reference wire formats §6.1.
constexpr const char* kVectorSecret = "s3cr3t-room-key";
constexpr const char* kVectorBody =
    R"({"event":"test","event_id":"0b7c1e2f9a8d4c6b8e5f3a2d1c0b9a87","timestamp":"2026-03-12T14:30:01.250318Z","message":"This is a test webhook from Reflector","room":{"id":"97446dec-f345-4cb2-a0d9-4ec8fa782a3b","name":"team-standup"}})";
constexpr const char* kVectorHeader =
    "t=1773325801,v1=58eb9038b60169020467d42ebfb6dff3e2c73efeeea5c31a8cc17a5b64f7a6ff";

TEST(WebhookSignatureTest, MatchesTheReferenceTestVector) {
  EXPECT_EQ(WebhookSignature(kVectorSecret, 1773325801, kVectorBody), kVectorHeader);
}

TEST(WebhookSignatureTest, VerifierAcceptsTheVectorAndRejectsTampering) {
  EXPECT_TRUE(VerifyWebhookSignature(kVectorSecret, kVectorHeader, kVectorBody).ok());
  EXPECT_TRUE(VerifyWebhookSignature(kVectorSecret, kVectorHeader, kVectorBody, 1773325801 + 100).ok());

  std::string tampered = kVectorBody;
  tampered[tampered.size() - 3] = 'X';
  auto body = VerifyWebhookSignature(kVectorSecret, kVectorHeader, tampered);
  ASSERT_FALSE(body.ok());
  EXPECT_NE(body.error().message.find("does not match"), std::string::npos);
  EXPECT_FALSE(VerifyWebhookSignature("another-secret", kVectorHeader, kVectorBody).ok());
  // The timestamp is signed too.
  EXPECT_FALSE(VerifyWebhookSignature(
                   kVectorSecret,
                   "t=1773325802,v1=58eb9038b60169020467d42ebfb6dff3e2c73efeeea5c31a8cc17a5b64f7a6ff",
                   kVectorBody)
                   .ok());
  auto stale = VerifyWebhookSignature(kVectorSecret, kVectorHeader, kVectorBody, 1773325801 + 3600);
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().message.find("away from now"), std::string::npos);
  EXPECT_FALSE(VerifyWebhookSignature(kVectorSecret, "v1=58eb", kVectorBody).ok());
  EXPECT_FALSE(VerifyWebhookSignature(kVectorSecret, "t=1773325801", kVectorBody).ok());
  EXPECT_FALSE(VerifyWebhookSignature(kVectorSecret, "t=abc,v1=58eb", kVectorBody).ok());
  // Several v1 values (key rotation): one matching is enough; spaces are tolerated.
  EXPECT_TRUE(VerifyWebhookSignature(
                  kVectorSecret,
                  "t=1773325801, v1=00, v1=58eb9038b60169020467d42ebfb6dff3e2c73efeeea5c31a8cc17a5b64f7a6ff",
                  kVectorBody)
                  .ok());
}

TEST(WebhookEventIdTest, StablePerCompletionAndShapedLikeUuidHex) {
  std::string id = WebhookEventId(kTranscriptCompletedEvent, "7728227d-12f2-4b38-9b84-604e387ac1c1", "wf-1");
  EXPECT_EQ(id.size(), 32U);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(id, WebhookEventId(kTranscriptCompletedEvent, "7728227d-12f2-4b38-9b84-604e387ac1c1", "wf-1"));
  EXPECT_NE(id, WebhookEventId(kTranscriptCompletedEvent, "7728227d-12f2-4b38-9b84-604e387ac1c1", "wf-2"));
  EXPECT_NE(id, WebhookEventId(kTranscriptCompletedEvent, "00000000-12f2-4b38-9b84-604e387ac1c1", "wf-1"));
}

constexpr const char* kWebVtt =
    "WEBVTT\n\n00:00:00.520 --> 00:00:03.400\n<v Speaker0>Morning everyone. Let's start with the release.\n";

// 2026-03-12T14:28:11.902113Z
const WallTime kCreatedAt = WallTime{} + std::chrono::microseconds(1773325691902113LL);

Transcript ReferenceTranscript() {
  Transcript t;
  t.id = "7728227d-12f2-4b38-9b84-604e387ac1c1";
  t.room_id = "97446dec-f345-4cb2-a0d9-4ec8fa782a3b";
  t.created_at = kCreatedAt;
  t.duration = 1312;
  t.title = "Release Planning for Friday";
  t.short_summary = "The team agreed to ship on Friday after a final QA pass.";
  t.long_summary =
      "# Quick recap\nThe team agreed to ship on Friday after a final QA pass.\n# Summary\n**Release "
      "date**\nBob "
      "confirmed QA can finish by Thursday.";
  t.webvtt = kWebVtt;
  t.topics = {Topic{"Release date", "Alice proposed Friday; Bob confirmed QA timing.", 0.52, 611.3, kWebVtt}};
  t.participants = {Participant{"7f410ea8-1b82-4bc3-9b3b-2f11d4e72cd5", "Alice", 0},
                    Participant{"98782545-5f4b-45fe-aae6-fddd6052a955", "Bob", 1}};
  t.status = "ended";
  return t;
}

Room ReferenceRoom() {
  return Room{"97446dec-f345-4cb2-a0d9-4ec8fa782a3b", "team-standup"};
}

TEST(TranscriptCompletedPayloadTest, ReferenceLayoutWithDurationsInSeconds) {
  TranscriptCompletedOptions options;
  options.event_id = "18f75e38aa7f4d7eb80b510d702eaccb";
  options.timestamp = WallTime{} + std::chrono::microseconds(1773325798731204LL);  // 14:29:58.731204Z
  options.ui_base_url = "https://reflector.example.com/";
  std::string expected =
      R"({"event":"transcript.completed","event_id":"18f75e38aa7f4d7eb80b510d702eaccb","timestamp":"2026-03-12T14:29:58.731204Z",)"
      R"("transcript":{"id":"7728227d-12f2-4b38-9b84-604e387ac1c1","room_id":"97446dec-f345-4cb2-a0d9-4ec8fa782a3b","created_at":"2026-03-12T14:28:11.902113Z","duration":1312.0,"title":"Release Planning for Friday","short_summary":"The team agreed to ship on Friday after a final QA pass.","long_summary":"# Quick recap\nThe team agreed to ship on Friday after a final QA pass.\n# Summary\n**Release date**\nBob confirmed QA can finish by Thursday.","webvtt":"WEBVTT\n\n00:00:00.520 --> 00:00:03.400\n<v Speaker0>Morning everyone. Let's start with the release.\n",)"
      R"("topics":[{"title":"Release date","summary":"Alice proposed Friday; Bob confirmed QA timing.","timestamp":0.52,"duration":611.3,"webvtt":"WEBVTT\n\n00:00:00.520 --> 00:00:03.400\n<v Speaker0>Morning everyone. Let's start with the release.\n"}],)"
      R"("participants":[{"id":"7f410ea8-1b82-4bc3-9b3b-2f11d4e72cd5","name":"Alice","speaker":0},{"id":"98782545-5f4b-45fe-aae6-fddd6052a955","name":"Bob","speaker":1}],)"
      R"("source_language":"en","target_language":"en","status":"ended","frontend_url":"https://reflector.example.com/transcripts/7728227d-12f2-4b38-9b84-604e387ac1c1",)"
      R"("action_items":null},)"
      R"("room":{"id":"97446dec-f345-4cb2-a0d9-4ec8fa782a3b","name":"team-standup"},"calendar_event":null})";
  EXPECT_EQ(TranscriptCompletedPayload(ReferenceTranscript(), ReferenceRoom(), options), expected);
}

TEST(TranscriptCompletedPayloadTest, NullsWholeFloatsAndUtf8) {
  Transcript t;
  t.id = "7728227d-12f2-4b38-9b84-604e387ac1c1";
  t.created_at = WallTime{} + std::chrono::seconds(1773325691);  // no fraction: no microseconds
  t.duration = 0;
  t.title = "Réunion – budget";
  t.topics = {Topic{"A", "S", 12, std::nullopt, ""}, Topic{"B", "", std::nullopt, 3, ""}};
  t.participants = {Participant{"p", "N", std::nullopt}};
  t.status = "ended";
  TranscriptCompletedOptions options;
  options.event_id = "e";
  options.timestamp = WallTime{} + std::chrono::seconds(1773325798);
  std::string payload = TranscriptCompletedPayload(t, ReferenceRoom(), options);
  Json parsed = Json::parse(payload);
  EXPECT_NE(payload.find(R"("timestamp":"2026-03-12T14:29:58Z")"), std::string::npos) << payload;
  EXPECT_NE(payload.find(R"("created_at":"2026-03-12T14:28:11Z")"), std::string::npos) << payload;
  EXPECT_NE(payload.find(R"("duration":0.0,"title":"Réunion – budget","short_summary":null)"),
            std::string::npos)
      << payload;
  EXPECT_NE(payload.find(R"({"title":"A","summary":"S","timestamp":12.0,"duration":null,"webvtt":""})"),
            std::string::npos)
      << payload;
  // A topic without a timestamp is placed at 0.0.
  EXPECT_NE(payload.find(R"({"title":"B","summary":"","timestamp":0.0,"duration":3.0,"webvtt":""})"),
            std::string::npos)
      << payload;
  EXPECT_TRUE(parsed["transcript"]["participants"][0]["speaker"].is_null());
  // The room given is used when the transcript has none.
  EXPECT_EQ(parsed["transcript"]["room_id"], "97446dec-f345-4cb2-a0d9-4ec8fa782a3b");
  EXPECT_EQ(payload.find(' '), payload.find(" – "));  // compact: the only spaces are in the title
}

TEST(WebhookStatusTest, Classification) {
  EXPECT_EQ(ClassifyWebhookStatus(200), WebhookVerdict::kDelivered);
  EXPECT_EQ(ClassifyWebhookStatus(204), WebhookVerdict::kDelivered);
  EXPECT_EQ(ClassifyWebhookStatus(301), WebhookVerdict::kRefused);
  EXPECT_EQ(ClassifyWebhookStatus(400), WebhookVerdict::kRefused);
  EXPECT_EQ(ClassifyWebhookStatus(410), WebhookVerdict::kRefused);
  EXPECT_EQ(ClassifyWebhookStatus(429), WebhookVerdict::kRetry);
  EXPECT_EQ(ClassifyWebhookStatus(500), WebhookVerdict::kRetry);
  EXPECT_EQ(ClassifyWebhookStatus(503), WebhookVerdict::kRetry);
}

TEST(PostWebhookTest, ReceiverVerifiesTheSignedRequest) {
  std::mutex mutex;
  TestHttpRequest seen;
  HttpTestServer server([&](const TestHttpRequest& request) {
    std::lock_guard lock(mutex);
    seen = request;
    auto header = request.Header("X-Webhook-Signature");
    if (!header || !VerifyWebhookSignature("room-secret", *header, request.body).ok()) {
      return Answer(401, "bad signature");
    }
    return Answer(202, "accepted");
  });
  net::HttpClient http;
  WebhookRequest request;
  request.url = server.BaseUrl() + "/hooks/reflector?token=t0k";
  request.body = R"({"event":"transcript.completed"})";
  request.secret = "room-secret";
  request.retry = 3;
  request.timestamp = 1773325801;
  auto response = PostWebhook(http, request);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 202);
  EXPECT_EQ(response->verdict, WebhookVerdict::kDelivered);
  EXPECT_EQ(response->body_preview, "accepted");
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/hooks/reflector");
  EXPECT_EQ(seen.query, "token=t0k");
  EXPECT_EQ(seen.body, request.body);
  EXPECT_EQ(seen.Header("Content-Type"), "application/json");
  EXPECT_EQ(seen.Header("User-Agent"), "Reflector-Webhook/1.0");
  EXPECT_EQ(seen.Header("X-Webhook-Event"), "transcript.completed");
  EXPECT_EQ(seen.Header("X-Webhook-Retry"), "3");
  EXPECT_EQ(seen.Header("X-Webhook-Signature"), WebhookSignature("room-secret", 1773325801, request.body));
}

TEST(PostWebhookTest, NoSecretNoSignatureAndStatusesAreResponses) {
  std::mutex mutex;
  std::optional<std::string> signature = "unset";
  HttpTestServer server([&](const TestHttpRequest& request) {
    std::lock_guard lock(mutex);
    signature = request.Header("X-Webhook-Signature");
    return Answer(503, "busy");
  });
  net::HttpClient http;
  WebhookRequest request;
  request.url = server.BaseUrl() + "/hook";
  request.body = "{}";
  auto response = PostWebhook(http, request);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->verdict, WebhookVerdict::kRetry);
  std::lock_guard lock(mutex);
  EXPECT_FALSE(signature.has_value());
}

TEST(PostWebhookTest, ConnectionRefusedIsARetryableError) {
  net::HttpClient http;
  WebhookRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(testing::UnusedLocalPort()) + "/hook";
  auto response = PostWebhook(http, request);
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.error().retryable);
}

}  // namespace
}  // namespace reflector::notify
