// ZulipClient against a local server that checks auth and form fields as Zulip's REST API
// documents them, and the transcript message layout.

#include "notify/zulip.hpp"

#include <gtest/gtest.h>

#include <map>

#include "support/fake_zulip.hpp"
#include "support/http_test_helpers.hpp"

namespace reflector::notify {
namespace {

using testing::DecodeForm;
using testing::FakeZulip;

constexpr const char* kEmail = "reflector-bot@chat.example.com";
constexpr const char* kKey = "zulip-api-key-xyz";
// base64("reflector-bot@chat.example.com:zulip-api-key-xyz")
constexpr const char* kBasic = "Basic cmVmbGVjdG9yLWJvdEBjaGF0LmV4YW1wbGUuY29tOnp1bGlwLWFwaS1rZXkteHl6";

ZulipOptions Options(std::string site, std::string key = kKey) {
  ZulipOptions options;
  options.site = std::move(site);
  options.bot_email = kEmail;
  options.api_key = std::move(key);
  return options;
}

class ZulipClientTest : public ::testing::Test {
 protected:
  ZulipClient Client() { return ZulipClient(Options(fake.BaseUrl() + "/"), http); }
  FakeZulip fake{kBasic};
  net::HttpClient http;
};

TEST_F(ZulipClientTest, PostSendsBasicAuthAndFormFieldsAndReturnsTheId) {
  ZulipClient client = Client();
  const std::string content = "# Reflector – Q&A = 100% done\n\n**Date**: x+y";
  auto id = client.PostMessage("meetings", "team-standup", content);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, 4215);
  auto requests = fake.Requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].path, "/api/v1/messages");
  auto form = DecodeForm(requests[0].body);
  EXPECT_EQ(form.size(), 4U);
  EXPECT_EQ(form["type"], "stream");
  EXPECT_EQ(form["to"], "meetings");
  EXPECT_EQ(form["topic"], "team-standup");
  EXPECT_EQ(form["content"], content);
  EXPECT_EQ(requests[0].body.rfind("type=stream&to=meetings&topic=team-standup&content=", 0), 0U);
}

TEST_F(ZulipClientTest, UpdatePatchesContentAndTopic) {
  fake.Add(77, {{"content", "old"}, {"topic", "old"}});
  ZulipClient client = Client();
  Status updated = client.UpdateMessage(77, "new content", "new topic");
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(fake.Messages()[77]["content"], "new content");
  EXPECT_EQ(fake.Messages()[77]["topic"], "new topic");
  auto requests = fake.Requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].method, "PATCH");
  EXPECT_EQ(requests[0].path, "/api/v1/messages/77");
  EXPECT_EQ(requests[0].Header("Authorization"), kBasic);
  // Without a topic only the content is sent.
  ASSERT_TRUE(client.UpdateMessage(77, "newer").ok());
  EXPECT_EQ(DecodeForm(fake.Requests()[1].body).size(), 1U);
}

TEST_F(ZulipClientTest, InvalidMessageIsDistinguished) {
  ZulipClient client = Client();
  Status updated = client.UpdateMessage(999, "content", "topic");
  ASSERT_FALSE(updated.ok());
  EXPECT_TRUE(IsInvalidMessage(updated.error()));
  EXPECT_FALSE(updated.error().retryable);
  EXPECT_NE(updated.error().message.find("/messages/999"), std::string::npos);
}

TEST_F(ZulipClientTest, OtherRefusalsAreTerminalAndNameZulipsReason) {
  ZulipClient client = Client();
  auto posted = client.PostMessage("nope", "t", "c");
  ASSERT_FALSE(posted.ok());
  EXPECT_FALSE(posted.error().retryable);
  EXPECT_FALSE(IsInvalidMessage(posted.error()));
  EXPECT_EQ(posted.error().kind, ErrorKind::kExternal);
  EXPECT_NE(posted.error().message.find("STREAM_DOES_NOT_EXIST: Channel 'nope' does not exist"),
            std::string::npos)
      << posted.error().message;
  EXPECT_NE(posted.error().message.find("stream 'nope'"), std::string::npos);

  ZulipClient wrong_key(Options(fake.BaseUrl(), "other-key"), http);
  auto unauthorized = wrong_key.PostMessage("meetings", "t", "c");
  ASSERT_FALSE(unauthorized.ok());
  EXPECT_FALSE(unauthorized.error().retryable);
  EXPECT_EQ(unauthorized.error().message.find("other-key"), std::string::npos);
}

