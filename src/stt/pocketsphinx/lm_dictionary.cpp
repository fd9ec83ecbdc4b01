#include "stt/pocketsphinx/lm_dictionary.hpp"

#include <sphinxbase/logmath.h>
#include <sphinxbase/ngram_model.h>
#include <algorithm>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>

#include "core/digest.hpp"
#include "core/file_writer.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"

namespace reflector::stt {
namespace {

namespace fs = std::filesystem;

struct LogMathDeleter {
  void operator()(logmath_t* math) const { logmath_free(math); }
};
struct NgramModelDeleter {
  void operator()(ngram_model_t* model) const { ngram_model_free(model); }
};

// What identifies a version of a file: its path, size and modification time.
Result<std::string> FileIdentity(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return FileSystemError("cannot read", file.string(), ec.value());
  const auto modified = fs::last_write_time(file, ec);
  if (ec) return FileSystemError("cannot read", file.string(), ec.value());
  return file.string() + "|" + std::to_string(size) + "|" +
         std::to_string(modified.time_since_epoch().count());
}

Result<std::string> RestrictedDictionaryText(const fs::path& dictionary, const fs::path& language_model) {
  // The base PocketSphinx decodes with (its -logbase default); the words do not depend on it.
  std::unique_ptr<logmath_t, LogMathDeleter> math(logmath_init(1.0001, 0, 0));
  std::unique_ptr<ngram_model_t, NgramModelDeleter> model(
      ngram_model_read(nullptr, language_model.c_str(), NGRAM_AUTO, math.get()));
  if (!model)
    return Error::Terminal(ErrorKind::kIo, "cannot read the language model " + language_model.string());
  std::ifstream in(dictionary);
  if (!in) return Error::Terminal(ErrorKind::kIo, "cannot read the dictionary " + dictionary.string());
  const int32 unknown = ngram_unknown_wid(model.get());
  std::ostringstream out;
  const std::size_t kept = CopyKnownWords(in, out, [&](std::string_view word) {
    return ngram_wid(model.get(), std::string(word).c_str()) != unknown;
  });
  if (in.bad()) return Error::Terminal(ErrorKind::kIo, "cannot read the dictionary " + dictionary.string());
  if (kept == 0) {
    return Error::Terminal(ErrorKind::kInvalidInput, "the dictionary " + dictionary.string() +
                                                         " has no word of the language model " +
                                                         language_model.string());
  }
  return out.str();
}

}  // namespace

std::string_view WithoutPronunciationVariant(std::string_view word) {
  if (word.empty() || word.back() != ')') return word;
  const auto open = word.rfind('(');
  if (open == std::string_view::npos || open + 2 >= word.size()) return word;
  const bool number = std::all_of(word.begin() + static_cast<std::ptrdiff_t>(open) + 1, word.end() - 1,
                                  [](char c) { return c >= '0' && c <= '9'; });
  return number ? word.substr(0, open) : word;
}

std::string_view DictionaryLineWord(std::string_view line) {
  const auto start = line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return {};
  line.remove_prefix(start);
  return WithoutPronunciationVariant(line.substr(0, line.find_first_of(" \t\r")));
}

Result<fs::path> LanguageModelDictionary(const fs::path& dictionary, const fs::path& language_model,
                                         const fs::path& cache_dir) {
  REFLECTOR_ASSIGN_OR_RETURN(std::string dictionary_identity, FileIdentity(dictionary));
  REFLECTOR_ASSIGN_OR_RETURN(std::string model_identity, FileIdentity(language_model));
  const fs::path cached =
      cache_dir /
      ("lm-words-" + Sha256Hex(dictionary_identity + "\n" + model_identity).substr(0, 16) + ".dict");
  std::error_code ec;
  if (fs::exists(cached, ec)) return cached;

  REFLECTOR_ASSIGN_OR_RETURN(std::string text, RestrictedDictionaryText(dictionary, language_model));
  fs::create_directories(cache_dir, ec);
  if (ec) return FileSystemError("cannot create", cache_dir.string(), ec.value());
  const fs::path partial = cache_dir / (cached.filename().string() + "." + NewUuid4() + ".tmp");
  if (auto written = WriteWholeFile(partial, text); !written.ok()) {
    fs::remove(partial, ec);
    return written.error();
  }
  fs::rename(partial, cached, ec);
  if (ec) {
    const Error error = FileSystemError("cannot rename into", cached.string(), ec.value());
    fs::remove(partial, ec);
    return error;
  }
  log::Info("pocketsphinx dictionary cut to the language model's words",
            {{"dictionary", cached.string()}, {"bytes", text.size()}});
  return cached;
}

}  // namespace reflector::stt
