// What the HTTP backends share (remote/: retries, Retry-After, timeouts, word parsing, stop,
// heartbeats), run against both modal and openai, and MakeRemoteSpeechToText's checks.

#include <gtest/gtest.h>

#include <future>
#include <stop_token>

#include "remote_stt_fixture.hpp"

namespace reflector::stt {
namespace {

using reflector::testing::CountingSink;
using reflector::testing::HttpTestServer;
using namespace std::chrono_literals;

class BothBackendsTest : public RemoteSttTest, public ::testing::WithParamInterface<std::string> {
 protected:
  std::string backend() const { return GetParam(); }
  Json Answer() const { return backend() == "openai" ? OpenAiAnswer() : ModalAnswer(); }
  const std::vector<Word>& Words() const { return backend() == "openai" ? kOpenAiWords : kModalWords; }

  // Starts transcribing Source() and asks to stop once `server` has the request.
  Result<Transcription> StopAfterTheFirstRequest(SpeechToText& stt, RecordingHttpServer& server) {
    std::stop_source stop;
    auto pending = std::async(std::launch::async,
                              [&] { return stt.Transcribe(Source(), "en", stop.get_token(), sink_); });
    EXPECT_TRUE(server.WaitForRequests(1));
    stop.request_stop();
    return pending.get();
  }
};

TEST_P(BothBackendsTest, EmptyResultIsAnEmptyList) {
  RecordingHttpServer server({JsonResponse(200, {{"text", ""}, {"words", Json::array()}})});
  auto stt = Make(backend(), BaseFor(backend(), server));
  auto result = stt->Transcribe(Source(), "en", {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->words.empty());

  RecordingHttpServer no_words({JsonResponse(200, {{"text", ""}})});
  auto silent = Make(backend(), BaseFor(backend(), no_words))->Transcribe(Source(), "en", {}, sink_);
  ASSERT_TRUE(silent.ok()) << silent.error().message;
  EXPECT_TRUE(silent->words.empty());
}

TEST_P(BothBackendsTest, SlowAnswerPastTheTimeoutIsRetryable) {
  TestHttpResponse slow = JsonResponse(200, Answer());
  slow.delay = 60s;  // cut short when the server is destroyed
  RecordingHttpServer server({slow});
  auto stt = Make(backend(), BaseFor(backend(), server), {.timeout = 300ms});
  auto result = stt->Transcribe(Source(), "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kTimeout) << result.error().message;
  EXPECT_TRUE(result.error().retryable);
  EXPECT_NE(result.error().message.find("track.webm"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find(PathFor(backend())), std::string::npos) << result.error().message;
  EXPECT_EQ(server.RequestCount(), 1) << "a timeout used the whole budget: not repeated in the call";
}

TEST_P(BothBackendsTest, ServerErrorThenSuccessSucceeds) {
  RecordingHttpServer server(
      {TestHttpResponse{503, {}, "Service Unavailable", {}},
       JsonResponse(429, {{"error", {{"message", "Rate limit reached"}, {"code", "rate_limit_exceeded"}}}},
                    {{"Retry-After", "0.01"}}),
       JsonResponse(200, Answer())});
  auto stt = Make(backend(), BaseFor(backend(), server));
  auto result = stt->Transcribe(Source(), "en", {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->words, Words());
  EXPECT_EQ(server.RequestCount(), 3);
}

TEST_P(BothBackendsTest, PersistentServerErrorIsRetryableAfterTheAttempts) {
  RecordingHttpServer server({TestHttpResponse{502, {}, "Bad Gateway", {}}});
  auto stt = Make(backend(), BaseFor(backend(), server), {.max_attempts = 3});
  auto result = stt->Transcribe(Source(), "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(result.error().retryable);
  EXPECT_NE(result.error().message.find("HTTP 502: Bad Gateway"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(server.RequestCount(), 3);
}

TEST_P(BothBackendsTest, LongRetryAfterIsLeftToTheEngine) {
  RecordingHttpServer server({JsonResponse(429, {{"detail", "busy"}}, {{"Retry-After", "120"}})});
  auto stt = Make(backend(), BaseFor(backend(), server), {.max_retry_delay = 30s});
  auto result = stt->Transcribe(Source(), "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().retryable);
  EXPECT_EQ(server.RequestCount(), 1);
}

TEST_P(BothBackendsTest, UnauthorizedAndNotFoundAreTerminal) {
  for (int status : {401, 404}) {
    std::string message = "nope " + std::to_string(status);
    Json body = backend() == "openai"
                    ? Json{{"error", {{"message", message}, {"type", "invalid_request_error"}}}}
                    : Json{{"detail", message}};
    RecordingHttpServer server({JsonResponse(status, body)});
    auto result = Make(backend(), BaseFor(backend(), server))->Transcribe(Source(), "en", {}, sink_);
    ASSERT_FALSE(result.ok());
    EXPECT_FALSE(result.error().retryable) << result.error().message;
    EXPECT_EQ(result.error().kind, status == 404 ? ErrorKind::kNotFound : ErrorKind::kExternal);
    EXPECT_NE(result.error().message.find("nope " + std::to_string(status)), std::string::npos);
    EXPECT_EQ(server.RequestCount(), 1);
  }
}

TEST_P(BothBackendsTest, ConnectionRefusedIsRetryable) {
  std::string base = "http://127.0.0.1:" + std::to_string(testing::UnusedLocalPort());
  auto stt = Make(backend(), backend() == "openai" ? base + "/v1" : base);
  auto result = stt->Transcribe(Source(), "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kUnavailable) << result.error().message;
  EXPECT_TRUE(result.error().retryable);
}

TEST_P(BothBackendsTest, MalformedAnswerIsTerminalNamingTheField) {
  RecordingHttpServer server({JsonResponse(
      200, {{"text", "a b"},
            {"words", {{{"word", "a"}, {"start", 0.1}, {"end", 0.2}}, {{"word", "b"}, {"start", "x"}}}}})});
  auto result = Make(backend(), BaseFor(backend(), server))->Transcribe(Source(), "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kExternal);
  EXPECT_FALSE(result.error().retryable);
  EXPECT_NE(result.error().message.find("words[1]"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("start"), std::string::npos) << result.error().message;
}

TEST_P(BothBackendsTest, BadLanguageIsRefusedBeforeAnyRequest) {
  RecordingHttpServer server({JsonResponse(200, Answer())});
  auto stt = Make(backend(), BaseFor(backend(), server));
  for (const char* language : {"english", "", "e", "en-", "1a"}) {
    auto result = stt->Transcribe(Source(), language, {}, sink_);
    ASSERT_FALSE(result.ok()) << language;
    EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput) << language;
  }
  EXPECT_EQ(server.RequestCount(), 0);
  EXPECT_EQ(presign_calls_.load(), 0);
}

TEST_P(BothBackendsTest, StopCancelsAWaitingRequest) {
  TestHttpResponse slow = JsonResponse(200, Answer());
  slow.delay = 60s;
  RecordingHttpServer server({slow});
  auto stt = Make(backend(), BaseFor(backend(), server));
  auto result = StopAfterTheFirstRequest(*stt, server);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kCancelled) << result.error().message;

  std::stop_source stopped;
  stopped.request_stop();
  auto before = stt->Transcribe(Source(), "en", stopped.get_token(), sink_);
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.error().kind, ErrorKind::kCancelled);
  EXPECT_EQ(server.RequestCount(), 1);
}

TEST_P(BothBackendsTest, StopCancelsARetryWait) {
  RecordingHttpServer server({JsonResponse(503, {{"detail", "warming up"}}, {{"Retry-After", "20"}})});
  auto stt = Make(backend(), BaseFor(backend(), server), {.max_retry_delay = 60s});
  auto result = StopAfterTheFirstRequest(*stt, server);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kCancelled) << result.error().message;
  EXPECT_EQ(server.RequestCount(), 1);
}

TEST_P(BothBackendsTest, ReportsProgressWhileWaiting) {
  // The server answers only once a heartbeat arrived after the first report.
  CountingSink sink;
  HttpTestServer server([&](const TestHttpRequest&) {
    bool beat = sink.WaitForCount(2);
    return JsonResponse(beat ? 200 : 500, beat ? Answer() : Json{{"detail", "no heartbeat"}});
  });
  std::string base = backend() == "openai" ? server.BaseUrl() + "/v1" : server.BaseUrl();
  auto stt = Make(backend(), base, {.max_attempts = 1, .heartbeat_interval = 20ms});
  auto result = stt->Transcribe(Source(), "en", {}, sink);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_GE(sink.count(), 3);  // start, at least one heartbeat, done
  EXPECT_EQ(sink.last(), 1.0);
}

INSTANTIATE_TEST_SUITE_P(RemoteStt, BothBackendsTest, ::testing::Values("modal", "openai"),
                         [](const auto& param_info) { return param_info.param; });

TEST(MakeRemoteSpeechToTextTest, RefusesBadOptions) {
  net::HttpClient http;
  auto expect_refused = [&](RemoteSpeechToTextOptions options, std::string_view mention) {
    auto made = MakeRemoteSpeechToText(options, http);
    ASSERT_FALSE(made.ok()) << mention;
    EXPECT_EQ(made.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(made.error().message.find(mention), std::string::npos) << made.error().message;
  };
  expect_refused({.backend = "whisper", .url = "http://gpu.local"}, "whisper");
  expect_refused({.backend = "modal", .url = ""}, "URL");
  expect_refused({.backend = "modal", .url = "gpu.local:8000"}, "gpu.local:8000");
  expect_refused({.backend = "openai", .url = "https://api.openai.com/v1?x=1"}, "URL");
  expect_refused({.backend = "openai", .url = "https://api.openai.com/v1", .timeout = 0ms}, "timeout");
  expect_refused({.backend = "openai", .url = "https://api.openai.com/v1", .max_attempts = 0}, "attempts");
  EXPECT_TRUE(MakeRemoteSpeechToText({.backend = "openai", .url = "https://api.openai.com/v1"}, http).ok());
}

}  // namespace
}  // namespace reflector::stt
