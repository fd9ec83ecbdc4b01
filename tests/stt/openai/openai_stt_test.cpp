// The openai backend (OpenAI's /audio/transcriptions, wire-formats §4.1) against a local server
// in the documented format: the multipart upload, the model, the server's errors.

#include "stt/openai/openai_speech_to_text.hpp"

#include <gtest/gtest.h>

#include <map>

#include "remote/remote_stt_fixture.hpp"

namespace reflector::stt {
namespace {

using reflector::testing::FormPart;
using reflector::testing::ParseMultipartForm;

TEST_F(RemoteSttTest, OpenAiUploadsTheFileWithTheDocumentedFields) {
  RecordingHttpServer server({JsonResponse(200, OpenAiAnswer())});
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
  std::vector<FormPart> parts = ParseMultipartForm(request);
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
  RecordingHttpServer server({JsonResponse(200, OpenAiAnswer())});
  auto stt = Make("openai", server.BaseUrl() + "/v1", {.model = "whisper-large-v3"});
  EXPECT_EQ(stt->Model(), "whisper-large-v3");
  ASSERT_TRUE(stt->Transcribe(Source(), "en", {}, sink_).ok());
  bool sent = false;
  for (const FormPart& part : ParseMultipartForm(server.Requests().front())) {
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
  RecordingHttpServer server({JsonResponse(401, bad_key)});
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
  RecordingHttpServer no_quota({JsonResponse(429, quota)});
  auto exhausted = Make("openai", no_quota.BaseUrl() + "/v1")->Transcribe(Source(), "en", {}, sink_);
  ASSERT_FALSE(exhausted.ok());
  EXPECT_FALSE(exhausted.error().retryable) << exhausted.error().message;
  EXPECT_EQ(no_quota.RequestCount(), 1);
}

TEST_F(RemoteSttTest, OpenAiTextWithoutWordTimestampsIsAnError) {
  // A server that ignored timestamp_granularities[]=word.
  RecordingHttpServer server({JsonResponse(200, {{"text", "Morning everyone."}})});
  auto result = Make("openai", server.BaseUrl() + "/v1")->Transcribe(Source(), "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kExternal);
  EXPECT_FALSE(result.error().retryable);
  EXPECT_NE(result.error().message.find("words"), std::string::npos) << result.error().message;
}

TEST_F(RemoteSttTest, OpenAiMissingFileIsInvalidInputNamingIt) {
  RecordingHttpServer server({JsonResponse(200, OpenAiAnswer())});
  auto stt = Make("openai", server.BaseUrl() + "/v1");
  auto result = stt->Transcribe({.file = dir_ / "absent.webm"}, "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(result.error().message.find("absent.webm"), std::string::npos) << result.error().message;
  EXPECT_EQ(server.RequestCount(), 0);
}

TEST(OpenAiSpeechToTextTest, CreateChecksTheOptionsAndIgnoresTheBackendName) {
  net::HttpClient http;
  auto made = OpenAiSpeechToText::Create({.backend = "modal", .url = "https://api.openai.com/v1"}, http);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ((*made)->Backend(), "openai");
  EXPECT_EQ((*made)->Model(), OpenAiSpeechToText::kDefaultModel);
  auto refused = OpenAiSpeechToText::Create({.url = "https://api.openai.com/v1", .max_attempts = 0}, http);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(refused.error().message.rfind("openai transcription attempts", 0), 0U) << refused.error().message;
}

}  // namespace
}  // namespace reflector::stt
