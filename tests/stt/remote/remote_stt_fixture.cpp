#include "remote_stt_fixture.hpp"

#include "support/test_files.hpp"

namespace reflector::stt {

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

RemoteSttTest::RemoteSttTest() : audio_bytes_(reflector::testing::RandomBytes(200 * 1000, 3)) {
  reflector::testing::WriteFile(audio_, audio_bytes_);
}

std::unique_ptr<SpeechToText> RemoteSttTest::Make(const std::string& backend, const std::string& url,
                                                  RemoteSpeechToTextOptions options) {
  options.backend = backend;
  options.url = url;
  if (options.api_key.empty()) options.api_key = kApiKey;
  options.retry_delay = std::chrono::milliseconds(1);
  auto made = MakeRemoteSpeechToText(options, http_);
  EXPECT_TRUE(made.ok()) << made.error().message;
  return made.ok() ? std::move(*made) : nullptr;
}

AudioSource RemoteSttTest::Source() {
  return {.file = audio_,
          .presigned_url = [this]() -> Result<std::string> { return PresignedUrl(++presign_calls_); }};
}

std::string RemoteSttTest::PresignedUrl(int n) {
  return "https://objects.example/pipeline/p/padded_0.webm?X-Amz-Signature=sig" + std::to_string(n);
}

std::string RemoteSttTest::BaseFor(const std::string& backend, const RecordingHttpServer& server) {
  return backend == "openai" ? server.BaseUrl() + "/v1" : server.BaseUrl();
}

std::string RemoteSttTest::PathFor(const std::string& backend) {
  return backend == "openai" ? "/v1/audio/transcriptions" : "/v1/audio/transcriptions-from-url";
}

}  // namespace reflector::stt
