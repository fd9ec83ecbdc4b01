#include "stt/http/remote_speech_to_text.hpp"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/log.hpp"
#include "net/url.hpp"

namespace reflector::stt {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr std::string_view kDefaultOpenAiModel = "whisper-1";
constexpr std::string_view kDefaultModalModel = "default";
constexpr std::size_t kMaxServerMessage = 300;

enum class Api { kModal, kOpenAi };

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsAlpha(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
}

// "en-US" / "en_us" / "EN" -> "en"; "" when `language` is not 2-3 letters, optionally followed
// by '-' or '_' and a region or script.
std::string PrimaryLanguage(std::string_view language) {
  std::string_view primary = language.substr(0, language.find_first_of("-_"));
  if (primary.size() < 2 || primary.size() > 3 || !IsAlpha(primary)) return "";
  if (primary.size() < language.size()) {
    std::string_view rest = language.substr(primary.size() + 1);
    if (rest.empty() || rest.size() > 8 || !std::all_of(rest.begin(), rest.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c));
        })) {
      return "";
    }
  }
  return Lower(primary);
}

// The Content-Type of an uploaded audio part, from the file's extension.
std::string AudioContentType(const fs::path& file) {
  std::string extension = Lower(file.extension().string());
  if (extension == ".webm") return "audio/webm";
  if (extension == ".mp3" || extension == ".mpga" || extension == ".mpeg") return "audio/mpeg";
  if (extension == ".wav") return "audio/wav";
  if (extension == ".m4a" || extension == ".mp4") return "audio/mp4";
  if (extension == ".ogg" || extension == ".oga") return "audio/ogg";
  if (extension == ".flac") return "audio/flac";
  return "application/octet-stream";
}

// Waits `duration` unless `stop` is requested first; returns false when stopped.
bool SleepFor(milliseconds duration, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  wake.wait_for(lock, stop, duration, [] { return false; });
  return !stop.stop_requested();
}

// Reports progress every `interval` while it lives, so the engine sees a heartbeat while the
// request waits for a long transcription. The sink must be thread-safe (ProgressSink promises it).
class Heartbeat {
 public:
  Heartbeat(ProgressSink& progress, milliseconds interval, std::string detail)
      : thread_([&progress, interval, detail = std::move(detail)](std::stop_token stop) {
          auto started = std::chrono::steady_clock::now();
          while (SleepFor(interval, stop)) {
            auto waited =
                std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
            progress.Report(0.0, detail + " (" + std::to_string(waited.count()) + " s)");
          }
        }) {}

 private:
  std::jthread thread_;  // stopped and joined by its destructor
};

// One line of text: whitespace runs folded to one space, cut at kMaxServerMessage bytes.
std::string Flatten(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() >= kMaxServerMessage) {
      out += "...";
      break;
    }
    bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

// What the server says went wrong: FastAPI's {"detail": "text"} or {"detail": [{"loc", "msg"}]},
// OpenAI's {"error": {"message"}}, else the start of the body.
std::string ServerMessage(const std::string& body) {
  auto parsed = ParseJson(body, "error body");
  if (parsed && parsed->is_object()) {
    const Json& json = *parsed;
    if (auto detail = json.find("detail"); detail != json.end()) {
      if (detail->is_string()) return Flatten(detail->get<std::string>());
      if (detail->is_array()) {
        std::string joined;
        for (const auto& item : *detail) {
          if (!item.is_object()) continue;
          std::string location;
          for (const auto& part : item.value("loc", Json::array()))
            location +=
                (location.empty() ? "" : ".") + (part.is_string() ? part.get<std::string>() : part.dump());
          std::string message = item.value("msg", std::string("invalid"));
          joined += (joined.empty() ? "" : "; ") + (location.empty() ? message : location + ": " + message);
        }
        if (!joined.empty()) return Flatten(joined);
      }
    }
    if (auto error = json.find("error"); error != json.end()) {
      if (error->is_object() && error->contains("message") && (*error)["message"].is_string()) {
        return Flatten((*error)["message"].get<std::string>());
      }
      if (error->is_string()) return Flatten(error->get<std::string>());
    }
  }
  return Flatten(body);
}

// OpenAI's "insufficient_quota" 429: waiting does not help.
bool IsQuotaExhausted(const std::string& body) {
  auto parsed = ParseJson(body, "error body");
  if (!parsed || !parsed->is_object()) return false;
  const Json* error = parsed->contains("error") ? &(*parsed)["error"] : nullptr;
  if (error == nullptr || !error->is_object()) return false;
  auto is_quota = [&](const char* field) {
    return error->contains(field) && (*error)[field].is_string() && (*error)[field] == "insufficient_quota";
  };
  return is_quota("code") || is_quota("type");
}

