#pragma once
// The Reflector GPU API (`modal`): POST {url}/v1/audio/transcriptions-from-url with JSON
// {audio_file_url, language, batch: true}; the service fetches the audio itself from a presigned
// URL (AudioSource::presigned_url), made just before each request.

#include <memory>
#include <stop_token>
#include <string_view>

#include "core/progress.hpp"
#include "core/result.hpp"
#include "net/http_client.hpp"
#include "stt/remote/remote_options.hpp"
#include "stt/remote/remote_transcriber.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::stt {

class ModalSpeechToText final : public SpeechToText {
 public:
  static constexpr std::string_view kBackend = "modal";
  // Model() when options.model is empty (the request names no model: the deployment decides).
  static constexpr std::string_view kDefaultModel = "default";

  // Checks `options` (CheckRemoteOptions; `options.backend` is not read). `http` must outlive the
  // result. The result is immutable: concurrent Transcribe calls share only `http`.
  static Result<std::unique_ptr<ModalSpeechToText>> Create(const RemoteSpeechToTextOptions& options,
                                                           net::HttpClient& http);

  // As RemoteTranscriber::Post promises, and: the language sent is the primary subtag ("en-US"
  // -> "en"; anything else is a terminal kInvalidInput error before any request); a missing
  // `audio.presigned_url`, or one that gives a non-http(s) URL (the local store's file:// URLs),
  // is a terminal kInvalidInput error; an error from presigned_url is returned with context.
  Result<Transcription> Transcribe(const AudioSource& audio, std::string_view language, std::stop_token stop,
                                   ProgressSink& progress) override;

  [[nodiscard]] std::string_view Backend() const override { return kBackend; }
  [[nodiscard]] std::string_view Model() const override { return transcriber_.model(); }

 private:
  ModalSpeechToText(const RemoteSpeechToTextOptions& options, net::HttpClient& http);

  remote::RemoteTranscriber transcriber_;
};

}  // namespace reflector::stt
