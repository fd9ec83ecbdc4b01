// The modal backend (the Reflector GPU API, wire-formats §3) against a local server in the
// documented format: the request, the presigned URL made for each attempt, the server's errors.

#include "stt/modal/modal_speech_to_text.hpp"

#include <gtest/gtest.h>

#include "remote/remote_stt_fixture.hpp"

namespace reflector::stt {
namespace {

TEST_F(RemoteSttTest, ModalSendsTheDocumentedRequestWithAUrlMadeAtCallTime) {
  RecordingHttpServer server({JsonResponse(200, ModalAnswer())});
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
  RecordingHttpServer server({JsonResponse(200, ModalAnswer())});
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
  RecordingHttpServer server(
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
  RecordingHttpServer server({JsonResponse(200, ModalAnswer())});
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
    RecordingHttpServer server({c.response});
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

TEST(ModalSpeechToTextTest, CreateChecksTheOptionsAndIgnoresTheBackendName) {
  net::HttpClient http;
  auto made = ModalSpeechToText::Create({.backend = "openai", .url = "http://gpu.local:8000/"}, http);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ((*made)->Backend(), "modal");
  EXPECT_EQ((*made)->Model(), ModalSpeechToText::kDefaultModel);
  auto refused = ModalSpeechToText::Create({.url = "gpu.local:8000"}, http);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(refused.error().message.rfind("modal transcription URL", 0), 0U) << refused.error().message;
}

}  // namespace
}  // namespace reflector::stt
