#include "stt/modal/modal_speech_to_text.hpp"

#include <string>

#include "core/json.hpp"
#include "net/url.hpp"

namespace reflector::stt {
namespace {

// The JSON body of one attempt, with a URL presigned for it (presigned URLs expire).
Status WriteBody(net::HttpRequest& request, const AudioSource& audio, const std::string& language,
                 const std::string& what) {
  auto url = audio.presigned_url();
  if (!url) return url.error().WithContext(what + ": presigning the audio URL");
  std::size_t scheme_end = url->find("://");
  std::string scheme =
      scheme_end == std::string::npos ? "" : remote::AsciiLower(std::string_view(*url).substr(0, scheme_end));
  if ((scheme != "http" && scheme != "https") || !net::ParseUrl(*url)) {
    std::string kind = scheme.empty() ? "a malformed URL" : "a " + scheme + ": URL";
    return Error::InvalidInput(what +
                               ": the modal service fetches the audio by URL, but the object store gave " +
                               kind + "; use an object store that presigns http(s) URLs (S3)");
  }
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = DumpCompact(Json{{"audio_file_url", *url}, {"language", language}, {"batch", true}});
  return Ok();
}

}  // namespace

Result<std::unique_ptr<ModalSpeechToText>> ModalSpeechToText::Create(const RemoteSpeechToTextOptions& options,
                                                                     net::HttpClient& http) {
  REFLECTOR_TRY(CheckRemoteOptions(options, kBackend));
  return std::unique_ptr<ModalSpeechToText>(new ModalSpeechToText(options, http));
}

ModalSpeechToText::ModalSpeechToText(const RemoteSpeechToTextOptions& options, net::HttpClient& http)
    : transcriber_(std::string(kBackend), "/v1/audio/transcriptions-from-url", kDefaultModel, options, http) {
}

Result<Transcription> ModalSpeechToText::Transcribe(const AudioSource& audio, std::string_view language,
                                                    std::stop_token stop, ProgressSink& progress) {
  const std::string what = transcriber_.What(audio);
  REFLECTOR_ASSIGN_OR_RETURN(std::string code, remote::PrimaryLanguage(language, what));
  if (!audio.presigned_url) {
    return Error::InvalidInput(what +
                               ": the modal backend needs a URL the service can fetch, and none was given");
  }
  return transcriber_.Post(
      audio, [&](net::HttpRequest& request) { return WriteBody(request, audio, code, what); }, stop,
      progress);
}

}  // namespace reflector::stt