// An answer other than 2xx as an Error: 408, 429 and 5xx retryable; 404 kNotFound; other
// statuses terminal kExternal. `what` names the file, backend and request.
Error StatusError(const net::HttpResponse& response, const std::string& what) {
  std::string message = what + ": HTTP " + std::to_string(response.status);
  std::string server = ServerMessage(response.body);
  if (!server.empty()) message += ": " + server;
  long status = response.status;
  if (status == 429 && IsQuotaExhausted(response.body)) {
    return Error::Terminal(ErrorKind::kExternal, message + " (quota exhausted; retrying does not help)");
  }
  if (status == 408) return Error::Transient(ErrorKind::kTimeout, message);
  if (status == 429 || (status >= 500 && status < 600))
    return Error::Transient(ErrorKind::kUnavailable, message);
  if (status == 404) return Error::NotFound(message);
  return Error::Terminal(ErrorKind::kExternal, message);
}

Error BadAnswer(const std::string& what, std::string_view problem) {
  return Error::Terminal(ErrorKind::kExternal, what + ": unexpected answer: " + std::string(problem));
}

// `{"text": ..., "words": [{"word", "start", "end"}]}` -> normalised words.
Result<std::vector<Word>> ParseWords(const std::string& body, const std::string& what) {
  auto parsed = ParseJson(body, "the response body");
  if (!parsed) return BadAnswer(what, parsed.error().message);
  const Json& json = *parsed;
  if (!json.is_object())
    return BadAnswer(what, "the body is " + std::string(JsonTypeName(json)) + ", not an object");
  auto words = json.find("words");
  if (words == json.end() || words->is_null()) {
    auto text = json.find("text");
    bool silent =
        text == json.end() || text->is_null() || (text->is_string() && text->get<std::string>().empty());
    if (silent) return std::vector<Word>{};
    return BadAnswer(what, "it has a text but no \"words\" (the service gave no word timestamps)");
  }
  if (!words->is_array()) return BadAnswer(what, "\"words\" is " + std::string(JsonTypeName(*words)));
  std::vector<Word> out;
  out.reserve(words->size());
  for (std::size_t i = 0; i < words->size(); ++i) {
    const Json& item = (*words)[i];
    std::string where = "words[" + std::to_string(i) + "]";
    if (!item.is_object()) return BadAnswer(what, where + " is " + std::string(JsonTypeName(item)));
    auto text = GetString(item, "word");
    if (!text) return BadAnswer(what, where + ": " + text.error().message);
    auto start = GetNumber(item, "start");
    if (!start) return BadAnswer(what, where + ": " + start.error().message);
    auto end = GetNumber(item, "end");
    if (!end) return BadAnswer(what, where + ": " + end.error().message);
    out.push_back({std::move(*text), *start, *end});
  }
  return NormalizeWords(std::move(out));
}

class RemoteSpeechToText final : public SpeechToText {
 public:
  RemoteSpeechToText(Api api, RemoteSpeechToTextOptions options, net::HttpClient& http)
      : api_(api), options_(std::move(options)), http_(http) {
    while (options_.url.ends_with('/'))
      options_.url.pop_back();
    if (api_ == Api::kOpenAi) {
      model_ = options_.model.empty() ? std::string(kDefaultOpenAiModel) : options_.model;
      endpoint_ = options_.url + "/audio/transcriptions";
    } else {
      model_ = options_.model.empty() ? std::string(kDefaultModalModel) : options_.model;
      endpoint_ = options_.url + "/v1/audio/transcriptions-from-url";
    }
  }

