#include "stt/pocketsphinx/pocketsphinx_speech_to_text.hpp"

#include <malloc.h>
#include <pocketsphinx.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/err.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <system_error>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "stt/pocketsphinx/lm_dictionary.hpp"
#include "stt/pocketsphinx/pcm_reader.hpp"
#include "stt/pocketsphinx/silence_gate.hpp"

#ifndef REFLECTOR_POCKETSPHINX_MODEL_DIR
#error "REFLECTOR_POCKETSPHINX_MODEL_DIR must be defined by the build (pkg-config pocketsphinx modeldir)"
#endif

namespace reflector::stt {
namespace {

// Samples fed to the decoder at a time (128 ms, as pocketsphinx_continuous does): the voice
// activity detector is consulted, and the stop token checked, after each.
constexpr std::size_t kChunkSamples = 2048;
constexpr auto kProgressInterval = std::chrono::milliseconds(250);
// Decoder search limits (PocketSphinx's defaults: 30000 and no limit). Measured on four
// 10-minute tracks of flite meeting speech: 0.8 of the CPU time, the same content-word recall;
// 3000 HMMs took 0.6 but lost words in the end-to-end test (src/stt/README.md).
constexpr const char* kMaxHmmsPerFrame = "6000";
constexpr const char* kMaxWordsPerFrame = "5";
// The flat pass considers words the first pass found starting within this many frames before
// and after a frame (PocketSphinx's defaults: 25 and 4). Measured on the same tracks: 0.95 of
// the CPU time with the same content-word recall (src/stt/README.md).
constexpr const char* kFlatPassStartWindow = "10";
constexpr const char* kFlatPassEndWidth = "2";

struct CmdLnDeleter {
  void operator()(cmd_ln_t* config) const { cmd_ln_free_r(config); }
};
using CmdLnPtr = std::unique_ptr<cmd_ln_t, CmdLnDeleter>;

struct DecoderDeleter {
  void operator()(ps_decoder_t* decoder) const {
    ps_free(decoder);
    // The next decoder is often made on another thread, in another malloc arena: give the
    // freed pages back so that they do not add to the process's memory.
    malloc_trim(0);
  }
};
using DecoderPtr = std::unique_ptr<ps_decoder_t, DecoderDeleter>;

// A word-segment iterator; ps_seg_next frees it at the end, ps_seg_free when abandoned early.
struct SegmentDeleter {
  void operator()(ps_seg_t* segment) const { ps_seg_free(segment); }
};
using SegmentPtr = std::unique_ptr<ps_seg_t, SegmentDeleter>;

std::filesystem::path AcousticModel(const std::filesystem::path& dir) {
  return dir / "en-us";
}
std::filesystem::path LanguageModel(const std::filesystem::path& dir) {
  return dir / "en-us.lm.bin";
}
std::filesystem::path Dictionary(const std::filesystem::path& dir) {
  return dir / "cmudict-en-us.dict";
}

// sphinxbase logs through one process-wide callback, and prints its configuration table straight
// to a process-wide FILE*. Routing the callback once (instead of the per-decoder `-logfn`, which
// reopens and closes that global FILE* inside ps_init and so races between threads) keeps
// concurrent decoders safe and stderr quiet. Errors become warnings in the project log (the Error
// values returned say what matters), warnings debug lines; information is dropped.
__attribute__((format(printf, 3, 4))) void ForwardSphinxLog(void* /*user_data*/, err_lvl_t level,
                                                            const char* format, ...) {
  if (level != ERR_WARN && level != ERR_ERROR && level != ERR_FATAL) return;
  std::array<char, 1024> line{};
  va_list arguments;
  va_start(arguments, format);
  std::vsnprintf(line.data(), line.size(), format, arguments);
  va_end(arguments);
  std::string text(line.data());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  if (text.empty()) return;
  if (level == ERR_WARN) {
    log::Debug("pocketsphinx", {{"pocketsphinx", text}});
  } else {
    log::Warn("pocketsphinx", {{"pocketsphinx", text}});
  }
}

void RouteSphinxLogOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    err_set_logfp(nullptr);  // no direct printing (the configuration dump)
    err_set_callback(ForwardSphinxLog, nullptr);
  });
}

