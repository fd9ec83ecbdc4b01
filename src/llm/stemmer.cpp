#include "llm/stemmer.hpp"

#include <libstemmer.h>

namespace reflector::llm {

void Stemmer::Deleter::operator()(sb_stemmer* stemmer) const {
  sb_stemmer_delete(stemmer);
}

Result<Stemmer> Stemmer::English() {
  sb_stemmer* handle = sb_stemmer_new("english", "UTF_8");
  if (handle == nullptr) return Error::Internal("libstemmer: cannot create the English stemmer");
  return Stemmer(handle);
}

std::string Stemmer::Stem(std::string_view word) {
  const auto* stem = sb_stemmer_stem(handle_.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                                     static_cast<int>(word.size()));
  if (stem == nullptr) return std::string(word);
  return std::string(reinterpret_cast<const char*>(stem),
                     static_cast<std::size_t>(sb_stemmer_length(handle_.get())));
}

}  // namespace reflector::llm
