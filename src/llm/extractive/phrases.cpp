#include "llm/extractive/phrases.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "llm/terms.hpp"
#include "llm/text.hpp"

namespace reflector::llm {
namespace {

using WordSet = std::unordered_set<std::string_view>;

// After these a word that can be a noun or a verb is read as a noun ("the launch").
const WordSet& NounContext() {
  static const WordSet kWords = {"the",  "a",    "an",    "our",   "your",  "their", "my",    "his", "her",
                                 "its",  "this", "that",  "these", "those", "of",    "for",   "on",  "in",
                                 "with", "some", "any",   "every", "each",  "no",    "about", "new", "first",
                                 "next", "last", "whole", "same",  "own",   "per",   "from",  "at",  "by",
                                 "into", "more", "less",  "two",   "three", "four",  "five",  "ten"};
  return kWords;
}

// After these it is read as a verb ("we launch", "to launch").
const WordSet& VerbContext() {
  static const WordSet kWords = {
      "i",      "we",     "you",    "they",  "he",      "she",    "to",     "will", "would",
      "can",    "could",  "should", "must",  "let's",   "us",     "please", "not",  "don't",
      "didn't", "never",  "i'll",   "we'll", "they'll", "you'll", "i'd",    "we'd", "also",
      "just",   "cannot", "can't",  "won't", "let",     "it",     "people", "who",  "and"};
  return kWords;
}

// Words that follow a verb rather than a plural noun ("sounds better", "looks like").
const WordSet& AfterVerbs() {
  static const WordSet kWords = {
      "better", "good",   "great", "fine", "nice", "like", "the", "a",     "an",   "to",      "more", "less",
      "well",   "really", "very",  "so",   "too",  "much", "bad", "right", "okay", "perfect", "our",  "my",
      "your",   "their",  "it",    "us",   "them", "me",   "him", "her",   "up",   "down",    "out",  "off"};
  return kWords;
}

// Adjectives in the stopword list ("new", "next"), kept in "A of / for the B" phrases.
const WordSet& CommonAdjectives() {
  static const WordSet kWords = {"new", "old", "next", "first", "last", "whole", "little", "general"};
  return kWords;
}

// Determiners allowed between "of" / "for" and the noun phrase it introduces.
const WordSet& OfDeterminers() {
  static const WordSet kWords = {"the", "a", "an", "our", "this", "that", "your", "their", "my"};
  return kWords;
}

// Words that announce what a meeting or a part of it is about: "the next item is hiring", "we
// review the design", "let us go through the outage". "about" and "plan" only after the words
// that make them announce something ("talk about the beta", "today is about pricing", "we need
// to plan the trip"), not in "what about" or "worried about"; "today is" and "today we".
const WordSet& AgendaCues() {
  static const WordSet kWords = {"review", "discuss", "agenda",    "item",
                                 "items",  "topic",   "regarding", "through"};
  return kWords;
}

const WordSet& AboutAnnouncers() {
  static const WordSet kWords = {"talk", "talking",    "talked", "is",   "it's",
                                 "all",  "discussion", "chat",   "call", "meeting"};
  return kWords;
}

bool IsAgendaCue(std::span<const std::string> terms, std::size_t i) {
  if (AgendaCues().contains(terms[i])) return true;
  // "today is our roadmap planning", "today we review the design".
  if (terms[i] == "today" && i + 1 < terms.size() && (terms[i + 1] == "is" || terms[i + 1] == "we"))
    return true;
  if (i == 0) return false;
  if (terms[i] == "about") return AboutAnnouncers().contains(terms[i - 1]);
  if (terms[i] == "plan" || terms[i] == "organise" || terms[i] == "organize") return terms[i - 1] == "to";
  return false;
}

constexpr std::size_t kCueReach = 5;  // words after an agenda cue that name the subject
constexpr double kCueBonus = 2.0;
constexpr double kOpeningShare = 0.15;
constexpr std::size_t kOpeningTerms = 40;

// How much an occurrence starting at each term of a sentence counts: 1, plus 2 within kCueReach
// words after an agenda cue ("let us talk about the beta"), plus 0.5 in the opening, where
// subjects are named: the sentences that start within the first kOpeningShare of the terms (at
// least the first kOpeningTerms, so that small talk does not push the agenda out of it).
struct Occurrence {
  double weight = 1;
  bool declared = false;  // announced as a subject in the opening sentences
};

std::vector<Occurrence> OccurrenceWeights(const Sentence& sentence, bool opening) {
  const double base = opening ? 1.5 : 1.0;
  std::vector<Occurrence> weights(sentence.terms.size(), Occurrence{base, false});
  for (std::size_t i = 0; i < sentence.terms.size(); ++i) {
    if (!IsAgendaCue(sentence.terms, i)) continue;
    for (std::size_t k = i + 1; k < std::min(sentence.terms.size(), i + 1 + kCueReach); ++k)
      weights[k] = Occurrence{base + kCueBonus, opening};
  }
  return weights;
}

enum class Role { kBreak, kModifier, kNoun };

// After a noun, a word that can be a verb is its verb when an object or a complement follows
// ("the cottage sounds better", "the contractors cost us"), or when it agrees with the noun as
// its subject and is usually a verb ("offline mode starts", "competitors show prices").
bool ReadsAsVerbAfterNoun(std::string_view term, const TermInfo& info, std::string_view previous,
                          std::string_view next) {
  const WordClass& word_class = info.word_class;
  if (!word_class.Is(PartOfSpeech::kVerb)) return false;
  if (AfterVerbs().contains(next)) return true;
  // Number agreement: "mode starts", "users need", but "beta launch", "crash reports".
  const bool plural_before = previous.size() > 3 && previous.back() == 's' && !previous.ends_with("ss");
  const bool third_person = term.size() > 3 && term.back() == 's' && !term.ends_with("ss");
  return plural_before != third_person && word_class.MostlyVerb();
}

struct Token {
  std::string_view term;
  const TermInfo* info = nullptr;
  Role role = Role::kBreak;
  double weight = 1;  // how much an occurrence starting here counts
  bool declared = false;
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
  bool declared = false;
  std::size_t first_sentence = 0;
};

class CandidateTable {
 public:
  void Add(std::span<const Token> tokens, std::string_view joiner, std::span<const Token> tail,
           std::size_t sentence, double weight, bool declared) {
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
    if (inserted) candidates_.push_back(Candidate{key, text, std::move(stems), words, 0, 0, false, sentence});
    ++candidates_[it->second].count;
    candidates_[it->second].weight += weight;
    candidates_[it->second].declared = candidates_[it->second].declared || declared;
  }
  // Marks the candidate made of `tokens` (when there is one) as a declared subject, weighted as
  // if said once more after an agenda cue.
  void Declare(std::span<const Token> tokens) {
    std::string key;
    for (const Token& token : tokens) {
      if (!key.empty()) key += ' ';
      key += token.info->stem;
    }
    auto it = index_.find(key);
    if (it == index_.end()) return;
    candidates_[it->second].declared = true;
    candidates_[it->second].weight += kCueBonus;
  }
  std::vector<Candidate>& candidates() { return candidates_; }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<Candidate> candidates_;
};

constexpr std::size_t kMaxPhraseNouns = 4;  // content words of a phrase without "of"

// The candidates of one run of nouns and adjectives: every stretch of at most kMaxPhraseNouns
// words that ends in a noun.
void AddRun(std::span<const Token> run, std::size_t sentence, CandidateTable& table) {
  for (std::size_t end = 0; end < run.size(); ++end) {
    if (run[end].role != Role::kNoun) continue;
    for (std::size_t begin = end + 1 > kMaxPhraseNouns ? end + 1 - kMaxPhraseNouns : 0; begin <= end;
         ++begin) {
      table.Add(run.subspan(begin, end - begin + 1), "", {}, sentence, run[begin].weight,
                run[begin].declared);
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

namespace {

struct StemStats {
  double weight = 0;  // weighted occurrences
  std::size_t said = 0;
  std::unordered_set<int> speakers;
  const TermInfo* info = nullptr;
};

// Collects the candidates and stem statistics of the sentences, one at a time.
class PhraseFinder {
 public:
  PhraseFinder(std::span<const Sentence> sentences, TermCache& cache) : cache_(&cache) {
    std::size_t total = 0;
    for (const Sentence& sentence : sentences)
      total += sentence.terms.size();
    opening_terms_ =
        std::max(kOpeningTerms, static_cast<std::size_t>(kOpeningShare * static_cast<double>(total)));
  }

  void Add(const Sentence& sentence, std::size_t index) {
    const bool opening = terms_before_ < opening_terms_;
    terms_before_ += sentence.terms.size();
    Classify(sentence, OccurrenceWeights(sentence, opening));
    const std::size_t cue = opening ? BackReference(sentence.terms) : kNoCue;
    const std::vector<Token> referent = AddRuns(index, cue);
    for (std::size_t begin = 0; begin < referent.size(); ++begin)
      table_.Declare(std::span<const Token>(referent).subspan(begin));
  }

  KeyPhrases Result();

 private:
  void Classify(const Sentence& sentence, const std::vector<Occurrence>& weights);
  std::vector<Token> AddRuns(std::size_t index, std::size_t cue);

  static constexpr std::size_t kNoCue = std::numeric_limits<std::size_t>::max();

  // "so today we review it", "i wanted to go through them": the position of an agenda cue
  // followed by a pronoun, which names the noun phrase said just before; kNoCue when none.
  static std::size_t BackReference(std::span<const std::string> terms) {
    for (std::size_t i = 0; i + 1 < terms.size(); ++i) {
      if (!IsAgendaCue(terms, i)) continue;
      for (std::size_t k = i + 1; k < std::min(terms.size(), i + 3); ++k) {
        if (terms[k] == "it" || terms[k] == "them" || terms[k] == "this" || terms[k] == "that") return i;
      }
    }
    return kNoCue;
  }

  TermCache* cache_;
  std::size_t opening_terms_ = 0;
  std::size_t terms_before_ = 0;
  std::vector<Token> tokens_;
  std::vector<Token> last_run_;  // the nouns of the last run said, for BackReference
  CandidateTable table_;
  std::unordered_map<std::string, StemStats> stems_;
};

void PhraseFinder::Classify(const Sentence& sentence, const std::vector<Occurrence>& weights) {
  tokens_.clear();
  std::string_view previous;
  Role previous_role = Role::kBreak;
  for (std::size_t t = 0; t < sentence.terms.size(); ++t) {
    const std::string& term = sentence.terms[t];
    const TermInfo& info = cache_->Get(term);
    Role role = RoleOf(info, previous, previous_role);
    const std::string_view next =
        t + 1 < sentence.terms.size() ? std::string_view(sentence.terms[t + 1]) : "";
    if (role != Role::kBreak && previous_role == Role::kNoun &&
        ReadsAsVerbAfterNoun(term, info, previous, next)) {
      role = Role::kBreak;
    }
    tokens_.push_back(Token{term, &info, role, weights[t].weight, weights[t].declared});
    if (role != Role::kBreak) {
      StemStats& stats = stems_[info.stem];
      stats.weight += weights[t].weight;
      stats.said += 1;
      stats.speakers.insert(sentence.speaker);
      stats.info = &info;
    }
    previous = term;
    previous_role = role;
  }
}

// Runs of nouns and adjectives; "A of the B" joins a run ending in a noun with the next one.
// Returns the nouns of the last run said before position `cue` (this sentence or an earlier one),
// or nothing when cue is kNoCue.
std::vector<Token> PhraseFinder::AddRuns(std::size_t index, std::size_t cue) {
  const std::vector<Token>& tokens = tokens_;
  std::vector<Token> referent;
  bool referent_taken = cue == kNoCue;
  std::size_t i = 0;
  while (i < tokens.size()) {
    if (tokens[i].role == Role::kBreak) {
      ++i;
      continue;
    }
    if (!referent_taken && i > cue) {
      referent = last_run_;
      referent_taken = true;
    }
    std::size_t end = i;
    while (end < tokens.size() && tokens[end].role != Role::kBreak)
      ++end;
    std::span<const Token> run(tokens.data() + i, end - i);
    AddRun(run, index, table_);
    std::span<const Token> nouns = NounPrefix(run, run.size());
    if (!nouns.empty()) last_run_.assign(nouns.begin(), nouns.end());
    if (run.back().role == Role::kNoun && end < tokens.size() &&
        (tokens[end].term == "of" ||
         // "budget for the project"; without a determiner "for" mostly belongs to a verb ("ask
         // the city for bags").
         (tokens[end].term == "for" && end + 1 < tokens.size() &&
          OfDeterminers().contains(tokens[end + 1].term)))) {
      std::size_t next = end + 1;
      std::string joiner(tokens[end].term);
      if (next < tokens.size() && OfDeterminers().contains(tokens[next].term)) {
        joiner += ' ';
        joiner += tokens[next].term;
        ++next;
      }
      // "the new project": adjectives too common to count still belong to the phrase.
      const std::size_t tail_begin = next;
      while (next < tokens.size() && CommonAdjectives().contains(tokens[next].term))
        ++next;
      std::size_t next_end = next;
      while (next_end < tokens.size() && tokens[next_end].role != Role::kBreak)
        ++next_end;
      std::span<const Token> tail_nouns =
          NounPrefix(std::span<const Token>(tokens.data() + next, next_end - next), 2);
      std::span<const Token> tail(tokens.data() + tail_begin,
                                  tail_nouns.empty() ? 0 : next - tail_begin + tail_nouns.size());
      std::span<const Token> head = run.last(std::min<std::size_t>(run.size(), 2));
      if (!tail.empty()) table_.Add(head, joiner, tail, index, head.front().weight, head.front().declared);
    }
    i = end;
  }
  if (!referent_taken) referent = last_run_;
  return referent;
}

KeyPhrases PhraseFinder::Result() {
  KeyPhrases result;
  for (const auto& [stem, stats] : stems_) {
    const WordClass& word_class = stats.info->word_class;
    const double uses = static_cast<double>(word_class.noun_uses + word_class.adjective_uses);
    const double spread = 1.0 + 0.5 * static_cast<double>(stats.speakers.size() - 1);
    result.stem_weights[stem] = stats.weight * spread / (1.0 + std::log1p(uses / 100.0));
    result.stem_counts[stem] = stats.said;
  }
  for (Candidate& candidate : table_.candidates()) {
    double sum = 0;
    for (const std::string& stem : candidate.stems)
      sum += result.stem_weights[stem];
    KeyPhrase phrase;
    phrase.text = std::move(candidate.text);
    phrase.words = candidate.words;
    phrase.count = candidate.count;
    phrase.first_sentence = candidate.first_sentence;
    phrase.declared = candidate.declared;
    phrase.score = sum * std::sqrt(candidate.weight) / std::sqrt(static_cast<double>(candidate.stems.size()));
    phrase.stems = std::move(candidate.stems);
    result.phrases.push_back(std::move(phrase));
  }
  std::stable_sort(result.phrases.begin(), result.phrases.end(), [](const KeyPhrase& a, const KeyPhrase& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.first_sentence < b.first_sentence;
  });
  return result;
}

}  // namespace

KeyPhrases FindKeyPhrases(std::span<const Sentence> sentences, TermCache& cache) {
  PhraseFinder finder(sentences, cache);
  for (std::size_t s = 0; s < sentences.size(); ++s)
    finder.Add(sentences[s], s);
  return finder.Result();
}

}  // namespace reflector::llm
