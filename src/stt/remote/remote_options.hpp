#pragma once
// Settings shared by the speech to text backends that call a service over HTTP (modal/,
// openai/), and their one check.

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace reflector::stt {

// Members have default initialisers so that designated initialisers may name only some.
struct RemoteSpeechToTextOptions {
  // "modal" or "openai" (TRANSCRIPT_BACKEND). Read by MakeRemoteSpeechToText (stt/factory.hpp)
  // only: each backend's Create ignores it.
  std::string backend{};
  // TRANSCRIPT_URL; a trailing '/' is ignored.
  //   modal: the service root, without /v1 (the routes are under /v1/audio), e.g.
  //          "https://<account>--reflector-transcriber-parakeet-web.modal.run".
  //   openai: the API base including /v1, as for LLM_URL, e.g. "https://api.openai.com/v1".
  std::string url{};
  // TRANSCRIPT_MODAL_API_KEY, sent as "Authorization: Bearer <key>"; empty: no header.
  std::string api_key{};
  // TRANSCRIPT_MODEL.
  //   openai: the model sent; empty: "whisper-1".
  //   modal: not sent (the deployment has one model); names that model in Model() and so in
  //          the cache key. Empty: "default", so set it when the deployment changes models.
  std::string model{};
  // TRANSCRIPT_FILE_TIMEOUT (seconds; std::chrono::seconds converts): limit of one request,
  // upload and transcription included.
  std::chrono::milliseconds timeout{std::chrono::seconds(600)};
  // Attempts within one Transcribe call when the service answers 408, 429 or 5xx (1: none
  // repeated). The wait starts at `retry_delay` and doubles; a Retry-After header replaces it.
  // A wait longer than `max_retry_delay` is not made: the retryable error is returned at once
  // and the engine retries the task later. Timeouts and connection failures are not repeated
  // here (a timeout has already used the whole budget): they are returned as retryable errors.
  int max_attempts = 3;
  std::chrono::milliseconds retry_delay{2000};
  std::chrono::milliseconds max_retry_delay{30000};
  // How often progress is reported while waiting for an answer, which keeps the task's
  // heartbeat alive during a long transcription.
  std::chrono::milliseconds heartbeat_interval{10000};
};

// Checks `options` for the backend named `backend` (which starts every message); `backend`
// itself is not read. Errors (kInvalidInput, naming the option): a URL that is not an absolute
// http(s) URL without query, a non-positive timeout, attempt count or heartbeat interval, a
// negative retry delay.
Status CheckRemoteOptions(const RemoteSpeechToTextOptions& options, std::string_view backend);

}  // namespace reflector::stt