TEST_F(ZulipClientTest, RateLimitAndServerErrorsAreRetryable) {
  ZulipClient client = Client();
  fake.Override(429, R"({"code":"RATE_LIMIT_HIT","msg":"API usage exceeded rate limit","result":"error"})");
  auto limited = client.PostMessage("meetings", "t", "c");
  ASSERT_FALSE(limited.ok());
  EXPECT_TRUE(limited.error().retryable);
  fake.Override(502, "<html>bad gateway</html>");
  Status down = client.UpdateMessage(1, "c");
  ASSERT_FALSE(down.ok());
  EXPECT_TRUE(down.error().retryable);
  EXPECT_FALSE(IsInvalidMessage(down.error()));
}

TEST(ZulipSiteTest, BareRealmMeansHttps) {
  net::HttpClient http;
  EXPECT_EQ(ZulipClient(Options("chat.example.com"), http).api_base(), "https://chat.example.com/api/v1");
  EXPECT_EQ(ZulipClient(Options("http://127.0.0.1:9/"), http).api_base(), "http://127.0.0.1:9/api/v1");
}

TEST(ZulipMessageTest, FormatClockTimeAsReflector) {
  EXPECT_EQ(FormatClockTime(0), "00:00");
  EXPECT_EQ(FormatClockTime(0.52), "00:00");
  EXPECT_EQ(FormatClockTime(323.9), "05:23");
  EXPECT_EQ(FormatClockTime(1312), "21:52");
  EXPECT_EQ(FormatClockTime(3923), "1:05:23");
  EXPECT_EQ(FormatClockTime(36000), "10:00:00");
  EXPECT_EQ(FormatClockTime(93600), "1 day, 2:00:00");
  EXPECT_EQ(FormatClockTime(-5), "00:00");
}

TEST(ZulipMessageTest, LayoutAsReflector) {
  Transcript t;
  t.id = "7728227d-12f2-4b38-9b84-604e387ac1c1";
  t.title = "Release Planning for Friday";
  t.created_at = WallTime{} + std::chrono::microseconds(1773325691902113LL);
  t.duration = 1312.4;
  t.long_summary = "# Quick recap\nShip on Friday.";
  t.topics = {Topic{"Release date", "", 0.52, std::nullopt, ""}, Topic{"QA", "", 611.9, std::nullopt, ""},
              Topic{"No time", "", std::nullopt, std::nullopt, ""}};
  EXPECT_EQ(ZulipTranscriptMessage(t, "https://reflector.example.com/"),
            "# Reflector – Release Planning for Friday\n\n"
            "**Date**: <time:2026-03-12T14:28:11.902113+00:00>\n"
            "**Link**: [reflector.example.com](https://reflector.example.com/transcripts/"
            "7728227d-12f2-4b38-9b84-604e387ac1c1)\n"
            "**Duration**: 21:52\n\n"
            "```spoiler Summary\n# Quick recap\nShip on Friday.\n```\n\n"
            "```spoiler Topics\n1. [00:00] Release date\n1. [10:11] QA\n1. [00:00] No time\n```\n\n"
            "-----\n");

  Transcript bare;
  bare.id = "x";
  bare.created_at = WallTime{} + std::chrono::seconds(1773325691);
  EXPECT_EQ(ZulipTranscriptMessage(bare, "http://localhost:3000"),
            "# Reflector – Unnamed recording\n\n"
            "**Date**: <time:2026-03-12T14:28:11+00:00>\n"
            "**Link**: [localhost:3000](http://localhost:3000/transcripts/x)\n"
            "**Duration**: 00:00\n\n"
            "```spoiler Summary\nNo summary available\n```\n\n"
            "-----\n");
}

}  // namespace
}  // namespace reflector::notify
