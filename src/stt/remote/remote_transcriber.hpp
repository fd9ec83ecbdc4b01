#pragma once
// What every HTTP speech to text backend does around its own request body: one POST to the
// service with the common headers, repeated on 408, 429 and 5xx (Retry-After honoured), progress
// reports while waiting (the task's heartbeat), and the answer read into words. A backend
// (modal/, openai/) owns a RemoteTranscriber and supplies only the body of each attempt.

#include <functional>
#include <stop_token>
#include <string>
#include <string_view>

#include "core/progress.hpp"
#include "core/result.hpp"
#include "net/http_client.hpp"
#include "stt/remote/remote_options.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::stt::remote {

// ASCII lower case (language codes, URL schemes, file extensions).
std::string AsciiLower(std::string_view text);

// The primary subtag of `language` in lower case ("en-US", "en_us", "EN" -> "en"). A terminal
// kInvalidInput error starting with `what` when `language` is not 2-3 letters, optionally
// followed by '-' or '_' and a region or script of 1-8 letters or digits.
Result<std::string> PrimaryLanguage(std::string_view language, const std::string& what);

class RemoteTranscriber {
 public:
  // Fills the body of one attempt's request and the headers that describe it; the method
  // (POST), URL, timeout, redirects, Accept and Authorization are already set. Called before
  // every attempt, so a presigned URL in the body is always fresh. An error ends the call.
  using BodyWriter = std::function<Status(net::HttpRequest& request)>;

  // `backend` names the service in messages and results; requests go to `options.url` (trailing
  // '/' removed) + `path`; Model() is `options.model`, else `default_model`. `options` must
  // have passed CheckRemoteOptions; `http` must outlive this object.
  RemoteTranscriber(std::string backend, std::string_view path, std::string_view default_model,
                    const RemoteSpeechToTextOptions& options, net::HttpClient& http);

  // "<backend> transcription of <file name>": how every message about `audio` starts.
  [[nodiscard]] std::string What(const AudioSource& audio) const;

  // Sends the request (body from `write_body`) until it succeeds, fails for good, or runs out of
  // attempts, and reads the answer's words. Progress: 0 at the start, a report every
  // heartbeat_interval while waiting, 1 at the end. Errors name the file, the backend and
  // "POST <endpoint>" (StatusError, ParseWords); a stop request gives kCancelled at once or
  // during a retry wait. Thread-safe: calls share only `http`.
  Result<Transcription> Post(const AudioSource& audio, const BodyWriter& write_body, std::stop_token stop,
                             ProgressSink& progress) const;

  [[nodiscard]] std::string_view backend() const { return backend_; }
  [[nodiscard]] std::string_view model() const { return model_; }

 private:
  [[nodiscard]] net::HttpRequest CommonRequest() const;

  std::string backend_;
  std::string endpoint_;
  std::string model_;
  RemoteSpeechToTextOptions options_;
  net::HttpClient& http_;
};

}  // namespace reflector::stt::remote
