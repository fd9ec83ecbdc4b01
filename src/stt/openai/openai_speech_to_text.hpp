#pragma once
// An OpenAI-compatible POST {url}/audio/transcriptions (OpenAI, or Reflector's own GPU server at
// <root>/v1): the file is uploaded as multipart/form-data with response_format=verbose_json and
// word timestamps.

#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include "core/progress.hpp"
#include "core/result.hpp"
#include "net/http_client.hpp"
#include "stt/remote/remote_options.hpp"
#include "stt/remote/remote_transcriber.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::stt {

class OpenAiSpeechToText final : public SpeechToText {
 public:
  static constexpr std::string_view kBackend = "openai";
  // The model sent, and Model(), when options.model is empty.
  static constexpr std::string_view kDefaultModel = "whisper-1";

  // Checks `options` (CheckRemoteOptions; `options.backend` is not read). `http` must outlive the
  // result. The result is immutable: concurrent Transcribe calls share only `http`.
  static Result<std::unique_ptr<OpenAiSpeechToText>> Create(const RemoteSpeechToTextOptions& options,
                                                            net::HttpClient& http);

  // As RemoteTranscriber::Post promises, and: uploads `audio.file` (streamed from disk; the part's
  // file name is the file's, whose extension tells the format; the URL is not used) with the
  // fields model, language (the primary subtag: "en-US" -> "en"; anything else is a terminal
  // kInvalidInput error before any request), response_format=verbose_json and
  // timestamp_granularities[]=word. A missing file is a terminal kInvalidInput error naming it.
  Result<Transcription> Transcribe(const AudioSource& audio, std::string_view language, std::stop_token stop,
                                   ProgressSink& progress) override;

  [[nodiscard]] std::string_view Backend() const override { return kBackend; }
  [[nodiscard]] std::string_view Model() const override { return transcriber_.model(); }

 private:
  OpenAiSpeechToText(const RemoteSpeechToTextOptions& options, net::HttpClient& http);

  remote::RemoteTranscriber transcriber_;
};

}  // namespace reflector::stt
