// DailyClient against a local server that answers as Daily.co's REST API documents.

#include "platform/daily/daily_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "support/http_test_helpers.hpp"

namespace reflector::platform {
namespace {

using testing::HttpTestServer;
using testing::JsonResponse;
using testing::RecordingHttpServer;
using testing::TestHttpRequest;
using testing::TestHttpResponse;

constexpr const char* kKey = "daily-secret-key-123";
constexpr const char* kRecordingId = "a4273a0a-b2f6-4f09-bb8f-77810f04b18b";

constexpr const char* kRecording = R"({
  "id": "a4273a0a-b2f6-4f09-bb8f-77810f04b18b",
  "room_name": "team-standup-20260312140512",
  "start_ts": 1773324363,
  "status": "finished",
  "max_participants": 2,
  "duration": 1312,
  "share_token": "pQ7vX2mL9sKd",
  "s3": {"bucket_name": "reflector-dailyco", "bucket_region": "us-west-2"},
  "mtgSessionId": "5281e9b8-9a5a-4700-af1e-f770ae66f700",
  "tracks": [
    {"type": "audio", "s3Key": "acme/team-standup-20260312140512/1773324363412-7f410ea8-1b82-4bc3-9b3b-2f11d4e72cd5-cam-audio-1773324363904", "size": 10512384},
    {"type": "video", "s3Key": "acme/team-standup-20260312140512/1773324363412-7f410ea8-1b82-4bc3-9b3b-2f11d4e72cd5-cam-video-1773324363930", "size": 98113536}
  ]
})";

class DailyClientTest : public ::testing::Test {
 protected:
  DailyClient Client(const std::string& server_url, DailyClientOptions options = {}) {
    options.api_key = kKey;
    options.base_url = server_url + "/v1/";
    return DailyClient(options, http, clock);
  }
  static DailyClientOptions PageSize(int participants) {
    DailyClientOptions options;
    options.participants_page_size = participants;
    return options;
  }

  net::HttpClient http;
  ManualClock clock;
};

TEST_F(DailyClientTest, GetRecordingSendsBearerKeyAndParsesTheRecording) {
  RecordingHttpServer server([&](const TestHttpRequest& request) {
    if (request.Header("Authorization") != std::string("Bearer ") + kKey) {
      return JsonResponse(401, R"({"error":"authentication-error","info":"bad key"})");
    }
    if (request.method != "GET" || request.path != std::string("/v1/recordings/") + kRecordingId) {
      return JsonResponse(404, R"({"error":"not-found","info":"no route"})");
    }
    return JsonResponse(200, kRecording);
  });
  DailyClient client = Client(server.BaseUrl());
  auto recording = client.GetRecording(kRecordingId);
  ASSERT_TRUE(recording.ok()) << recording.error().message;
  EXPECT_EQ(recording->id, kRecordingId);
  EXPECT_EQ(recording->room_name, "team-standup-20260312140512");
  EXPECT_EQ(recording->start_ts, 1773324363);
  EXPECT_EQ(recording->duration, 1312.0);
  EXPECT_TRUE(recording->Ready());
  EXPECT_EQ(recording->mtg_session_id, "5281e9b8-9a5a-4700-af1e-f770ae66f700");
  EXPECT_EQ(recording->s3_bucket_name, "reflector-dailyco");
  ASSERT_EQ(recording->tracks.size(), 2U);
  EXPECT_EQ(recording->tracks[1].type, "video");
  EXPECT_EQ(recording->tracks[0].size, 10512384);
  ASSERT_EQ(server.Requests().size(), 1U);
  EXPECT_EQ(server.Requests()[0].Header("Content-Type"), "application/json");
}

