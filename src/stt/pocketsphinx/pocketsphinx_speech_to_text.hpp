#pragma once
// Embedded speech recognition with CMU PocketSphinx 5prealpha (Debian libpocketsphinx3 and the
// pocketsphinx-en-us model): US English only, CPU only, no network.

#include <filesystem>
#include <stop_token>
#include <string>
#include <string_view>

#include "core/progress.hpp"
#include "core/result.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::stt {

// The model directory of the Debian package pocketsphinx-en-us (pkg-config modeldir + "/en-us").
std::filesystem::path DefaultPocketSphinxModelDir();

struct PocketSphinxOptions {
  // Holds the acoustic model folder `en-us/`, the language model `en-us.lm.bin` and the
  // dictionary `cmudict-en-us.dict`, laid out as the Debian package does.
  std::filesystem::path model_dir = DefaultPocketSphinxModelDir();
  // Where the dictionary cut to the language model's words is kept (lm_dictionary.hpp), made
  // once and shared by every decoder: about 8 MB less per decoder. Empty: each decoder loads the
  // whole dictionary.
  std::filesystem::path cache_dir;
};

class PocketSphinxSpeechToText final : public SpeechToText {
 public:
  using Options = PocketSphinxOptions;

  // Keeps the options; loads nothing yet (see CheckModel). The first backend constructed in the
  // process routes PocketSphinx's process-wide log to the project log instead of stderr (errors
  // as warnings, warnings at debug level, information dropped).
  explicit PocketSphinxSpeechToText(Options options = {});

  // Whether `model_dir` holds the files the decoder needs; the error names the missing path.
  // Call at startup to report a bad configuration before any work arrives.
  static Status CheckModel(const std::filesystem::path& model_dir);

  // Decodes `audio.file` (any format FFmpeg reads; the URL is not used) at 16 kHz mono, cut into utterances
  // by the decoder's voice activity detector;
  // quiet stretches between utterances are not decoded (SilenceGate), word times stay on the file's timeline.
  // `language` must be "en" or "en-us" (any case, '_' or '-'), else a terminal kInvalidInput error naming it.
  // Each call builds its own decoder (about 0.3 s, small against minutes of audio), so concurrent calls on
  // one object are safe and share nothing. A missing model gives a terminal kNotFound error naming the path.
  Result<Transcription> Transcribe(const AudioSource& audio, std::string_view language, std::stop_token stop,
                                   ProgressSink& progress) override;

  [[nodiscard]] std::string_view Backend() const override { return "pocketsphinx"; }
  // "en-us (Debian pocketsphinx-en-us)" for the default model dir, else "en-us (<model_dir>)".
  [[nodiscard]] std::string_view Model() const override { return model_; }

 private:
  Options options_;
  std::string model_;
};

// Pure helpers, exposed for tests.

// The text of a PocketSphinx word entry: the pronunciation variant suffix is removed
// ("hello(2)" gives "hello"), and fillers and markers give "" ("<s>", "</s>", "<sil>",
// "[SPEECH]", "[NOISE]", "++NOISE++": anything in <>, [] or ++ ++).
std::string PocketSphinxWordText(std::string_view raw);

// Whether PocketSphinx can take `language`: "en" or "en-us", ignoring case, '_' same as '-'.
bool IsPocketSphinxLanguage(std::string_view language);

}  // namespace reflector::stt
