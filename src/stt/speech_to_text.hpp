#pragma once
// The SpeechToText seam: turns one audio file into timed words. Backends live in sibling
// folders (pocketsphinx/ embedded; modal/ and openai/ remote services, sharing remote/) and
// all return words cleaned by NormalizeWords.

#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/progress.hpp"
#include "core/result.hpp"

namespace reflector::stt {

// One recognised word. Times are seconds (double) on the file's timeline: 0 is the start of the
// file's audio.
struct Word {
  std::string text;
  double start = 0;
  double end = 0;

  friend bool operator==(const Word&, const Word&) = default;
};

// The audio to transcribe. Members have default initialisers so that designated initialisers
// may name only some.
struct AudioSource {
  // The audio file on local disk; always set. Embedded backends decode it, upload backends send
  // it (its extension tells the service the format).
  std::filesystem::path file{};
  // Makes a URL from which a remote service can GET the same audio without credentials
  // (a presigned object URL). Backends that need one call it just before each request, since
  // such URLs expire; others never call it. Empty: no URL can be made (backends that need one
  // fail with a terminal kInvalidInput error). May be called from the calling thread only.
  std::function<Result<std::string>()> presigned_url{};
};

struct Transcription {
  std::vector<Word> words;  // trimmed, none empty, sorted by start
  std::string backend;      // SpeechToText::Backend() of the producer
  std::string model;        // SpeechToText::Model() of the producer
};

class SpeechToText {
 public:
  virtual ~SpeechToText() = default;

  // Transcribes `audio` (its file, or for remote backends that fetch by URL, its presigned URL),
  // spoken in `language` (ISO 639-1 code such as "en", optionally with a region: "en-us").
  // Words are trimmed and sorted by start; audio without speech gives an empty list, not an
  // error. Long work: checks `stop` regularly (then returns ErrorKind::kCancelled) and reports
  // progress (at least every few seconds, also while waiting for a remote service).
  // Errors name the file or the language: a missing, corrupt or audio-less file and an
  // unsupported language are terminal (not retryable); for remote backends, network failures,
  // timeouts, 429 and 5xx are retryable.
  // Implementations may be called concurrently from several threads unless they say otherwise.
  virtual Result<Transcription> Transcribe(const AudioSource& audio, std::string_view language,
                                           std::stop_token stop, ProgressSink& progress) = 0;

  // Short backend name, e.g. "pocketsphinx"; part of the transcription cache key.
  [[nodiscard]] virtual std::string_view Backend() const = 0;
  // Model description, e.g. "en-us (Debian pocketsphinx-en-us)"; part of the cache key.
  [[nodiscard]] virtual std::string_view Model() const = 0;
};

// What every backend does to its raw words: trims ASCII whitespace from each text, drops words
// whose text is then empty, and sorts by start time (stable: equal starts keep their order).
std::vector<Word> NormalizeWords(std::vector<Word> words);

}  // namespace reflector::stt
