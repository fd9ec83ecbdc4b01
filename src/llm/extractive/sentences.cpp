#include "llm/extractive/sentences.hpp"

#include <unordered_map>

#include "llm/extractive/word_lists.hpp"
#include "llm/terms.hpp"
#include "llm/text.hpp"

namespace reflector::llm {
namespace {

constexpr std::size_t kMaxQuoteTerms = 22;  // longer stretches are run-ons, often misrecognised

// Recognisers often split a compound noun into two words ("the park clean up", "a good road
// map"): after a determiner, a noun or an adjective, two words that together make a noun become
// that noun.
void MergeSplitCompounds(std::vector<std::string>& terms, TermCache& cache) {
  for (std::size_t i = 1; i + 1 < terms.size(); ++i) {
    const TermInfo& previous = cache.Get(terms[i - 1]);
    const bool noun_before = words::IsDeterminer(terms[i - 1]) ||
                             (!previous.stopword && (previous.word_class.Is(PartOfSpeech::kNoun) ||
                                                     previous.word_class.Is(PartOfSpeech::kAdjective)));
    if (!noun_before || words::IsDeterminer(terms[i]) || terms[i].size() < 2 || terms[i + 1].size() < 2)
      continue;
    std::string joined = terms[i] + terms[i + 1];
    if (!cache.Get(joined).word_class.Is(PartOfSpeech::kNoun) || cache.Get(joined).stopword) continue;
    terms[i] = std::move(joined);
    terms.erase(terms.begin() + static_cast<std::ptrdiff_t>(i) + 1);
  }
}

}  // namespace

std::vector<Sentence> SplitSentences(std::span<const Word> words, TermCache& cache) {
  std::vector<std::size_t> starts = SentenceStarts(words, kSentencePauseSeconds);
  starts.push_back(words.size());
  std::vector<Sentence> sentences;
  std::string term;
  for (std::size_t s = 0; s + 1 < starts.size(); ++s) {
    const std::size_t begin = starts[s];
    const std::size_t end = starts[s + 1];
    const std::size_t pieces = (end - begin + kMaxSentenceWords - 1) / kMaxSentenceWords;
    for (std::size_t p = 0; p < pieces; ++p) {
      const std::size_t from = begin + (end - begin) * p / pieces;
      const std::size_t to = begin + (end - begin) * (p + 1) / pieces;
      Sentence sentence{words[from].speaker, from, to - from, {}};
      for (std::size_t i = from; i < to; ++i) {
        NormalizeTerm(words[i].text, term);
        if (term.empty() || cache.Get(term).filler) continue;
        if (!sentence.terms.empty() && sentence.terms.back() == term) continue;  // "the the"
        sentence.terms.push_back(term);
      }
      MergeSplitCompounds(sentence.terms, cache);
      if (!sentence.terms.empty()) sentences.push_back(std::move(sentence));
    }
  }
  return sentences;
}

std::string RenderTerms(std::span<const std::string> terms, const SpeakerNames& names) {
  std::unordered_map<std::string, std::string> spelled;
  for (const auto& [speaker, name] : names) {
    if (SplitWords(name).size() == 1) spelled.emplace(AsciiLowerCase(name), name);
  }
  std::string text;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    std::string word = terms[i];
    if (auto it = spelled.find(word); it != spelled.end()) {
      word = it->second;
    } else if (word == "i" || word.starts_with("i'") || words::IsCapitalised(word) || i == 0) {
      if (!word.empty() && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 'a' + 'A');
    }
    if (!text.empty()) text += ' ';
    text += word;
  }
  return text;
}

std::span<const std::string> QuotableTerms(std::span<const std::string> terms) {
  while (!terms.empty() && words::IsDiscourseMarker(terms.front()))
    terms = terms.subspan(1);
  return terms;
}

bool ReadsAsSentence(std::span<const std::string> terms, TermCache& cache) {
  terms = QuotableTerms(terms);
  if (terms.size() < 4 || terms.size() > kMaxQuoteTerms) return false;
  if (words::IsSubordinator(terms.front())) return false;  // "if we see a serious crash"
  if (words::IsDangling(terms.back())) return false;
  bool finite = false;
  std::size_t content = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const TermInfo& info = cache.Get(terms[i]);
    if (!info.stopword) ++content;
    if (words::IsFiniteVerb(terms[i])) finite = true;
    if (i > 0 && words::IsSubjectPronoun(terms[i - 1]) && info.word_class.Is(PartOfSpeech::kVerb))
      finite = true;
  }
  return finite && content * 4 >= terms.size();
}

}  // namespace reflector::llm