TEST_F(DailyClientTest, InProgressAndCanceledRecordingsAreTolerated) {
  HttpTestServer server([&](const TestHttpRequest&) {
    return JsonResponse(200, R"({"id":"r1","room_name":"x","start_ts":1,"status":"canceled",
                                "mtgSessionId":null,"tracks":null})");
  });
  DailyClient client = Client(server.BaseUrl());
  auto recording = client.GetRecording("r1");
  ASSERT_TRUE(recording.ok()) << recording.error().message;
  EXPECT_EQ(recording->status, "canceled");
  EXPECT_FALSE(recording->duration.has_value());
  EXPECT_FALSE(recording->mtg_session_id.has_value());
  EXPECT_TRUE(recording->tracks.empty());
  EXPECT_FALSE(recording->Ready());
}

TEST_F(DailyClientTest, NotFoundIsTerminalAndNamesTheEndpointAndIdButNotTheKey) {
  HttpTestServer server([&](const TestHttpRequest&) {
    return JsonResponse(
        404, std::string(R"({"error":"not-found","info":"recording )") + kRecordingId + R"( not found"})");
  });
  DailyClient client = Client(server.BaseUrl());
  auto recording = client.GetRecording(kRecordingId);
  ASSERT_FALSE(recording.ok());
  EXPECT_EQ(recording.error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(recording.error().retryable);
  EXPECT_NE(recording.error().message.find(std::string("GET /recordings/") + kRecordingId), std::string::npos)
      << recording.error().message;
  EXPECT_EQ(recording.error().message.find(kKey), std::string::npos);
}

TEST_F(DailyClientTest, RateLimitWaitsRetryAfterThenSucceeds) {
  std::atomic<int> calls{0};
  HttpTestServer server([&](const TestHttpRequest&) {
    if (calls++ == 0) {
      TestHttpResponse limited = JsonResponse(429, R"({"error":"rate-limit-error","info":"slow down"})");
      limited.headers.emplace_back("Retry-After", "2");
      return limited;
    }
    return JsonResponse(200, kRecording);
  });
  DailyClient client = Client(server.BaseUrl());
  auto recording = client.GetRecording(kRecordingId);
  ASSERT_TRUE(recording.ok()) << recording.error().message;
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(clock.TotalSlept(), std::chrono::milliseconds(2000));
}

TEST_F(DailyClientTest, RateLimitThatPersistsBecomesARetryableError) {
  std::atomic<int> calls{0};
  HttpTestServer server([&](const TestHttpRequest&) {
    ++calls;
    return JsonResponse(429, R"({"error":"rate-limit-error","info":"slow down"})");  // no Retry-After
  });
  DailyClientOptions options;
  options.rate_limit_retries = 2;
  options.rate_limit_delay = std::chrono::milliseconds(700);
  DailyClient client = Client(server.BaseUrl(), options);
  auto recording = client.GetRecording(kRecordingId);
  ASSERT_FALSE(recording.ok());
  EXPECT_TRUE(recording.error().retryable);
  EXPECT_EQ(recording.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(recording.error().message.find("HTTP 429"), std::string::npos);
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(clock.TotalSlept(), std::chrono::milliseconds(1400));
}

TEST_F(DailyClientTest, ServerErrorIsRetryable) {
  HttpTestServer server(
      [&](const TestHttpRequest&) { return JsonResponse(500, R"({"error":"server-error","info":"oops"})"); });
  DailyClient client = Client(server.BaseUrl());
  auto recording = client.GetRecording(kRecordingId);
  ASSERT_FALSE(recording.ok());
  EXPECT_TRUE(recording.error().retryable);
  EXPECT_NE(recording.error().message.find(kRecordingId), std::string::npos);
  EXPECT_NE(recording.error().message.find("HTTP 500"), std::string::npos);
}

TEST_F(DailyClientTest, TimeoutIsRetryable) {
  HttpTestServer server([&](const TestHttpRequest&) {
    TestHttpResponse slow = JsonResponse(200, kRecording);
    slow.delay = std::chrono::seconds(30);  // cut short when the server goes away
    return slow;
  });
  DailyClientOptions options;
  options.timeout = std::chrono::milliseconds(200);
  DailyClient client = Client(server.BaseUrl(), options);
  auto recording = client.GetRecording(kRecordingId);
  ASSERT_FALSE(recording.ok());
  EXPECT_EQ(recording.error().kind, ErrorKind::kTimeout);
  EXPECT_TRUE(recording.error().retryable);
  EXPECT_NE(recording.error().message.find(kRecordingId), std::string::npos) << recording.error().message;
}

TEST_F(DailyClientTest, ConnectionRefusedIsRetryable) {
  DailyClientOptions options;
  options.api_key = kKey;
  options.base_url = "http://127.0.0.1:" + std::to_string(testing::UnusedLocalPort()) + "/v1";
  DailyClient client(options, http, clock);
  auto recording = client.GetRecording(kRecordingId);
  ASSERT_FALSE(recording.ok());
  EXPECT_TRUE(recording.error().retryable);
  EXPECT_EQ(recording.error().kind, ErrorKind::kUnavailable);
}

TEST_F(DailyClientTest, EmptyRecordingIdIsInvalidInput) {
  DailyClient client({}, http, clock);
  auto recording = client.GetRecording("");
  ASSERT_FALSE(recording.ok());
  EXPECT_EQ(recording.error().kind, ErrorKind::kInvalidInput);
}

TEST_F(DailyClientTest, ListRecordingsSendsTheQueryAndParsesThePage) {
  RecordingHttpServer server({JsonResponse(200, R"({"total_count": 2, "data": [
      {"id": "r-new", "room_name": "team-standup-20260312140512", "start_ts": 1773324363, "status": "finished",
       "duration": 1312, "mtgSessionId": "5281e9b8-9a5a-4700-af1e-f770ae66f700",
       "tracks": [{"type": "audio", "s3Key": "acme/k", "size": 1}]},
      {"id": "r-old", "room_name": "design-sync-20260312100001", "start_ts": 1773309640, "status": "in-progress",
       "mtgSessionId": null, "tracks": []}]})")});
  DailyClient client = Client(server.BaseUrl());
  DailyRecordingQuery query;
  query.limit = 100;
  query.room_name = "team standup";
  query.starting_after = "r-0";
  auto page = client.ListRecordings(query);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->total_count, 2);
  ASSERT_EQ(page->data.size(), 2U);
  EXPECT_EQ(page->data[0].id, "r-new");
  EXPECT_EQ(page->data[1].status, "in-progress");
  auto seen = server.Requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].path, "/v1/recordings");
  EXPECT_EQ(seen[0].query, "limit=100&starting_after=r-0&room_name=team+standup");
}

