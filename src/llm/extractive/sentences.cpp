#include "llm/extractive/sentences.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include "llm/terms.hpp"
#include "llm/text.hpp"

namespace reflector::llm {
namespace {

using WordSet = std::unordered_set<std::string_view>;

constexpr std::size_t kMaxQuoteTerms = 22;  // longer stretches are run-ons, often misrecognised

bool In(const WordSet& set, std::string_view term) {
  return set.contains(term);
}

const WordSet& Capitalised() {
  static const WordSet words = {"monday",   "tuesday", "wednesday", "thursday",  "friday",  "saturday",
                                "sunday",   "january", "february",  "march",     "april",   "may",
                                "june",     "july",    "august",    "september", "october", "november",
                                "december", "english", "europe",    "american",  "european"};
  return words;
}

// Words that make a clause finite, so that it can stand as a sentence.
const WordSet& FiniteVerbs() {
  static const WordSet words = {
      "am",      "are",    "is",     "was",    "were",     "will",   "would",   "can",    "could",
      "should",  "shall",  "must",   "have",   "has",      "had",    "do",      "does",   "did",
      "need",    "needs",  "want",   "wants",  "it's",     "that's", "there's", "we're",  "they're",
      "i'm",     "you're", "he's",   "she's",  "what's",   "let's",  "i'll",    "we'll",  "you'll",
      "they'll", "it'll",  "i've",   "we've",  "they've",  "don't",  "doesn't", "didn't", "can't",
      "won't",   "isn't",  "aren't", "wasn't", "couldn't", "i'd",    "we'd",    "go",     "goes",
      "get",     "gets",   "think",  "know"};
  return words;
}

const WordSet& SubjectPronouns() {
  static const WordSet words = {"i",      "we",     "you",      "they",      "he",      "she",
                                "it",     "nobody", "everyone", "everybody", "someone", "somebody",
                                "people", "this",   "that",     "there"};
  return words;
}

// A quote ending with one of these was cut off mid-clause.
const WordSet& Dangling() {
  static const WordSet words = {
      "a",       "an",    "the",  "and",  "or",   "but",  "of",    "to",    "for",   "with", "in",
      "on",      "at",    "from", "by",   "our",  "my",   "your",  "their", "his",   "her",  "its",
      "is",      "are",   "was",  "were", "that", "this", "we",    "i",     "you",   "they", "so",
      "because", "if",    "than", "very", "as",   "into", "about", "will",  "would", "can",  "could",
      "should",  "be",    "been", "have", "has",  "had",  "do",    "does",  "did",   "not",  "when",
      "where",   "which", "who",  "what", "then", "also", "just",  "really"};
  return words;
}

constexpr std::size_t kMaxInstructionTerms = 15;

// Third-person verbs that say what happens to something: "the price goes up", "dark mode waits".
const WordSet& ScheduleVerbs() {
  static const WordSet words = {
      "goes",   "moves",   "stays",   "waits",   "comes",   "starts",  "launches",  "ends",     "opens",
      "closes", "becomes", "leads",   "takes",   "reviews", "sends",   "runs",      "handles",  "owns",
      "keeps",  "drops",   "rises",   "changes", "shifts",  "remains", "continues", "replaces", "joins",
      "gets",   "slips",   "happens", "stay",    "wait",    "go",      "move",      "keep"};
  return words;
}

const WordSet& Determiners() {
  static const WordSet words = {"the", "a",    "an",   "our",   "your", "their",
                                "my",  "this", "that", "every", "each", "all"};
  return words;
}

// Words that open a sentence without belonging to its clause.
const WordSet& LeadMarkers() {
  static const WordSet words = {"so",     "then",      "okay",      "ok",     "alright", "right",  "yes",
                                "yeah",   "good",      "great",     "fine",   "perfect", "agreed", "well",
                                "and",    "now",       "oh",        "sure",   "but",     "also",   "honestly",
                                "lovely", "wonderful", "excellent", "thanks", "anyway"};
  return words;
}

// After these leads a clause in the present tense states what will happen.
const WordSet& DecisiveLeads() {
  static const WordSet words = {"so",   "then",   "okay", "ok",    "alright",
                                "fine", "agreed", "good", "great", "perfect"};
  return words;
}

// Verbs that talk about the meeting itself, or think rather than act.
const WordSet& MetaVerbs() {
  static const WordSet words = {
      "start",     "begin",   "talk",  "go",       "see",  "look",    "decide",  "sum",   "summarise",
      "summarize", "repeat",  "recap", "continue", "wrap", "get",     "hear",    "think", "say",
      "know",      "thank",   "let",   "wait",     "come", "mind",    "welcome", "sorry", "excuse",
      "please",    "sound",   "try",   "need",     "have", "be",      "do",      "keep",  "hope",
      "guess",     "believe", "want",  "like",     "love", "agree",   "discuss", "check", "remember",
      "tell",      "ask",     "focus", "learn",    "mean", "imagine", "move",    "take",  "give"};
  return words;
}

const WordSet& Modals() {
  static const WordSet words = {"can", "could", "would", "might", "may", "should", "must", "cannot", "can't"};
  return words;
}

const WordSet& ObjectStarts() {
  static const WordSet words = {"the",      "a",    "an",   "our",  "your", "their", "my",
                                "this",     "that", "it",   "them", "us",   "him",   "her",
                                "everyone", "one",  "some", "all",  "two",  "three"};
  return words;
}

const WordSet& Proposing() {
  static const WordSet words = {"think", "propose", "suggest", "guess", "say"};
  return words;
}

// A meta verb in any form ("talked", "starts").
bool IsMetaVerb(std::string_view word) {
  if (In(MetaVerbs(), word)) return true;
  for (std::string_view suffix : {"ed", "d", "s", "ing"}) {
    if (word.size() > suffix.size() + 2 && word.ends_with(suffix) &&
        In(MetaVerbs(), word.substr(0, word.size() - suffix.size()))) {
      return true;
    }
  }
  return false;
}

// Meta verbs that also start or change real work: "we start a weekend rota", "we move the launch".
bool StartsWork(std::string_view word) {
  for (std::string_view verb : {"start", "begin", "move", "keep", "take", "check"}) {
    if (word.starts_with(verb)) return true;
  }
  return false;
}

// Whether `term` opens an instruction ("take the cheaper quote", "send a short note"): a verb
// that is only a verb, or mostly one and followed by its object's determiner; not a meta verb
// (apart from take, move, keep and check) and not an auxiliary ("can you ...").
bool OpensInstruction(std::string_view term, std::string_view next, TermCache& cache) {
  if (In(MetaVerbs(), term) && !StartsWork(term)) return false;
  const TermInfo& info = cache.Get(term);
  if (In(FiniteVerbs(), term) || !cache.lexicon().IsVerbLemma(term)) return false;
  return info.word_class.OnlyVerb() || (info.word_class.MostlyVerb() && In(ObjectStarts(), next));
}

// Recognisers often split a compound noun into two words ("the park clean up", "a back log"):
// after a determiner or a noun, two words that together make a noun become that noun.
void MergeSplitCompounds(std::vector<std::string>& terms, TermCache& cache) {
  for (std::size_t i = 1; i + 1 < terms.size(); ++i) {
    const TermInfo& previous = cache.Get(terms[i - 1]);
    const bool noun_before = In(Determiners(), terms[i - 1]) ||
                             (!previous.stopword && previous.word_class.Is(PartOfSpeech::kNoun));
    if (!noun_before || In(Determiners(), terms[i]) || terms[i].size() < 2 || terms[i + 1].size() < 2)
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
    } else if (word == "i" || word.starts_with("i'") || In(Capitalised(), word) || i == 0) {
      if (!word.empty() && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 'a' + 'A');
    }
    if (!text.empty()) text += ' ';
    text += word;
  }
  return text;
}

bool ReadsAsSentence(std::span<const std::string> terms, TermCache& cache) {
  if (terms.size() < 4 || terms.size() > kMaxQuoteTerms) return false;
  if (In(Dangling(), terms.back())) return false;
  bool finite = false;
  std::size_t content = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const TermInfo& info = cache.Get(terms[i]);
    if (!info.stopword) ++content;
    if (In(FiniteVerbs(), terms[i])) finite = true;
    if (i > 0 && In(SubjectPronouns(), terms[i - 1]) && info.word_class.Is(PartOfSpeech::kVerb))
      finite = true;
  }
  return finite && content * 4 >= terms.size();
}

