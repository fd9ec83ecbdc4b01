#include "stt/factory.hpp"

#include "stt/modal/modal_speech_to_text.hpp"
#include "stt/openai/openai_speech_to_text.hpp"

namespace reflector::stt {
namespace {

// Widens a backend's own pointer to the seam.
template <typename Backend>
Result<std::unique_ptr<SpeechToText>> AsSpeechToText(Result<std::unique_ptr<Backend>> made) {
  if (!made) return made.error();
  return std::unique_ptr<SpeechToText>(std::move(*made));
}

}  // namespace

Result<std::unique_ptr<SpeechToText>> MakeSpeechToText(const SpeechToTextOptions& options,
                                                       net::HttpClient& http) {
  if (options.backend == "pocketsphinx") {
    REFLECTOR_TRY(PocketSphinxSpeechToText::CheckModel(options.pocketsphinx.model_dir));
    return std::unique_ptr<SpeechToText>(std::make_unique<PocketSphinxSpeechToText>(options.pocketsphinx));
  }
  RemoteSpeechToTextOptions remote = options.remote;
  remote.backend = options.backend;
  return MakeRemoteSpeechToText(remote, http);
}

Result<std::unique_ptr<SpeechToText>> MakeRemoteSpeechToText(const RemoteSpeechToTextOptions& options,
                                                             net::HttpClient& http) {
  if (options.backend == ModalSpeechToText::kBackend) {
    return AsSpeechToText(ModalSpeechToText::Create(options, http));
  }
  if (options.backend == OpenAiSpeechToText::kBackend) {
    return AsSpeechToText(OpenAiSpeechToText::Create(options, http));
  }
  return Error::InvalidInput("remote speech to text backend \"" + options.backend +
                             "\" is unknown (modal or openai)");
}

}  // namespace reflector::stt
