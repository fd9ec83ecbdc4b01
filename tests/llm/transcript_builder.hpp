#pragma once
// Hand-written transcripts for the summariser tests, timed the way PocketSphinx times flite
// speech: words of one sentence back to back, a short pause after each sentence (".", "?" or
// "!" in the text), a longer one between turns. Words are lower case without punctuation.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "llm/extractive/extractive_summarizer.hpp"
#include "llm/extractive/lexicon.hpp"
#include "llm/summarizer.hpp"
#include "llm/terms.hpp"
#include "llm/text.hpp"

namespace reflector::llm::testing {

class TranscriptBuilder {
 public:
  TranscriptBuilder& Say(int speaker, std::string_view text) {
    for (std::string_view token : SplitWords(text)) {
      std::string term = NormalizedTerm(token);
      if (term.empty()) continue;
      words_.push_back(Word{term, clock_, clock_ + 0.3, speaker});
      clock_ += 0.3;
      const char last = token.back();
      if (last == '.' || last == '?' || last == '!') clock_ += 0.15;  // a sentence ends
    }
    clock_ += 1.0;
    return *this;
  }
  const std::vector<Word>& words() const { return words_; }

 private:
  std::vector<Word> words_;
  double clock_ = 0;
};

// WordNet from the Debian package wordnet-base; a test that needs it fails (it never skips)
// with a message saying what to install when it is missing.
inline std::shared_ptr<const Lexicon> RequireWordNet() {
  auto lexicon = SharedLexicon(ExtractiveOptions::DefaultWordNetDir());
  if (!lexicon.ok()) {
    ADD_FAILURE() << lexicon.error().message << "; scripts/setup installs it (apt-get install wordnet-base)";
    return nullptr;
  }
  return *lexicon;
}

}  // namespace reflector::llm::testing
