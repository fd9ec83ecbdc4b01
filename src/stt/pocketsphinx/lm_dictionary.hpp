#pragma once
// The pronunciation dictionary cut down to the words the language model knows. The decoder
// searches only those (a word the language model does not know is never a hypothesis), but it
// loads every entry of the dictionary it is given: Debian's cmudict-en-us.dict has 134,723
// entries and its en-us.lm.bin knows 72,547 words, so the 55,303 entries of unknown words cost
// every decoder about 8 MB and change no result.

#include <filesystem>
#include <istream>
#include <ostream>
#include <string_view>

#include "core/result.hpp"

namespace reflector::stt {

// Copies the lines of the dictionary `in` whose word `known` accepts to `out` and returns how
// many were kept. A line's word is its first field without a pronunciation variant's "(2)";
// blank lines are dropped. `known` is called once per line.
template <typename KnownWord>
std::size_t CopyKnownWords(std::istream& in, std::ostream& out, KnownWord known);

// The dictionary `dictionary` restricted to the words of the language model `language_model`,
// kept in `cache_dir` under a name derived from both files' paths, sizes and modification times,
// so it is made once (about a second: the language model is loaded to read its words) and then
// shared by every decoder and process using the same directory. Written to a temporary name and
// renamed, so a reader never sees a partial file. Errors name the file.
Result<std::filesystem::path> LanguageModelDictionary(const std::filesystem::path& dictionary,
                                                      const std::filesystem::path& language_model,
                                                      const std::filesystem::path& cache_dir);

// A dictionary word without its pronunciation variant ("hello(2)" gives "hello"); a word not
// ending in a parenthesised number is returned as it is.
std::string_view WithoutPronunciationVariant(std::string_view word);

// The word of a dictionary line ("hello(2) HH AH L OW" gives "hello"); "" for a blank line.
std::string_view DictionaryLineWord(std::string_view line);

template <typename KnownWord>
std::size_t CopyKnownWords(std::istream& in, std::ostream& out, KnownWord known) {
  std::size_t kept = 0;
  std::string line;
  while (std::getline(in, line)) {
    const std::string_view word = DictionaryLineWord(line);
    if (word.empty() || !known(word)) continue;
    out << line << '\n';
    ++kept;
  }
  return kept;
}

}  // namespace reflector::stt
