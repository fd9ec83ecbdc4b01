#include <algorithm>
#include <unordered_set>

#include "llm/extractive/phrases.hpp"
#include "llm/text.hpp"

namespace reflector::llm {
namespace {

using WordSet = std::unordered_set<std::string_view>;

const WordSet& MinorWords() {
  static const WordSet kWords = {"a",   "an", "and", "at", "but", "by",  "for", "from", "in",
                                 "nor", "of", "on",  "or", "per", "the", "to",  "with"};
  return kWords;
}

constexpr std::size_t kTitleAnchors = 3;  // heaviest stems a title is looked for around

}  // namespace

std::string TitleCase(std::string_view phrase) {
  std::string title;
  for (std::string_view word : SplitWords(phrase)) {
    std::string cased = AsciiLowerCase(word);
    const bool minor = MinorWords().contains(cased);
    if ((title.empty() || !minor) && !cased.empty() && cased[0] >= 'a' && cased[0] <= 'z') {
      cased[0] = static_cast<char>(cased[0] - 'a' + 'A');
    }
    if (!title.empty()) title += ' ';
    title += cased;
  }
  return title;
}

std::optional<std::string> TitleShapeProblem(std::string_view title, const Lexicon& lexicon) {
  const std::vector<std::string_view> words = SplitWords(title);
  if (words.size() < kMinTitleWords || words.size() > kMaxNounPhraseTitleWords) {
    return std::to_string(words.size()) + " words (2 to 6 make a title)";
  }
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view word = words[i];
    const std::string lower = AsciiLowerCase(word);
    const bool acronym = word.size() <= 5 &&
                         std::all_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!acronym &&
        TitleCase(i == 0 ? word : std::string("x ") + std::string(word)).substr(i == 0 ? 0 : 2) != word) {
      return "'" + std::string(word) + "' is not in title case";
    }
    if (!seen.insert(lower).second) return "'" + std::string(word) + "' is repeated";
    const bool minor = MinorWords().contains(lower);
    if (minor && (i == 0 || i + 1 == words.size()))
      return "'" + std::string(word) + "' cannot start or end a title";
    if (minor) continue;
    const WordClass word_class = lexicon.Classify(lower);
    // Acronyms ("API") and gerunds ("Hiring", the -ing form of a verb) are nouns too.
    const bool gerund = lower.size() > 4 && lower.ends_with("ing") && word_class.Is(PartOfSpeech::kVerb);
    const bool noun = word_class.Is(PartOfSpeech::kNoun) || acronym || gerund;
    if (i + 1 == words.size() && !noun) return "the last word '" + std::string(word) + "' is not a noun";
    if (!noun && !word_class.Is(PartOfSpeech::kAdjective)) {
      return "'" + std::string(word) +
             (word_class.OnlyVerb() ? "' is only a verb" : "' is neither a noun nor an adjective");
    }
  }
  return std::nullopt;
}

std::string BestTitle(const KeyPhrases& phrases, const Lexicon& lexicon) {
  if (phrases.phrases.empty()) return "";
  // Anchors: the heaviest stems, best first (ties: the stem said in the better phrase).
  std::vector<std::pair<double, std::string>> stems;
  for (const auto& [stem, weight] : phrases.stem_weights)
    stems.emplace_back(weight, stem);
  std::stable_sort(stems.begin(), stems.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  auto well_formed = [&](const KeyPhrase& phrase) {
    return phrase.stems.size() >= kMinTitleWords && !TitleShapeProblem(TitleCase(phrase.text), lexicon);
  };
  // A phrase said once is a weaker title than one said again.
  auto title_score = [](const KeyPhrase& phrase) { return phrase.score * (phrase.count >= 2 ? 1.0 : 0.6); };
  // A subject announced in the opening ("let us talk about the office move") is what the people
  // themselves called it.
  const KeyPhrase* declared = nullptr;
  for (const KeyPhrase& phrase : phrases.phrases) {
    if (phrase.declared && well_formed(phrase) && (declared == nullptr || phrase.score > declared->score)) {
      declared = &phrase;
    }
  }
  if (declared != nullptr) return TitleCase(declared->text);
  for (std::size_t a = 0; a < std::min<std::size_t>(kTitleAnchors, stems.size()); ++a) {
    const KeyPhrase* best = nullptr;
    for (const KeyPhrase& phrase : phrases.phrases) {
      if (!well_formed(phrase) ||
          std::find(phrase.stems.begin(), phrase.stems.end(), stems[a].second) == phrase.stems.end()) {
        continue;
      }
      if (best == nullptr || title_score(phrase) > title_score(*best)) best = &phrase;
    }
    if (best != nullptr) return TitleCase(best->text);
  }
  for (const KeyPhrase& phrase : phrases.phrases) {
    if (well_formed(phrase)) return TitleCase(phrase.text);
  }
  // Only single words: the two best nouns, "Budget and Hiring", or one: "Budget Discussion".
  std::vector<const KeyPhrase*> nouns;
  for (const KeyPhrase& phrase : phrases.phrases) {
    if (phrase.stems.size() == 1 && nouns.size() < 2) nouns.push_back(&phrase);
  }
  if (nouns.size() == 2) {
    std::string title = TitleCase(nouns[0]->text + " and " + nouns[1]->text);
    if (!TitleShapeProblem(title, lexicon)) return title;
  }
  if (!nouns.empty()) {
    std::string title = TitleCase(nouns[0]->text + " discussion");
    if (!TitleShapeProblem(title, lexicon)) return title;
  }
  return "";
}

}  // namespace reflector::llm
