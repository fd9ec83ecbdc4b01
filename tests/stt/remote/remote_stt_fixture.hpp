#pragma once
// What the tests of the HTTP speech to text backends (modal/, openai/, remote/) share: each
// service's documented answer and the words it gives, and a fixture with an audio file and a
// backend factory.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "fakes/progress_sink_fake.hpp"
#include "net/http_client.hpp"
#include "stt/factory.hpp"
#include "support/http_test_helpers.hpp"
#include "support/temp_dir.hpp"

namespace reflector::stt {

// The HTTP test server's names every remote test uses.
using reflector::testing::JsonResponse;
using reflector::testing::RecordingHttpServer;
using reflector::testing::TestHttpRequest;
using reflector::testing::TestHttpResponse;

inline constexpr const char* kApiKey = "test-secret-key";

// Words as each service sends them: out of order, with the spacing each model produces.
Json ModalAnswer();
Json OpenAiAnswer();
// The words each answer gives after NormalizeWords.
extern const std::vector<Word> kModalWords;
extern const std::vector<Word> kOpenAiWords;

class RemoteSttTest : public ::testing::Test {
 protected:
  RemoteSttTest();

  // The backend named `backend` at `url`, through MakeRemoteSpeechToText, with kApiKey unless
  // `options` has a key and a 1 ms first retry delay; nullptr (and a test failure) if refused.
  std::unique_ptr<SpeechToText> Make(const std::string& backend, const std::string& url,
                                     RemoteSpeechToTextOptions options = {});

  // The audio with a presign function that counts its calls and makes a new URL each time:
  // PresignedUrl(1), PresignedUrl(2), ...
  AudioSource Source();
  static std::string PresignedUrl(int n);
  // The base URL each backend is configured with: modal's root, OpenAI's base with /v1.
  static std::string BaseFor(const std::string& backend, const RecordingHttpServer& server);
  // The path each backend posts to.
  static std::string PathFor(const std::string& backend);

  reflector::testing::TempDir dir_{"remote-stt"};
  std::filesystem::path audio_ = dir_ / "track.webm";
  std::string audio_bytes_;
  net::HttpClient http_;
  reflector::testing::CountingSink sink_;
  std::atomic<int> presign_calls_{0};
};

}  // namespace reflector::stt
