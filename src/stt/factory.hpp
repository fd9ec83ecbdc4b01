#pragma once
// Builds the speech to text backend by name: the one place every backend is chosen. Called once
// by the composition root with options it took from the settings; nothing here reads the
// environment.

#include <memory>

#include "core/result.hpp"
#include "net/http_client.hpp"
#include "stt/pocketsphinx/pocketsphinx_speech_to_text.hpp"
#include "stt/remote/remote_options.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::stt {

struct SpeechToTextOptions {
  // "pocketsphinx" (embedded, pocketsphinx/), "modal" (modal/) or "openai" (openai/).
  std::string backend = "pocketsphinx";
  PocketSphinxOptions pocketsphinx;  // read for "pocketsphinx"
  RemoteSpeechToTextOptions remote;  // read for the others; its `backend` is set from `backend`
};

// The backend named by `options.backend`. PocketSphinx's model is checked first
// (PocketSphinxSpeechToText::CheckModel: NotFound naming the missing path); the others are made
// by MakeRemoteSpeechToText, with its errors. `http` must outlive the result.
Result<std::unique_ptr<SpeechToText>> MakeSpeechToText(const SpeechToTextOptions& options,
                                                       net::HttpClient& http);

// The backend named by `options.backend`: "modal" (ModalSpeechToText, modal/) or "openai"
// (OpenAiSpeechToText, openai/). `http` must outlive the result. The result is immutable and
// thread-safe: concurrent Transcribe calls share only `http` (itself thread-safe).
// Errors (kInvalidInput, naming the option): an unknown backend, then what CheckRemoteOptions
// refuses.
//
// Transcribe results and errors, both backends (every message names the file, the backend and
// the request's method and URL, never the key; the caller adds the track):
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
