// The remote speech to text backends against local servers that follow each API's documented
// format: the Reflector GPU API (`modal`, wire-formats §3) and OpenAI's /audio/transcriptions
// (`openai`, wire-formats §4.1).

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "core/json.hpp"
#include "stt/http/remote_speech_to_text.hpp"
#include "support/http_test_server.hpp"
#include "support/temp_dir.hpp"

namespace reflector::stt {
namespace {

using reflector::testing::HttpTestServer;
using reflector::testing::TempDir;
using reflector::testing::TestHttpRequest;
using reflector::testing::TestHttpResponse;
using namespace std::chrono_literals;

constexpr const char* kApiKey = "test-secret-key";

// A server answering with scripted responses in order (the last one repeats) and recording
// every request.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<TestHttpResponse> script)
      : script_(script.begin(), script.end()), server_([this](const TestHttpRequest& request) {
          std::lock_guard lock(mutex_);
          requests_.push_back(request);
          received_.notify_all();
          TestHttpResponse response = script_.front();
          if (script_.size() > 1) script_.pop_front();
          return response;
        }) {}

  std::string BaseUrl() const { return server_.BaseUrl(); }
  int RequestCount() const { return server_.RequestCount(); }
  std::vector<TestHttpRequest> Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // Waits until `count` requests arrived (false after 30 s).
  bool WaitForRequests(std::size_t count) {
    std::unique_lock lock(mutex_);
    return received_.wait_for(lock, 30s, [&] { return requests_.size() >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable received_;
  std::deque<TestHttpResponse> script_;
  std::vector<TestHttpRequest> requests_;
  HttpTestServer server_;  // last: stopped before the members its handler uses
};

TestHttpResponse JsonResponse(int status, const Json& body, testing::TestHttpHeaders headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return TestHttpResponse{status, std::move(headers), body.dump(), {}};
}

// Words as each service sends them: out of order, with the spacing each model produces.
Json ModalAnswer() {
  return {{"text", "Morning everyone. Let's start."},
          {"words",
           {{{"word", "Let's "}, {"start", 2.1}, {"end", 2.33}},
            {{"word", "Morning "}, {"start", 0.52}, {"end", 0.91}},
            {{"word", " "}, {"start", 1.6}, {"end", 1.7}},
            {{"word", " start. "}, {"start", 2.33}, {"end", 2.61}},
            {{"word", "everyone."}, {"start", 0.91}, {"end", 1.48}}}}};
}
Json OpenAiAnswer() {
  return {{"task", "transcribe"},
          {"language", "english"},
          {"duration", 3.62},
          {"text", "Morning everyone. Let's start."},
          {"words",
           {{{"word", "start"}, {"start", 2.34}, {"end", 2.6}},
            {{"word", "Morning"}, {"start", 0.52}, {"end", 0.9}},
            {{"word", " everyone "}, {"start", 0.9}, {"end", 1.46}},
            {{"word", "Let's"}, {"start", 2.1}, {"end", 2.34}}}},
          {"usage", {{"type", "duration"}, {"seconds", 4}}}};
}
const std::vector<Word> kModalWords = {
    {"Morning", 0.52, 0.91}, {"everyone.", 0.91, 1.48}, {"Let's", 2.1, 2.33}, {"start.", 2.33, 2.61}};
const std::vector<Word> kOpenAiWords = {
    {"Morning", 0.52, 0.9}, {"everyone", 0.9, 1.46}, {"Let's", 2.1, 2.34}, {"start", 2.34, 2.6}};

// One part of a multipart/form-data body.
struct FormPart {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string content;
};

std::string HeaderParameter(const std::string& headers, const std::string& parameter) {
  std::string marker = parameter + "=\"";
  std::size_t at = headers.find("; " + marker);
  if (at == std::string::npos) return "";
  at += 2 + marker.size();
  return headers.substr(at, headers.find('"', at) - at);
}

// Splits a multipart/form-data body (RFC 7578) as a server would; empty on a format error.
std::vector<FormPart> ParseForm(const TestHttpRequest& request) {
  std::string content_type = request.Header("Content-Type").value_or("");
  std::string marker = "boundary=";
  std::size_t at = content_type.find(marker);
  if (!content_type.starts_with("multipart/form-data;") || at == std::string::npos) return {};
  std::string delimiter = "--" + content_type.substr(at + marker.size());
  const std::string& body = request.body;
  if (!body.starts_with(delimiter + "\r\n")) return {};
  std::vector<FormPart> parts;
  std::size_t position = delimiter.size() + 2;
  while (true) {
    std::size_t next = body.find("\r\n" + delimiter, position);
    std::size_t blank = body.find("\r\n\r\n", position);
    if (next == std::string::npos || blank == std::string::npos || blank > next) return {};
    std::string headers = body.substr(position, blank - position);
    FormPart part;
    part.name = HeaderParameter(headers, "name");
    part.filename = HeaderParameter(headers, "filename");
    if (std::size_t type = headers.find("Content-Type: "); type != std::string::npos) {
      part.content_type = headers.substr(type + 14, headers.find("\r\n", type) - type - 14);
    }
    part.content = body.substr(blank + 4, next - blank - 4);
    parts.push_back(std::move(part));
    position = next + 2 + delimiter.size();
    if (body.compare(position, 4, "--\r\n") == 0 && position + 4 == body.size()) return parts;
    if (body.compare(position, 2, "\r\n") != 0) return {};
    position += 2;
  }
}

// Counts reports; thread-safe as ProgressSink requires.
class CountingSink final : public ProgressSink {
 public:
  void Report(double fraction, std::string_view /*detail*/) override {
    std::lock_guard lock(mutex_);
    ++count_;
    last_ = fraction;
    changed_.notify_all();
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }
  double last() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  bool WaitForCount(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 30s, [&] { return count_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
  double last_ = -1;
};

class RemoteSttTest : public ::testing::Test {
 protected:
  RemoteSttTest() {
    std::mt19937 generator(3);
    audio_bytes_.resize(200 * 1000);
    for (char& c : audio_bytes_)
      c = static_cast<char>(generator() & 0xFF);
    std::ofstream(audio_, std::ios::binary) << audio_bytes_;
  }

  std::unique_ptr<SpeechToText> Make(const std::string& backend, const std::string& url,
                                     RemoteSpeechToTextOptions options = {}) {
    options.backend = backend;
    options.url = url;
    if (options.api_key.empty()) options.api_key = kApiKey;
    options.retry_delay = 1ms;
    auto made = MakeRemoteSpeechToText(options, http_);
    EXPECT_TRUE(made.ok()) << made.error().message;
    return made.ok() ? std::move(*made) : nullptr;
  }

  // The audio with a presign function that counts its calls and makes a new URL each time.
  AudioSource Source() {
    return {.file = audio_, .presigned_url = [this]() -> Result<std::string> {
              int n = ++presign_calls_;
              return "https://objects.example/pipeline/p/padded_0.webm?X-Amz-Signature=sig" +
                     std::to_string(n);
            }};
  }
  static std::string PresignedUrl(int n) {
    return "https://objects.example/pipeline/p/padded_0.webm?X-Amz-Signature=sig" + std::to_string(n);
  }
  // The base URL each backend is configured with: modal's root, OpenAI's base with /v1.
  static std::string BaseFor(const std::string& backend, const ScriptedServer& server) {
    return backend == "openai" ? server.BaseUrl() + "/v1" : server.BaseUrl();
  }
  static std::string PathFor(const std::string& backend) {
    return backend == "openai" ? "/v1/audio/transcriptions" : "/v1/audio/transcriptions-from-url";
  }

  TempDir dir_{"remote-stt"};
  std::filesystem::path audio_ = dir_ / "track.webm";
  std::string audio_bytes_;
  net::HttpClient http_;
  CountingSink sink_;
  std::atomic<int> presign_calls_{0};
};

// ---- modal: the Reflector GPU API ----

TEST_F(RemoteSttTest, ModalSendsTheDocumentedRequestWithAUrlMadeAtCallTime) {
  ScriptedServer server({JsonResponse(200, ModalAnswer())});
  auto stt = Make("modal", server.BaseUrl() + "/");  // a trailing '/' is ignored
  ASSERT_NE(stt, nullptr);
  EXPECT_EQ(stt->Backend(), "modal");
  EXPECT_EQ(stt->Model(), "default");
  EXPECT_EQ(presign_calls_.load(), 0);  // not at construction

  auto result = stt->Transcribe(Source(), "en-US", {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->words, kModalWords);  // trimmed, blank dropped, sorted by start
  EXPECT_EQ(result->backend, "modal");
  EXPECT_EQ(result->model, "default");
  EXPECT_EQ(presign_calls_.load(), 1);

  ASSERT_EQ(server.RequestCount(), 1);
  TestHttpRequest request = server.Requests().front();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/v1/audio/transcriptions-from-url");
  EXPECT_EQ(request.Header("Authorization"), std::string("Bearer ") + kApiKey);
  EXPECT_EQ(request.Header("Content-Type"), "application/json");
  auto body = ParseJson(request.body, "request");
  ASSERT_TRUE(body.ok()) << request.body;
  EXPECT_EQ(*body, (Json{{"audio_file_url", PresignedUrl(1)}, {"language", "en"}, {"batch", true}}));
  EXPECT_EQ(sink_.last(), 1.0);
}

TEST_F(RemoteSttTest, ModalWithoutKeySendsNoAuthorizationAndNamesTheModel) {
  ScriptedServer server({JsonResponse(200, ModalAnswer())});
  net::HttpClient http;
  auto made = MakeRemoteSpeechToText(
      {.backend = "modal", .url = server.BaseUrl(), .model = "parakeet-tdt-0.6b-v2"}, http);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ((*made)->Model(), "parakeet-tdt-0.6b-v2");
  ASSERT_TRUE((*made)->Transcribe(Source(), "en", {}, sink_).ok());
  TestHttpRequest request = server.Requests().front();
  EXPECT_FALSE(request.Header("Authorization").has_value());
  auto body = ParseJson(request.body, "request");
  ASSERT_TRUE(body.ok());
  EXPECT_FALSE(body->contains("model"));  // as Reflector: the deployment decides
}

TEST_F(RemoteSttTest, ModalRetryPresignsAFreshUrl) {
  ScriptedServer server(
      {TestHttpResponse{500, {}, "Internal Server Error", {}}, JsonResponse(200, ModalAnswer())});
  auto stt = Make("modal", server.BaseUrl());
  auto result = stt->Transcribe(Source(), "en", {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->words, kModalWords);
  ASSERT_EQ(server.RequestCount(), 2);
  EXPECT_EQ(presign_calls_.load(), 2);
  auto requests = server.Requests();
  EXPECT_EQ(ParseJson(requests[0].body, "first")->at("audio_file_url"), PresignedUrl(1));
  EXPECT_EQ(ParseJson(requests[1].body, "second")->at("audio_file_url"), PresignedUrl(2));
}

TEST_F(RemoteSttTest, ModalNeedsAnHttpUrlItCanFetch) {
  ScriptedServer server({JsonResponse(200, ModalAnswer())});
  auto stt = Make("modal", server.BaseUrl());

  auto no_url = stt->Transcribe({.file = audio_}, "en", {}, sink_);
  ASSERT_FALSE(no_url.ok());
  EXPECT_EQ(no_url.error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(no_url.error().retryable);

  AudioSource local{.file = audio_, .presigned_url = []() -> Result<std::string> {
                      return std::string("file:///data/storage/pipeline/p/padded_0.webm");
                    }};
  auto file_url = stt->Transcribe(local, "en", {}, sink_);
  ASSERT_FALSE(file_url.ok());
  EXPECT_EQ(file_url.error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(file_url.error().retryable);
  EXPECT_NE(file_url.error().message.find("file: URL"), std::string::npos) << file_url.error().message;
  EXPECT_NE(file_url.error().message.find("track.webm"), std::string::npos) << file_url.error().message;

  AudioSource failing{.file = audio_, .presigned_url = []() -> Result<std::string> {
                        return Error::Transient(ErrorKind::kUnavailable, "bucket pipeline: S3 is down");
                      }};
  auto presign_failed = stt->Transcribe(failing, "en", {}, sink_);
  ASSERT_FALSE(presign_failed.ok());
  EXPECT_TRUE(presign_failed.error().retryable);
  EXPECT_NE(presign_failed.error().message.find("S3 is down"), std::string::npos);
  EXPECT_EQ(server.RequestCount(), 0);
}

TEST_F(RemoteSttTest, ModalErrorsCarryTheServerDetail) {
  struct Case {
    TestHttpResponse response;
    ErrorKind kind;
    std::string mention;
  };
  std::vector<Case> cases = {
      {JsonResponse(400, {{"detail", "Parakeet model only supports English. Got language='fr'"}}),
       ErrorKind::kExternal, "only supports English"},
      {JsonResponse(401, {{"detail", "Invalid API key"}}, {{"WWW-Authenticate", "Bearer"}}),
       ErrorKind::kExternal, "HTTP 401: Invalid API key"},
      {JsonResponse(404, {{"detail", "Audio file not found"}}), ErrorKind::kNotFound, "Audio file not found"},
      {JsonResponse(422, {{"detail",
                           {{{"type", "missing"},
                             {"loc", {"body", "audio_file_url"}},
                             {"msg", "Field required"},
                             {"input", {{"language", "en"}}}}}}}),
       ErrorKind::kExternal, "body.audio_file_url: Field required"},
  };
  for (const Case& c : cases) {
    ScriptedServer server({c.response});
    auto stt = Make("modal", server.BaseUrl());
    auto result = stt->Transcribe(Source(), "fr", {}, sink_);
    ASSERT_FALSE(result.ok()) << c.mention;
    const Error& error = result.error();
    EXPECT_EQ(error.kind, c.kind) << error.message;
    EXPECT_FALSE(error.retryable) << error.message;
    EXPECT_NE(error.message.find(c.mention), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("track.webm"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("/v1/audio/transcriptions-from-url"), std::string::npos) << error.message;
    EXPECT_EQ(error.message.find(kApiKey), std::string::npos) << error.message;
    EXPECT_EQ(error.message.find("X-Amz-Signature"), std::string::npos) << error.message;
    EXPECT_EQ(server.RequestCount(), 1) << "terminal statuses are not retried";
  }
}

// ---- openai: OpenAI-compatible /audio/transcriptions ----

TEST_F(RemoteSttTest, OpenAiUploadsTheFileWithTheDocumentedFields) {
  ScriptedServer server({JsonResponse(200, OpenAiAnswer())});
  auto stt = Make("openai", server.BaseUrl() + "/v1");
  ASSERT_NE(stt, nullptr);
  EXPECT_EQ(stt->Backend(), "openai");
  EXPECT_EQ(stt->Model(), "whisper-1");

  auto result = stt->Transcribe(Source(), "EN", {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->words, kOpenAiWords);
  EXPECT_EQ(result->model, "whisper-1");
  EXPECT_EQ(presign_calls_.load(), 0);  // uploads: no URL needed

  ASSERT_EQ(server.RequestCount(), 1);
  TestHttpRequest request = server.Requests().front();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/v1/audio/transcriptions");
  EXPECT_EQ(request.Header("Authorization"), std::string("Bearer ") + kApiKey);
  std::vector<FormPart> parts = ParseForm(request);
  ASSERT_EQ(parts.size(), 5u) << request.Header("Content-Type").value_or("no Content-Type");
  std::map<std::string, std::string> fields;
  for (const FormPart& part : parts) {
    if (part.name == "file") {
      EXPECT_EQ(part.filename, "track.webm");
      EXPECT_EQ(part.content_type, "audio/webm");
      EXPECT_TRUE(part.content == audio_bytes_) << "uploaded " << part.content.size() << " bytes";
    } else {
      EXPECT_TRUE(part.filename.empty()) << part.name;
      fields[part.name] = part.content;
    }
  }
  EXPECT_EQ(fields, (std::map<std::string, std::string>{{"model", "whisper-1"},
                                                        {"language", "en"},
                                                        {"response_format", "verbose_json"},
                                                        {"timestamp_granularities[]", "word"}}));
}

TEST_F(RemoteSttTest, OpenAiSendsTheConfiguredModel) {
  ScriptedServer server({JsonResponse(200, OpenAiAnswer())});
  auto stt = Make("openai", server.BaseUrl() + "/v1", {.model = "whisper-large-v3"});
  EXPECT_EQ(stt->Model(), "whisper-large-v3");
  ASSERT_TRUE(stt->Transcribe(Source(), "en", {}, sink_).ok());
  bool sent = false;
  for (const FormPart& part : ParseForm(server.Requests().front())) {
    if (part.name == "model") sent = part.content == "whisper-large-v3";
  }
  EXPECT_TRUE(sent);
}

TEST_F(RemoteSttTest, OpenAiErrorsCarryTheServerMessage) {
  Json bad_key = {{"error",
                   {{"message", "Incorrect API key provided: test-***"},
                    {"type", "invalid_request_error"},
                    {"param", nullptr},
                    {"code", "invalid_api_key"}}}};
  ScriptedServer server({JsonResponse(401, bad_key)});
  auto stt = Make("openai", server.BaseUrl() + "/v1");
  auto result = stt->Transcribe(Source(), "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kExternal);
  EXPECT_FALSE(result.error().retryable);
  EXPECT_NE(result.error().message.find("HTTP 401: Incorrect API key provided"), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("/v1/audio/transcriptions"), std::string::npos);
  EXPECT_NE(result.error().message.find("track.webm"), std::string::npos);
  EXPECT_EQ(result.error().message.find(kApiKey), std::string::npos);

  Json quota = {{"error",
                 {{"message", "You exceeded your current quota"},
                  {"type", "insufficient_quota"},
                  {"param", nullptr},
                  {"code", "insufficient_quota"}}}};
  ScriptedServer no_quota({JsonResponse(429, quota)});
  auto exhausted = Make("openai", no_quota.BaseUrl() + "/v1")->Transcribe(Source(), "en", {}, sink_);
  ASSERT_FALSE(exhausted.ok());
  EXPECT_FALSE(exhausted.error().retryable) << exhausted.error().message;
  EXPECT_EQ(no_quota.RequestCount(), 1);
}

TEST_F(RemoteSttTest, OpenAiTextWithoutWordTimestampsIsAnError) {
  // A server that ignored timestamp_granularities[]=word.
  ScriptedServer server({JsonResponse(200, {{"text", "Morning everyone."}})});
  auto result = Make("openai", server.BaseUrl() + "/v1")->Transcribe(Source(), "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kExternal);
  EXPECT_FALSE(result.error().retryable);
  EXPECT_NE(result.error().message.find("words"), std::string::npos) << result.error().message;
}

TEST_F(RemoteSttTest, OpenAiMissingFileIsInvalidInputNamingIt) {
  ScriptedServer server({JsonResponse(200, OpenAiAnswer())});
  auto stt = Make("openai", server.BaseUrl() + "/v1");
  auto result = stt->Transcribe({.file = dir_ / "absent.webm"}, "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(result.error().message.find("absent.webm"), std::string::npos) << result.error().message;
  EXPECT_EQ(server.RequestCount(), 0);
}

// ---- behaviour both backends share ----

class BothBackendsTest : public RemoteSttTest, public ::testing::WithParamInterface<std::string> {
 protected:
  std::string backend() const { return GetParam(); }
  Json Answer() const { return backend() == "openai" ? OpenAiAnswer() : ModalAnswer(); }
  const std::vector<Word>& Words() const { return backend() == "openai" ? kOpenAiWords : kModalWords; }
};

TEST_P(BothBackendsTest, EmptyResultIsAnEmptyList) {
  ScriptedServer server({JsonResponse(200, {{"text", ""}, {"words", Json::array()}})});
  auto stt = Make(backend(), BaseFor(backend(), server));
  auto result = stt->Transcribe(Source(), "en", {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->words.empty());

  ScriptedServer no_words({JsonResponse(200, {{"text", ""}})});
  auto silent = Make(backend(), BaseFor(backend(), no_words))->Transcribe(Source(), "en", {}, sink_);
  ASSERT_TRUE(silent.ok()) << silent.error().message;
  EXPECT_TRUE(silent->words.empty());
}

TEST_P(BothBackendsTest, SlowAnswerPastTheTimeoutIsRetryable) {
  TestHttpResponse slow = JsonResponse(200, Answer());
  slow.delay = 60s;  // cut short when the server is destroyed
  ScriptedServer server({slow});
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
  ScriptedServer server(
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
  ScriptedServer server({TestHttpResponse{502, {}, "Bad Gateway", {}}});
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
  ScriptedServer server({JsonResponse(429, {{"detail", "busy"}}, {{"Retry-After", "120"}})});
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
    ScriptedServer server({JsonResponse(status, body)});
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
  ScriptedServer server({JsonResponse(
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
  ScriptedServer server({JsonResponse(200, Answer())});
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
  ScriptedServer server({slow});
  auto stt = Make(backend(), BaseFor(backend(), server));
  std::stop_source stop;
  auto pending = std::async(std::launch::async,
                            [&] { return stt->Transcribe(Source(), "en", stop.get_token(), sink_); });
  ASSERT_TRUE(server.WaitForRequests(1));
  stop.request_stop();
  auto result = pending.get();
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
  ScriptedServer server({JsonResponse(503, {{"detail", "warming up"}}, {{"Retry-After", "20"}})});
  auto stt = Make(backend(), BaseFor(backend(), server), {.max_retry_delay = 60s});
  std::stop_source stop;
  auto pending = std::async(std::launch::async,
                            [&] { return stt->Transcribe(Source(), "en", stop.get_token(), sink_); });
  ASSERT_TRUE(server.WaitForRequests(1));
  stop.request_stop();
  auto result = pending.get();
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