  Result<Transcription> Transcribe(const AudioSource& audio, std::string_view language, std::stop_token stop,
                                   ProgressSink& progress) override {
    const std::string name = audio.file.filename().string();
    const std::string what = options_.backend + " transcription of " + name;
    const std::string request_name = "POST " + endpoint_;
    std::string code = PrimaryLanguage(language);
    if (code.empty()) {
      return Error::InvalidInput(what + ": language \"" + std::string(language) +
                                 "\" is not an ISO 639-1 code (such as en or en-US)");
    }
    if (api_ == Api::kModal && !audio.presigned_url) {
      return Error::InvalidInput(what +
                                 ": the modal backend needs a URL the service can fetch, and none was given");
    }
    if (stop.stop_requested()) return Error::Cancelled(what + ": cancelled");

    const std::string detail = "transcribing " + name + " with " + options_.backend;
    progress.Report(0.0, detail);
    for (int attempt = 1;; ++attempt) {
      REFLECTOR_ASSIGN_OR_RETURN(net::HttpRequest request, BuildRequest(audio, code, what));
      Result<net::HttpResponse> response = [&] {
        Heartbeat heartbeat(progress, options_.heartbeat_interval, detail);
        return http_.Send(request, stop);
      }();
      if (!response) return response.error().WithContext(what);
      if (response->ok()) {
        REFLECTOR_ASSIGN_OR_RETURN(std::vector<Word> words,
                                   ParseWords(response->body, what + ": " + request_name));
        progress.Report(1.0, detail);
        return Transcription{std::move(words), options_.backend, model_};
      }
      Error error = StatusError(*response, what + ": " + request_name);
      if (!error.retryable || attempt >= options_.max_attempts) return error;
      milliseconds wait =
          net::RetryAfter(*response).value_or(options_.retry_delay * (1 << std::min(attempt - 1, 16)));
      if (wait > options_.max_retry_delay) return error;
      log::Warn("remote transcription failed; retrying", {{"backend", options_.backend},
                                                          {"file", name},
                                                          {"status", response->status},
                                                          {"attempt", attempt},
                                                          {"wait_ms", static_cast<long long>(wait.count())}});
      if (!SleepFor(wait, stop)) return Error::Cancelled(what + ": cancelled while waiting to retry");
    }
  }

  [[nodiscard]] std::string_view Backend() const override { return options_.backend; }
  [[nodiscard]] std::string_view Model() const override { return model_; }

 private:
  Result<net::HttpRequest> BuildRequest(const AudioSource& audio, const std::string& language,
                                        const std::string& what) const {
    net::HttpRequest request;
    request.method = "POST";
    request.url = endpoint_;
    request.timeout = options_.timeout;
    request.follow_redirects = true;  // long Modal calls answer 303 to a result URL
    request.headers.emplace_back("Accept", "application/json");
    if (!options_.api_key.empty())
      request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    if (api_ == Api::kOpenAi) {
      request.multipart = {
          {.name = "file",
           .file = audio.file,
           .filename = audio.file.filename().string(),
           .content_type = AudioContentType(audio.file)},
          {.name = "model", .value = model_},
          {.name = "language", .value = language},
          {.name = "response_format", .value = "verbose_json"},
          {.name = "timestamp_granularities[]", .value = "word"},
      };
      return request;
    }
    // A fresh URL for every attempt: presigned URLs expire.
    auto url = audio.presigned_url();
    if (!url) return url.error().WithContext(what + ": presigning the audio URL");
    std::size_t scheme_end = url->find("://");
    std::string scheme =
        scheme_end == std::string::npos ? "" : Lower(std::string_view(*url).substr(0, scheme_end));
    if ((scheme != "http" && scheme != "https") || !net::ParseUrl(*url)) {
      std::string kind = scheme.empty() ? "a malformed URL" : "a " + scheme + ": URL";
      return Error::InvalidInput(what +
                                 ": the modal service fetches the audio by URL, but the object store gave " +
                                 kind + "; use an object store that presigns http(s) URLs (S3)");
    }
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = DumpCompact(Json{{"audio_file_url", *url}, {"language", language}, {"batch", true}});
    return request;
  }

  Api api_;
  RemoteSpeechToTextOptions options_;
  net::HttpClient& http_;
  std::string model_;
  std::string endpoint_;
};

}  // namespace

Result<std::unique_ptr<SpeechToText>> MakeRemoteSpeechToText(const RemoteSpeechToTextOptions& options,
                                                             net::HttpClient& http) {
  Api api = Api::kModal;
  if (options.backend == "openai") {
    api = Api::kOpenAi;
  } else if (options.backend != "modal") {
    return Error::InvalidInput("remote speech to text backend \"" + options.backend +
                               "\" is unknown (modal or openai)");
  }
  auto url = net::ParseUrl(options.url);
  if (!url || (url->scheme != "http" && url->scheme != "https") || !url->query.empty()) {
    return Error::InvalidInput(options.backend + " transcription URL \"" + options.url +
                               "\" is not an absolute http(s) URL without query");
  }
  if (options.timeout.count() <= 0) {
    return Error::InvalidInput(options.backend + " transcription timeout must be positive, not " +
                               std::to_string(options.timeout.count()) + " ms");
  }
  if (options.max_attempts < 1) {
    return Error::InvalidInput(options.backend + " transcription attempts must be at least 1, not " +
                               std::to_string(options.max_attempts));
  }
  if (options.heartbeat_interval.count() <= 0 || options.retry_delay.count() < 0) {
    return Error::InvalidInput(options.backend + " transcription heartbeat interval must be positive and " +
                               "the retry delay not negative");
  }
  return std::unique_ptr<SpeechToText>(std::make_unique<RemoteSpeechToText>(api, options, http));
}

}  // namespace reflector::stt
