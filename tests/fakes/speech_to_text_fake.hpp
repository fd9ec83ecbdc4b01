#pragma once
// A fake of the stt::SpeechToText seam (header-only).

#include <atomic>
#include <stop_token>
#include <string_view>
#include <vector>

#include "core/progress.hpp"
#include "core/result.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::testing {

// Returns `words` for every file, whatever the language, and counts its calls. Backend() is
// "fake", Model() "fake-1". Set `words` before concurrent use.
class FakeSpeechToText final : public stt::SpeechToText {
 public:
  std::vector<stt::Word> words = {{"hello", 1.0, 1.4}, {"budget", 1.5, 2.0}};
  std::atomic<int> calls{0};

  Result<stt::Transcription> Transcribe(const stt::AudioSource& /*audio*/, std::string_view /*language*/,
                                        std::stop_token /*stop*/, ProgressSink& progress) override {
    ++calls;
    progress.Report(1.0, "done");
    return stt::Transcription{words, "fake", "fake-1"};
  }
  [[nodiscard]] std::string_view Backend() const override { return "fake"; }
  [[nodiscard]] std::string_view Model() const override { return "fake-1"; }
};

}  // namespace reflector::testing
