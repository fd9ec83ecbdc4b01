#include "stt/remote/remote_transcriber.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "stt/remote/server_answers.hpp"

namespace reflector::stt::remote {
namespace {

using std::chrono::milliseconds;

bool IsAlpha(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
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

}  // namespace

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<std::string> PrimaryLanguage(std::string_view language, const std::string& what) {
  auto refused = [&] {
    return Error::InvalidInput(what + ": language \"" + std::string(language) +
                               "\" is not an ISO 639-1 code (such as en or en-US)");
  };
  std::string_view primary = language.substr(0, language.find_first_of("-_"));
  if (primary.size() < 2 || primary.size() > 3 || !IsAlpha(primary)) return refused();
  if (primary.size() < language.size()) {
    std::string_view rest = language.substr(primary.size() + 1);
    if (rest.empty() || rest.size() > 8 || !std::all_of(rest.begin(), rest.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c));
        })) {
      return refused();
    }
  }
  return AsciiLower(primary);
}

RemoteTranscriber::RemoteTranscriber(std::string backend, std::string_view path,
                                     std::string_view default_model, const RemoteSpeechToTextOptions& options,
                                     net::HttpClient& http)
    : backend_(std::move(backend)), options_(options), http_(http) {
  std::string url = options_.url;
  while (url.ends_with('/'))
    url.pop_back();
  endpoint_ = url + std::string(path);
  model_ = options_.model.empty() ? std::string(default_model) : options_.model;
}

std::string RemoteTranscriber::What(const AudioSource& audio) const {
  return backend_ + " transcription of " + audio.file.filename().string();
}

net::HttpRequest RemoteTranscriber::CommonRequest() const {
  net::HttpRequest request;
  request.method = "POST";
  request.url = endpoint_;
  request.timeout = options_.timeout;
  request.follow_redirects = true;  // long Modal calls answer 303 to a result URL
  request.headers.emplace_back("Accept", "application/json");
  if (!options_.api_key.empty()) request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
  return request;
}

Result<Transcription> RemoteTranscriber::Post(const AudioSource& audio, const BodyWriter& write_body,
                                              std::stop_token stop, ProgressSink& progress) const {
  const std::string name = audio.file.filename().string();
  const std::string what = What(audio);
  const std::string request_name = "POST " + endpoint_;
  if (stop.stop_requested()) return Error::Cancelled(what + ": cancelled");

  const std::string detail = "transcribing " + name + " with " + backend_;
  progress.Report(0.0, detail);
  for (int attempt = 1;; ++attempt) {
    net::HttpRequest request = CommonRequest();
    REFLECTOR_TRY(write_body(request));
    Result<net::HttpResponse> response = [&] {
      Heartbeat heartbeat(progress, options_.heartbeat_interval, detail);
      return http_.Send(request, stop);
    }();
    if (!response) return response.error().WithContext(what);
    if (response->ok()) {
      REFLECTOR_ASSIGN_OR_RETURN(std::vector<Word> words,
                                 ParseWords(response->body, what + ": " + request_name));
      progress.Report(1.0, detail);
      return Transcription{std::move(words), backend_, model_};
    }
    Error error = StatusError(*response, what + ": " + request_name);
    if (!error.retryable || attempt >= options_.max_attempts) return error;
    milliseconds wait =
        net::RetryAfter(*response).value_or(options_.retry_delay * (1 << std::min(attempt - 1, 16)));
    if (wait > options_.max_retry_delay) return error;
    log::Warn("remote transcription failed; retrying", {{"backend", backend_},
                                                        {"file", name},
                                                        {"status", response->status},
                                                        {"attempt", attempt},
                                                        {"wait_ms", static_cast<long long>(wait.count())}});
    if (!SleepFor(wait, stop)) return Error::Cancelled(what + ": cancelled while waiting to retry");
  }
}

}  // namespace reflector::stt::remote