TEST_F(DailyClientTest, ListRecordingsWithoutDataIsAnError) {
  HttpTestServer server([&](const TestHttpRequest&) { return JsonResponse(200, R"({"total_count": 0})"); });
  DailyClient client = Client(server.BaseUrl());
  auto page = client.ListRecordings({});
  ASSERT_FALSE(page.ok());
  EXPECT_FALSE(page.error().retryable);
  EXPECT_NE(page.error().message.find("'data'"), std::string::npos);
}

// A Daily test double holding `participants`; pages with limit/joined_after; past the end it
// answers 404 (`not_found_at_end`) or an empty page.
TestHttpResponse ParticipantsPage(const TestHttpRequest& request, const std::vector<std::string>& ids,
                                  bool not_found_at_end) {
  std::size_t limit = 100;
  std::string after;
  std::string_view query = request.query;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::size_t eq = pair.find('=');
    std::string key(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (key == "limit") limit = std::stoul(value);
    if (key == "joined_after") after = value;
  }
  std::size_t start = 0;
  if (!after.empty()) {
    while (start < ids.size() && ids[start] != after)
      ++start;
    ++start;
  }
  if (start >= ids.size() && !after.empty() && not_found_at_end) {
    return JsonResponse(404, R"({"error":"not-found","info":"no more participants"})");
  }
  Json data = Json::array();
  for (std::size_t i = start; i < ids.size() && data.size() < limit; ++i) {
    data.push_back({{"user_id", nullptr},
                    {"participant_id", ids[i]},
                    {"user_name", "User " + std::to_string(i)},
                    {"join_time", 1773324358},
                    {"duration", 10}});
  }
  return JsonResponse(200, Json{{"data", data}}.dump());
}