// The dictionary a decoder loads: the one of `options.model_dir`, cut to the language model's
// words in `options.cache_dir` when there is one (the full one, with a warning, if that fails).
std::filesystem::path DecoderDictionary(const PocketSphinxOptions& options) {
  std::filesystem::path full = Dictionary(options.model_dir);
  if (options.cache_dir.empty()) return full;
  auto restricted = LanguageModelDictionary(full, LanguageModel(options.model_dir), options.cache_dir);
  if (restricted.ok()) return *restricted;
  log::Warn("pocketsphinx loads the whole dictionary", {{"error", restricted.error().message}});
  return full;
}

Result<DecoderPtr> MakeDecoder(const PocketSphinxOptions& options) {
  const std::filesystem::path& model_dir = options.model_dir;
  std::string hmm = AcousticModel(model_dir).string();
  std::string lm = LanguageModel(model_dir).string();
  std::string dict = DecoderDictionary(options).string();
  // Search limits (see the README's "Search"): at most kMaxHmmsPerFrame active HMMs and
  // kMaxWordsPerFrame distinct word exits per frame, and the flat pass's narrower windows.
  CmdLnPtr config(cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict",
                              dict.c_str(), "-maxhmmpf", kMaxHmmsPerFrame, "-maxwpf", kMaxWordsPerFrame,
                              "-fwdflatsfwin", kFlatPassStartWindow, "-fwdflatefwid", kFlatPassEndWidth,
                              static_cast<const char*>(nullptr)));
  if (!config)
    return Error::Internal("pocketsphinx: cannot build a configuration for model " + model_dir.string());
  // The decoder keeps its own reference to the configuration.
  DecoderPtr decoder(ps_init(config.get()));
  if (!decoder) return Error::Internal("pocketsphinx: cannot load the model in " + model_dir.string());
  return decoder;
}

// Appends the words of the utterance just ended. With utterances cut on the voice activity
// detector, segment frames count from the start of the samples fed to the decoder; `offset`
// (seconds skipped before the utterance) makes them times on the stream's timeline.
void CollectWords(ps_decoder_t* decoder, double frame_rate, double offset, std::vector<Word>& words) {
  SegmentPtr segment(ps_seg_iter(decoder));
  while (segment) {
    std::string text = PocketSphinxWordText(ps_seg_word(segment.get()));
    if (!text.empty()) {
      int first = 0;
      int last = 0;
      ps_seg_frames(segment.get(), &first, &last);  // inclusive frame numbers
      words.push_back(Word{std::move(text), offset + first / frame_rate, offset + (last + 1) / frame_rate});
    }
    segment.reset(ps_seg_next(segment.release()));
  }
}

// Decodes the whole stream of `reader`, cutting utterances where the decoder's speech detector
// says speech stopped (as pocketsphinx_continuous does), and appends their words with times on
// the stream's timeline. A SilenceGate keeps long quiet stretches between utterances from the
// decoder; its skipped samples are added back to the word times. `report` gets the samples
// read so far, every kProgressInterval.
Status DecodeStream(PcmReader& reader, ps_decoder_t* decoder, const std::string& name, std::stop_token stop,
                    const std::function<void(std::int64_t)>& report, std::vector<Word>& words) {
  const double frame_rate = cmd_ln_int32_r(ps_get_config(decoder), "-frate");
  auto last_report = std::chrono::steady_clock::now();
  if (ps_start_utt(decoder) < 0) return Error::Internal(name + ": pocketsphinx cannot start an utterance");
  SilenceGate gate;
  bool in_utterance = false;
  std::vector<std::int16_t> chunk;
  chunk.reserve(kChunkSamples);
  auto end_utterance = [&]() -> Status {
    if (ps_end_utt(decoder) < 0) return Error::Internal(name + ": pocketsphinx cannot end an utterance");
    CollectWords(decoder, frame_rate, static_cast<double>(gate.skipped_samples()) / PcmReader::kSampleRate,
                 words);
    return Ok();
  };
  while (true) {
    if (stop.stop_requested()) return Error::Cancelled(name + ": transcription cancelled");
    REFLECTOR_TRY(reader.Read(chunk, kChunkSamples));
    if (chunk.empty()) break;
    std::span<const std::int16_t> fed = gate.Admit(chunk, in_utterance);
    if (!fed.empty()) {
      if (ps_process_raw(decoder, fed.data(), fed.size(), FALSE, FALSE) < 0) {
        return Error::Internal(name + ": pocketsphinx rejected the audio");
      }
      bool speech = ps_get_in_speech(decoder) != 0;
      if (speech && !in_utterance) {
        in_utterance = true;
      } else if (!speech && in_utterance) {
        REFLECTOR_TRY(end_utterance());
        if (ps_start_utt(decoder) < 0)
          return Error::Internal(name + ": pocketsphinx cannot start an utterance");
        in_utterance = false;
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (now - last_report >= kProgressInterval) {
      last_report = now;
      report(reader.samples_read());
    }
  }
  if (in_utterance) return end_utterance();
  if (ps_end_utt(decoder) < 0) return Error::Internal(name + ": pocketsphinx cannot end an utterance");
  return Ok();
}

std::string LowerAscii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

}  // namespace

std::filesystem::path DefaultPocketSphinxModelDir() {
  return REFLECTOR_POCKETSPHINX_MODEL_DIR;
}

PocketSphinxSpeechToText::PocketSphinxSpeechToText(Options options) : options_(std::move(options)) {
  RouteSphinxLogOnce();
  bool is_default = options_.model_dir.lexically_normal() == DefaultPocketSphinxModelDir().lexically_normal();
  model_ = is_default ? "en-us (Debian pocketsphinx-en-us)" : "en-us (" + options_.model_dir.string() + ")";
}

Status PocketSphinxSpeechToText::CheckModel(const std::filesystem::path& model_dir) {
  for (const auto& path :
       {AcousticModel(model_dir) / "mdef", LanguageModel(model_dir), Dictionary(model_dir)}) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return Error::Terminal(ErrorKind::kNotFound, "pocketsphinx model: " + path.string() +
                                                       " does not exist (install the Debian package "
                                                       "pocketsphinx-en-us or set the model directory)");
    }
  }
  return Ok();
}