std::optional<Statement> FindStatement(const Sentence& sentence, const SpeakerNames& names,
                                       TermCache& cache) {
  std::span<const std::string> terms = sentence.terms;
  bool decisive = false;
  bool past_allowed = false;  // "then we hired two agents": a recogniser's "hire"
  while (!terms.empty() && In(LeadMarkers(), terms.front())) {
    decisive = decisive || In(DecisiveLeads(), terms.front());
    past_allowed = past_allowed || terms.front() == "then";
    terms = terms.subspan(1);
  }
  // "i think we ...", "i propose we ...": a proposal, stated like a decision.
  if (terms.size() > 3 && terms[0] == "i" && In(Proposing(), terms[1]) &&
      (terms[2] == "we" || (terms[2] == "that" && terms[3] == "we"))) {
    terms = terms.subspan(terms[2] == "that" ? 3 : 2);
    decisive = true;
    past_allowed = true;
  }
  if (terms.size() < 3) return std::nullopt;
  const Lexicon& lexicon = cache.lexicon();
  auto at = [&](std::size_t i) -> std::string_view {
    return i < terms.size() ? std::string_view(terms[i]) : "";
  };
  auto acts = [&](std::string_view verb) { return lexicon.IsVerbLemma(verb) && !In(MetaVerbs(), verb); };
  auto make = [&](StatementKind kind, std::vector<std::string> clause) -> std::optional<Statement> {
    if (clause.size() < 3) return std::nullopt;
    if (clause.size() > 24) clause.resize(24);
    while (!clause.empty() && In(Dangling(), clause.back()))
      clause.pop_back();
    if (clause.size() < 3) return std::nullopt;
    Statement statement{kind, RenderTerms(clause, names), clause};
    statement.text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(statement.text[0])));
    if (kind == StatementKind::kAction)
      statement.text = SpeakerName(names, sentence.speaker) + statement.text.substr(1);
    return statement;
  };
  auto rest = [&](std::size_t from) {
    return std::vector<std::string>(terms.begin() + static_cast<std::ptrdiff_t>(std::min(from, terms.size())),
                                    terms.end());
  };
  auto with = [&](std::vector<std::string> head, std::size_t from) {
    std::vector<std::string> tail = rest(from);
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };

  // Actions: "i will <verb>", "i'll <verb>", "i am going to <verb>".
  std::size_t verb = terms.size();
  if (at(0) == "i'll") verb = 1;
  if (at(0) == "i" && at(1) == "will") verb = 2;
  if ((at(0) == "i'm" && at(1) == "going" && at(2) == "to") ||
      (at(0) == "i" && at(1) == "am" && at(2) == "going" && at(3) == "to")) {
    verb = at(0) == "i'm" ? 3 : 4;
  }
  if (verb < terms.size() && at(verb) == "also") ++verb;
  if (verb < terms.size()) {
    const std::string_view v = at(verb);
    if (lexicon.IsVerbLemma(v) && v != "think" && v != "see" && v != "try" && v != "be") {
      return make(StatementKind::kAction, with({"i", "will"}, verb));
    }
    return std::nullopt;
  }
  // "we decided to ...", "we agreed to / that ...", "the decision is ...".
  for (std::size_t i = 0; i + 1 < terms.size(); ++i) {
    if (at(i) == "we" && (at(i + 1) == "decided" || at(i + 1) == "agreed"))
      return make(StatementKind::kDecision, rest(i));
    if (at(i) == "decision" && at(i + 1) == "is") {
      const std::size_t from = at(i + 2) == "that" ? i + 3 : i + 2;
      if (from + 3 <= terms.size() && at(from) != "clear") return make(StatementKind::kDecision, rest(from));
    }
  }
  // "we will <verb>", "we'll <verb>", "we are going to <verb>".
  verb = terms.size();
  if (at(0) == "we'll") verb = 1;
  if (at(0) == "we" && at(1) == "will") verb = 2;
  if (at(0) == "we're" && at(1) == "going" && at(2) == "to") verb = 3;
  if (at(0) == "we" && at(1) == "are" && at(2) == "going" && at(3) == "to") verb = 4;
  if (verb < terms.size()) {
    if (acts(at(verb)) || (StartsWork(at(verb)) && at(verb + 1) != "with" && at(verb + 1) != "on")) {
      return make(StatementKind::kDecision, with({"we", "will"}, verb));
    }
    return std::nullopt;
  }
  // "let us <verb>", "let's <verb>": a proposal made to the room.
  if ((at(0) == "let" && at(1) == "us") || at(0) == "let's") {
    verb = at(0) == "let's" ? 1 : 2;
    if (acts(at(verb)) || at(verb) == "do" ||
        ((at(verb) == "move" || at(verb) == "keep" || at(verb) == "take") && at(verb + 1) != "on")) {
      return make(StatementKind::kDecision, with({"we"}, verb));
    }
    return std::nullopt;
  }
  // "take the cheaper quote": an instruction.
  if (OpensInstruction(at(0), at(1), cache) && terms.size() >= 4 && terms.size() <= kMaxInstructionTerms) {
    return make(StatementKind::kDecision, rest(0));
  }
  // "the price goes up", "then dark mode waits": a noun phrase, then a verb of change or of
  // schedule in the third person.
  const bool noun_phrase_start =
      (In(Determiners(), at(0)) && at(0) != "that" && at(0) != "this") ||
      (!In(SubjectPronouns(), at(0)) && !In(FiniteVerbs(), at(0)) && !In(Dangling(), at(0)) &&
       !cache.Get(std::string(at(0))).word_class.OnlyVerb());
  if (noun_phrase_start) {
    bool subject = false;  // a content word before the verb
    for (std::size_t i = 1; i < std::min<std::size_t>(terms.size() - 1, 5); ++i) {
      subject = subject || !cache.Get(std::string(at(i - 1))).stopword;
      const bool scheduled =
          decisive && (at(i) == "is" || at(i) == "are") && (at(i + 1) == "on" || at(i + 1) == "in");
      const bool possible = In(Modals(), at(i - 1));  // "the budget can go down" is not decided
      if (subject && !possible && (In(ScheduleVerbs(), at(i)) || scheduled)) {
        return make(StatementKind::kDecision, rest(0));
      }
    }
  }
  if (!decisive) return std::nullopt;
  // "so we <verb> ...": a plan stated in the present tense; "then we can <verb>". Any form of
  // the verb: recognisers often hear "hire" as "hired".
  if (at(0) == "we") {
    verb = (at(1) == "also" || at(1) == "just" || at(1) == "then" || at(1) == "should" || at(1) == "can") ? 2
                                                                                                          : 1;
    const std::string_view v = at(verb);
    const std::string_view next = at(verb + 1);
    const bool verb_form = lexicon.IsVerbLemma(v) ||
                           (past_allowed && cache.Get(std::string(v)).word_class.Is(PartOfSpeech::kVerb));
    const bool plain_verb =
        verb_form && !In(FiniteVerbs(), v) && !cache.Get(std::string(v)).word_class.Is(PartOfSpeech::kAdverb);
    const bool acting = !IsMetaVerb(v) || (StartsWork(v) && next != "with" && next != "on" && next != "by");
    if (plain_verb && acting) return make(StatementKind::kDecision, rest(0));
    return std::nullopt;
  }
  return std::nullopt;
}

