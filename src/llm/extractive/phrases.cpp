#include "llm/extractive/phrases.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "llm/terms.hpp"
#include "llm/text.hpp"

namespace reflector::llm {
namespace {

using WordSet = std::unordered_set<std::string_view>;

const WordSet& MinorWords() {
  static const WordSet words = {"a",   "an", "and", "at", "but", "by",  "for", "from", "in",
                                "nor", "of", "on",  "or", "per", "the", "to",  "with"};
  return words;
}

// After these a word that can be a noun or a verb is read as a noun ("the launch").
const WordSet& NounContext() {
  static const WordSet words = {"the",  "a",    "an",    "our",   "your",  "their", "my",    "his", "her",
                                "its",  "this", "that",  "these", "those", "of",    "for",   "on",  "in",
                                "with", "some", "any",   "every", "each",  "no",    "about", "new", "first",
                                "next", "last", "whole", "same",  "own",   "per",   "from",  "at",  "by",
                                "into", "more", "less",  "two",   "three", "four",  "five",  "ten"};
  return words;
}

// After these it is read as a verb ("we launch", "to launch").
const WordSet& VerbContext() {
  static const WordSet words = {"i",     "we",     "you",    "they",   "he",     "she",   "to",      "will",
                                "would", "can",    "could",  "should", "must",   "let's", "us",      "please",
                                "not",   "don't",  "didn't", "never",  "i'll",   "we'll", "they'll", "you'll",
                                "i'd",   "we'd",   "also",   "just",   "cannot", "can't", "won't",   "let",
                                "it",    "people", "who",    "and"};
  return words;
}

// Words that follow a verb rather than a plural noun ("sounds better", "looks like").
const WordSet& AfterVerbs() {
  static const WordSet words = {
      "better", "good",   "great", "fine", "nice", "like", "the", "a",     "an",   "to",      "more", "less",
      "well",   "really", "very",  "so",   "too",  "much", "bad", "right", "okay", "perfect", "our",  "my",
      "your",   "their",  "it",    "us",   "them", "me",   "him", "her",   "up",   "down",    "out",  "off"};
  return words;
}

// Determiners allowed between "of" and the noun phrase it introduces.
const WordSet& OfDeterminers() {
  static const WordSet words = {"the", "a", "an", "our", "this", "that", "your", "their", "my"};
  return words;
}

// Words that announce what a meeting or a part of it is about ("let us talk about the beta",
// "the next item is hiring", "we review the design").
const WordSet& AgendaCues() {
  static const WordSet words = {"about", "review", "discuss", "agenda",    "item",
                                "items", "topic",  "focus",   "regarding", "through"};
  return words;
}

constexpr std::size_t kCueReach = 5;  // words after an agenda cue that name the subject

// How much an occurrence starting at each term of a sentence counts: 1, plus 1 within kCueReach
// words after an agenda cue ("let us talk about the beta"), plus 0.5 in the opening sentences
// (the first tenth, at least three), where subjects are named.
std::vector<double> OccurrenceWeights(const Sentence& sentence, std::size_t index, std::size_t count) {
  const double base = index < std::max<std::size_t>(3, count / 10) ? 1.5 : 1.0;
  std::vector<double> weights(sentence.terms.size(), base);
  for (std::size_t i = 0; i < sentence.terms.size(); ++i) {
    if (!AgendaCues().contains(sentence.terms[i])) continue;
    for (std::size_t k = i + 1; k < std::min(sentence.terms.size(), i + 1 + kCueReach); ++k)
      weights[k] = base + 1.0;
  }
  return weights;
}

enum class Role { kBreak, kModifier, kNoun };

struct Token {
  std::string_view term;
  const TermInfo* info = nullptr;
  Role role = Role::kBreak;
  double weight = 1;  // how much an occurrence starting here counts
};

Role RoleOf(const TermInfo& info, std::string_view previous, Role previous_role) {
  if (info.stopword || info.filler) return Role::kBreak;
  const WordClass& word_class = info.word_class;
  const bool noun = word_class.Is(PartOfSpeech::kNoun);
  const bool adjective = word_class.Is(PartOfSpeech::kAdjective);
  if (!noun && !adjective) return Role::kBreak;
  if (word_class.Is(PartOfSpeech::kVerb)) {
    if (VerbContext().contains(previous)) return Role::kBreak;
    const bool noun_reading = NounContext().contains(previous) || previous_role != Role::kBreak;
    if (!noun_reading && word_class.MostlyVerb()) return Role::kBreak;
  }
  return noun ? Role::kNoun : Role::kModifier;
}

struct Candidate {
  std::string key;
  std::string text;
  std::vector<std::string> stems;
  std::size_t words = 0;
  std::size_t count = 0;
  double weight = 0;  // occurrences, each weighted by where it was said
  std::size_t first_sentence = 0;
};

class CandidateTable {
 public:
  void Add(std::span<const Token> tokens, std::string_view joiner, std::span<const Token> tail,
           std::size_t sentence, double weight) {
    std::string key;
    std::string text;
    std::vector<std::string> stems;
    std::size_t words = 0;
    auto append = [&](std::span<const Token> part) {
      for (const Token& token : part) {
        if (!key.empty()) key += ' ';
        key += token.info->stem;
        if (!text.empty()) text += ' ';
        text += token.term;
        stems.push_back(token.info->stem);
        ++words;
      }
    };
    append(tokens);
    if (!joiner.empty()) {
      key += " |";
      text += ' ';
      text += joiner;
      words += SplitWords(joiner).size();
      append(tail);
    }
    auto [it, inserted] = index_.try_emplace(key, candidates_.size());
    if (inserted) candidates_.push_back(Candidate{key, text, std::move(stems), words, 0, 0, sentence});
    ++candidates_[it->second].count;
    candidates_[it->second].weight += weight;
  }
  std::vector<Candidate>& candidates() { return candidates_; }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<Candidate> candidates_;
};

constexpr std::size_t kMaxPhraseNouns = 4;  // content words of a phrase without "of"
constexpr std::size_t kTitleAnchors = 3;    // heaviest stems a title is looked for around

// The candidates of one run of nouns and adjectives: every stretch of at most kMaxPhraseNouns
// words that ends in a noun.
void AddRun(std::span<const Token> run, std::size_t sentence, CandidateTable& table) {
  for (std::size_t end = 0; end < run.size(); ++end) {
    if (run[end].role != Role::kNoun) continue;
    for (std::size_t begin = end + 1 > kMaxPhraseNouns ? end + 1 - kMaxPhraseNouns : 0; begin <= end;
         ++begin) {
      table.Add(run.subspan(begin, end - begin + 1), "", {}, sentence, run[begin].weight);
    }
  }
}

// The longest prefix of `run` (at most `max` words) that ends in a noun; empty when none does.
std::span<const Token> NounPrefix(std::span<const Token> run, std::size_t max) {
  for (std::size_t length = std::min(run.size(), max); length > 0; --length) {
    if (run[length - 1].role == Role::kNoun) return run.first(length);
  }
  return {};
}

}  // namespace

KeyPhrases FindKeyPhrases(std::span<const Sentence> sentences, TermCache& cache) {
  CandidateTable table;
  struct StemStats {
    double count = 0;
    std::unordered_set<int> speakers;
    const TermInfo* info = nullptr;
  };
  std::unordered_map<std::string, StemStats> stems;
  std::vector<Token> tokens;
  for (std::size_t s = 0; s < sentences.size(); ++s) {
    const Sentence& sentence = sentences[s];
    const std::vector<double> weights = OccurrenceWeights(sentence, s, sentences.size());
    tokens.clear();
    std::string_view previous;
    Role previous_role = Role::kBreak;
    for (std::size_t t = 0; t < sentence.terms.size(); ++t) {
      const std::string& term = sentence.terms[t];
      const TermInfo& info = cache.Get(term);
      Role role = RoleOf(info, previous, previous_role);
      // "the cottage sounds better": a verb in the third person after its subject.
      if (role == Role::kNoun && previous_role == Role::kNoun && term.size() > 3 && term.back() == 's' &&
          info.word_class.Is(PartOfSpeech::kVerb) && t + 1 < sentence.terms.size() &&
          AfterVerbs().contains(sentence.terms[t + 1])) {
        role = Role::kBreak;
      }
      tokens.push_back(Token{term, &info, role, weights[t]});
      if (role != Role::kBreak) {
        StemStats& stats = stems[info.stem];
        stats.count += weights[t];
        stats.speakers.insert(sentence.speaker);
        stats.info = &info;
      }
      previous = term;
      previous_role = role;
    }
    // Runs of nouns and adjectives; "A of the B" joins a run ending in a noun with the next one.
    std::size_t i = 0;
    while (i < tokens.size()) {
      if (tokens[i].role == Role::kBreak) {
        ++i;
        continue;
      }
      std::size_t end = i;
      while (end < tokens.size() && tokens[end].role != Role::kBreak)
        ++end;
      std::span<const Token> run(tokens.data() + i, end - i);
      AddRun(run, s, table);
      if (run.back().role == Role::kNoun && end < tokens.size() && tokens[end].term == "of") {
        std::size_t next = end + 1;
        std::string joiner = "of";
        if (next < tokens.size() && OfDeterminers().contains(tokens[next].term)) {
          joiner += ' ';
          joiner += tokens[next].term;
          ++next;
        }
        std::size_t next_end = next;
        while (next_end < tokens.size() && tokens[next_end].role != Role::kBreak)
          ++next_end;
        std::span<const Token> tail =
            NounPrefix(std::span<const Token>(tokens.data() + next, next_end - next), 2);
        std::span<const Token> head = run.last(std::min<std::size_t>(run.size(), 2));
        if (!tail.empty()) table.Add(head, joiner, tail, s, head.front().weight);
      }
      i = end;
    }
  }

  KeyPhrases result;
  for (const auto& [stem, stats] : stems) {
    const WordClass& word_class = stats.info->word_class;
    const double uses = static_cast<double>(word_class.noun_uses + word_class.adjective_uses);
    const double spread = 1.0 + 0.5 * static_cast<double>(stats.speakers.size() - 1);
    result.stem_weights[stem] = stats.count * spread / (1.0 + std::log1p(uses / 100.0));
  }
  for (Candidate& candidate : table.candidates()) {
    double sum = 0;
    for (const std::string& stem : candidate.stems)
      sum += result.stem_weights[stem];
    KeyPhrase phrase{std::move(candidate.text), std::move(candidate.stems),
                     candidate.words,           candidate.count,
                     candidate.first_sentence,  sum * std::sqrt(static_cast<double>(candidate.count))};
    result.phrases.push_back(std::move(phrase));
  }
  std::stable_sort(result.phrases.begin(), result.phrases.end(), [](const KeyPhrase& a, const KeyPhrase& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.first_sentence < b.first_sentence;
  });
  return result;
}

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
    const std::string title = TitleCase(nouns[0]->text + " and " + nouns[1]->text);
    if (!TitleShapeProblem(title, lexicon)) return title;
  }
  if (!nouns.empty()) {
    const std::string title = TitleCase(nouns[0]->text + " discussion");
    if (!TitleShapeProblem(title, lexicon)) return title;
  }
  return "";
}

}  // namespace reflector::llm
