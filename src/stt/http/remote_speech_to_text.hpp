#pragma once
// Remote speech to text over HTTP, two backends of the SpeechToText seam:
//   modal   the Reflector GPU API: POST {url}/v1/audio/transcriptions-from-url with JSON
//           {audio_file_url, language, batch: true}; the service fetches the audio from a
//           presigned URL (AudioSource::presigned_url), made just before each request.
//   openai  an OpenAI-compatible POST {url}/audio/transcriptions: the file is uploaded as
//           multipart/form-data with response_format=verbose_json and word timestamps.
// Both read `words[{word, start, end}]` from the answer and apply NormalizeWords.

#include <chrono>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "net/http_client.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::stt {

// Members have default initialisers so that designated initialisers may name only some.
struct RemoteSpeechToTextOptions {
  // "modal" or "openai" (TRANSCRIPT_BACKEND).
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

// Builds the backend named by `options.backend`. `http` must outlive the result. The result is
// immutable and thread-safe: concurrent Transcribe calls share only `http` (itself thread-safe).
// Errors (kInvalidInput, naming the option): an unknown backend, a URL that is not an absolute
// http(s) URL without query, a non-positive timeout, attempt count or interval.
//
// Transcribe results and errors (every message names the file, the backend and the request's
// method and URL, never the key; the caller adds the track):
//   - words trimmed, empty ones dropped, sorted by start; `{"text": "", "words": []}` and a
//     silent answer without `words` give an empty list, not an error;
//   - the language sent is the primary subtag in lower case ("en-US" -> "en"); anything but 2
//     or 3 letters (with an optional region) is a terminal kInvalidInput error;
//   - 400, 401, 403, 413, 422 and other 4xx: terminal kExternal with the server's message
//     (FastAPI `detail` or OpenAI `error.message`); 404: terminal kNotFound; 429 with OpenAI's
//     `insufficient_quota`: terminal kExternal;
//   - 408, 429, 5xx after the in-call attempts, timeouts, connection failures: retryable;
//   - a 2xx answer that is not the documented JSON: terminal kExternal naming the field;
//   - modal without a presigned_url function, or one that gives a non-http(s) URL (the local
//     store's file:// URLs): terminal kInvalidInput; an error from presigned_url is returned
//     with context;
//   - stop requested: kCancelled (the request is aborted at once, a retry wait cut short).
Result<std::unique_ptr<SpeechToText>> MakeRemoteSpeechToText(const RemoteSpeechToTextOptions& options,
                                                             net::HttpClient& http);

}  // namespace reflector::stt