namespace {

constexpr std::size_t kMaxRecapTerms = 32;
constexpr std::size_t kRecapSentences = 2;

const WordSet& DecideFillers() {
  static const WordSet words = {"it", "that", "this", "now", "part", "then", "on", "the", "date", "today"};
  return words;
}

// The index just after a recap cue in `terms`, or nullopt: "sum up", "summarise", "summarize",
// "recap", "repeat the plan" (and "repeat" at the end of a sentence: "let me repeat"), "let us
// decide (it now)".
std::optional<std::size_t> AfterRecapCue(std::span<const std::string> terms) {
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (terms[i] == "sum" && i + 1 < terms.size() && terms[i + 1] == "up") return i + 2;
    if (terms[i] == "summarise" || terms[i] == "summarize" || terms[i] == "recap") return i + 1;
    if (terms[i] == "decide" && i > 0 && (terms[i - 1] == "us" || terms[i - 1] == "let's")) {
      std::size_t after = i + 1;
      while (after < terms.size() && In(DecideFillers(), terms[after]))
        ++after;
      return after;
    }
    if (terms[i] == "repeat") {
      if (i + 2 < terms.size() && terms[i + 1] == "the" && terms[i + 2] == "plan") return i + 3;
      if (i + 1 == terms.size()) return i + 1;
    }
  }
  return std::nullopt;
}