Result<Transcription> PocketSphinxSpeechToText::Transcribe(const AudioSource& source,
                                                           std::string_view language, std::stop_token stop,
                                                           ProgressSink& progress) {
  const std::filesystem::path& audio = source.file;  // a local decoder: the URL is never needed
  const std::string name = audio.filename().string();
  if (!IsPocketSphinxLanguage(language)) {
    return Error::InvalidInput(name + ": language \"" + std::string(language) +
                               "\" is not supported by the pocketsphinx backend (only en, en-us)");
  }
  REFLECTOR_TRY(CheckModel(options_.model_dir));
  if (stop.stop_requested()) return Error::Cancelled(name + ": transcription cancelled");

  REFLECTOR_ASSIGN_OR_RETURN(PcmReader reader, PcmReader::Open(audio));
  REFLECTOR_ASSIGN_OR_RETURN(DecoderPtr owned_decoder, MakeDecoder(options_));
  ps_decoder_t* decoder = owned_decoder.get();
  const double total = reader.declared_duration();
  const std::string detail = "transcribing " + name;

  progress.Report(0.0, detail);
  std::vector<Word> words;
  REFLECTOR_TRY(DecodeStream(
      reader, decoder, name, stop,
      [&](std::int64_t samples) {
        if (total > 0)
          progress.Report(std::clamp(static_cast<double>(samples) / PcmReader::kSampleRate / total, 0.0, 1.0),
                          detail);
      },
      words));
  if (reader.samples_read() == 0) return Error::InvalidInput(name + ": no audio samples could be decoded");
  progress.Report(1.0, detail);

  Transcription transcription;
  transcription.words = NormalizeWords(std::move(words));
  transcription.backend = std::string(Backend());
  transcription.model = model_;
  log::Debug("transcribed", {{"file", name},
                             {"seconds", static_cast<double>(reader.samples_read()) / PcmReader::kSampleRate},
                             {"words", transcription.words.size()}});
  return transcription;
}

std::string PocketSphinxWordText(std::string_view raw) {
  const std::string_view text = WithoutPronunciationVariant(raw);
  bool filler = (text.size() >= 2 && text.front() == '<' && text.back() == '>') ||
                (text.size() >= 2 && text.front() == '[' && text.back() == ']') ||
                (text.size() >= 4 && text.starts_with("++") && text.ends_with("++"));
  if (filler) return "";
  return std::string(text);
}

bool IsPocketSphinxLanguage(std::string_view language) {
  std::string code = LowerAscii(language);
  std::replace(code.begin(), code.end(), '_', '-');
  return code == "en" || code == "en-us";
}

}  // namespace reflector::stt
