#pragma once
// The Snowball English stemmer (libstemmer), so that "engineers", "engineer" and "engineering"
// count as one word. Owns one sb_stemmer handle; the handle keeps the last stem in an internal
// buffer, so one Stemmer must not be used by two threads at once (create one per call or per
// thread: creating one costs about a microsecond and a few hundred bytes).

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

struct sb_stemmer;

namespace reflector::llm {

class Stemmer {
 public:
  // The English ("porter2") stemmer on UTF-8 text. Fails only when libstemmer cannot allocate it.
  static Result<Stemmer> English();

  // The stem of one lower-case word ("engineers" -> "engin", "reports" -> "report"). Words that
  // libstemmer cannot stem (it runs out of memory) come back unchanged.
  std::string Stem(std::string_view word);

 private:
  struct Deleter {
    void operator()(sb_stemmer* stemmer) const;
  };
  explicit Stemmer(sb_stemmer* handle) : handle_(handle) {}

  std::unique_ptr<sb_stemmer, Deleter> handle_;
};

}  // namespace reflector::llm
