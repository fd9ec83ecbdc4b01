#include "stt/speech_to_text.hpp"

#include <algorithm>

namespace reflector::stt {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::vector<Word> NormalizeWords(std::vector<Word> words) {
  std::vector<Word> kept;
  kept.reserve(words.size());
  for (Word& word : words) {
    std::string& text = word.text;
    auto first = std::find_if_not(text.begin(), text.end(), IsSpace);
    auto last = std::find_if_not(text.rbegin(), text.rend(), IsSpace).base();
    if (first >= last) continue;
    text = std::string(first, last);
    kept.push_back(std::move(word));
  }
  std::stable_sort(kept.begin(), kept.end(), [](const Word& a, const Word& b) { return a.start < b.start; });
  return kept;
}

}  // namespace reflector::stt
