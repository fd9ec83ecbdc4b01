#include "stt/openai/openai_speech_to_text.hpp"

#include <filesystem>
#include <string>

namespace reflector::stt {
namespace {

// The Content-Type of an uploaded audio part, from the file's extension.
std::string AudioContentType(const std::filesystem::path& file) {
  std::string extension = remote::AsciiLower(file.extension().string());
  if (extension == ".webm") return "audio/webm";
  if (extension == ".mp3" || extension == ".mpga" || extension == ".mpeg") return "audio/mpeg";
  if (extension == ".wav") return "audio/wav";
  if (extension == ".m4a" || extension == ".mp4") return "audio/mp4";
  if (extension == ".ogg" || extension == ".oga") return "audio/ogg";
  if (extension == ".flac") return "audio/flac";
  return "application/octet-stream";
}

}  // namespace

Result<std::unique_ptr<OpenAiSpeechToText>> OpenAiSpeechToText::Create(
    const RemoteSpeechToTextOptions& options, net::HttpClient& http) {
  REFLECTOR_TRY(CheckRemoteOptions(options, kBackend));
  return std::unique_ptr<OpenAiSpeechToText>(new OpenAiSpeechToText(options, http));
}

OpenAiSpeechToText::OpenAiSpeechToText(const RemoteSpeechToTextOptions& options, net::HttpClient& http)
    : transcriber_(std::string(kBackend), "/audio/transcriptions", kDefaultModel, options, http) {}

Result<Transcription> OpenAiSpeechToText::Transcribe(const AudioSource& audio, std::string_view language,
                                                     std::stop_token stop, ProgressSink& progress) {
  REFLECTOR_ASSIGN_OR_RETURN(std::string code, remote::PrimaryLanguage(language, transcriber_.What(audio)));
  const std::string model(Model());
  return transcriber_.Post(
      audio,
      [&](net::HttpRequest& request) {
        request.multipart = {
            {.name = "file",
             .file = audio.file,
             .filename = audio.file.filename().string(),
             .content_type = AudioContentType(audio.file)},
            {.name = "model", .value = model},
            {.name = "language", .value = code},
            {.name = "response_format", .value = "verbose_json"},
            {.name = "timestamp_granularities[]", .value = "word"},
        };
        return Ok();
      },
      stop, progress);
}

}  // namespace reflector::stt