std::optional<Statement> RecapStatement(std::span<const std::string> terms, const SpeakerNames& names) {
  std::vector<std::string> clause(
      terms.begin(), terms.begin() + static_cast<std::ptrdiff_t>(std::min(terms.size(), kMaxRecapTerms)));
  while (!clause.empty() && (In(Dangling(), clause.front()) || In(LeadMarkers(), clause.front())))
    clause.erase(clause.begin());
  while (!clause.empty() && In(Dangling(), clause.back()))
    clause.pop_back();
  if (clause.size() < 4) return std::nullopt;
  Statement statement{StatementKind::kDecision, RenderTerms(clause, names), clause};
  statement.text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(statement.text[0])));
  return statement;
}

}  // namespace

std::vector<std::optional<Statement>> FindStatements(std::span<const Sentence> sentences,
                                                     const SpeakerNames& names, TermCache& cache) {
  std::vector<std::optional<Statement>> statements;
  for (const Sentence& sentence : sentences)
    statements.push_back(FindStatement(sentence, names, cache));
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const std::optional<std::size_t> after = AfterRecapCue(sentences[i].terms);
    if (!after) continue;
    const std::span<const std::string> rest =
        std::span<const std::string>(sentences[i].terms).subspan(*after);
    if (auto statement = RecapStatement(rest, names)) {
      statements[i] = std::move(statement);
      continue;
    }
    for (std::size_t k = i + 1; k < std::min(sentences.size(), i + 1 + kRecapSentences); ++k) {
      if (sentences[k].speaker != sentences[i].speaker) break;
      if (auto statement = RecapStatement(sentences[k].terms, names)) statements[k] = std::move(statement);
    }
  }
  return statements;
}

}  // namespace reflector::llm