TEST_F(DailyClientTest, ParticipantsArePagedUntilAShortPage) {
  const std::vector<std::string> ids = {"p-a", "p-b", "p-c"};
  RecordingHttpServer server(
      [&](const TestHttpRequest& request) { return ParticipantsPage(request, ids, true); });
  DailyClient client = Client(server.BaseUrl(), PageSize(2));
  auto participants = client.GetMeetingParticipants("5281e9b8-9a5a-4700-af1e-f770ae66f700");
  ASSERT_TRUE(participants.ok()) << participants.error().message;
  ASSERT_EQ(participants->size(), 3U);
  EXPECT_EQ((*participants)[2].participant_id, "p-c");
  EXPECT_EQ((*participants)[2].user_name, "User 2");
  EXPECT_FALSE((*participants)[0].user_id.has_value());
  auto seen = server.Requests();
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0].path, "/v1/meetings/5281e9b8-9a5a-4700-af1e-f770ae66f700/participants");
  EXPECT_EQ(seen[0].query, "limit=2");
  EXPECT_EQ(seen[1].query, "limit=2&joined_after=p-b");
}

TEST_F(DailyClientTest, ParticipantsEndOnA404OrAnEmptyPageAfterTheLastFullPage) {
  struct Case {
    std::vector<std::string> ids;
    bool not_found_at_end;
    std::size_t requests;
  };
  for (const Case& c : {Case{{"p-a", "p-b", "p-c", "p-d"}, true, 3}, Case{{"p-a", "p-b"}, false, 2}}) {
    SCOPED_TRACE(c.not_found_at_end ? "404 at the end" : "empty page at the end");
    RecordingHttpServer server(
        [&](const TestHttpRequest& request) { return ParticipantsPage(request, c.ids, c.not_found_at_end); });
    DailyClient client = Client(server.BaseUrl(), PageSize(2));
    auto participants = client.GetMeetingParticipants("m1");
    ASSERT_TRUE(participants.ok()) << participants.error().message;
    EXPECT_EQ(participants->size(), c.ids.size());
    EXPECT_EQ(server.Requests().size(), c.requests);
  }
}

TEST_F(DailyClientTest, UnknownMeetingIsNotFound) {
  HttpTestServer server([&](const TestHttpRequest&) {
    return JsonResponse(404, R"({"error":"not-found","info":"no meeting"})");
  });
  DailyClient client = Client(server.BaseUrl());
  auto participants = client.GetMeetingParticipants("m-unknown");
  ASSERT_FALSE(participants.ok());
  EXPECT_EQ(participants.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(participants.error().message.find("/meetings/m-unknown/participants"), std::string::npos);
}

TEST_F(DailyClientTest, ServerIgnoringTheCursorDoesNotLoopForever) {
  RecordingHttpServer server({JsonResponse(200, R"({"data":[{"participant_id":"p-a","user_name":"A"},
                                         {"participant_id":"p-b","user_name":"B"}]})")});
  DailyClient client = Client(server.BaseUrl(), PageSize(2));
  auto participants = client.GetMeetingParticipants("m1");
  ASSERT_TRUE(participants.ok()) << participants.error().message;
  EXPECT_EQ(participants->size(), 2U);
  EXPECT_EQ(server.Requests().size(), 2U);  // the second page brought nothing new
}

}  // namespace
}  // namespace reflector::platform
