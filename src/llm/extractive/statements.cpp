#include "llm/extractive/statements.hpp"

#include <algorithm>
#include <cctype>

#include "llm/extractive/word_lists.hpp"
#include "llm/text.hpp"

namespace reflector::llm {
namespace {

using Terms = std::vector<std::string>;

constexpr std::size_t kMinClauseTerms = 3;
constexpr std::size_t kMaxClauseTerms = 24;
constexpr std::size_t kMaxInstructionTerms = 15;
constexpr std::size_t kMaxRecapTerms = 32;
constexpr std::size_t kMaxRecapSentences = 6;

// A sentence with its leading words ("so", "okay then") set aside.
struct Reading {
  std::span<const std::string> terms;
  bool decisive = false;      // a decisive lead, a proposal, or the previous sentence agreed
  bool past_allowed = false;  // "then we hired two agents": a recogniser's "hire"
  const Lexicon* lexicon = nullptr;
  TermCache* cache = nullptr;

  std::string_view At(std::size_t i) const { return i < terms.size() ? std::string_view(terms[i]) : ""; }
  Terms From(std::size_t i) const {
    return Terms(terms.begin() + static_cast<std::ptrdiff_t>(std::min(i, terms.size())), terms.end());
  }
  Terms With(Terms head, std::size_t i) const {
    Terms tail = From(i);
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  }
  bool IsVerb(std::string_view term) const {
    return cache->Get(std::string(term)).word_class.Is(PartOfSpeech::kVerb);
  }
  // A verb that does something (not "talk", "think", "have"), or one that starts work when no
  // "on" / "with" follows ("move the launch", not "move on").
  bool Acts(std::size_t i) const {
    const std::string_view verb = At(i);
    if (!lexicon->IsVerbLemma(verb)) return false;
    if (!words::IsMetaVerb(verb)) return true;
    return words::StartsWork(verb) && At(i + 1) != "on" && At(i + 1) != "with";
  }
};

Reading SetLeadsAside(std::span<const std::string> terms, bool after_agreement, TermCache& cache) {
  Reading reading{terms, after_agreement, false, &cache.lexicon(), &cache};
  while (!reading.terms.empty() && words::IsLeadMarker(reading.terms.front())) {
    reading.decisive = reading.decisive || words::IsDecisiveLead(reading.terms.front());
    reading.past_allowed = reading.past_allowed || reading.terms.front() == "then";
    reading.terms = reading.terms.subspan(1);
  }
  // "i agree (with that), we ...": agreeing decides.
  if (reading.At(0) == "i" && reading.At(1) == "agree") {
    std::size_t skip = 2;
    if (reading.At(skip) == "with") skip += 2;  // "with that", "with bob"
    if (reading.At(skip) == "that") ++skip;
    reading.terms = reading.terms.subspan(std::min(skip, reading.terms.size()));
    reading.decisive = true;
  }
  // "(i agree with bob) that we ...": the rest of an agreement.
  if (reading.At(0) == "that" && reading.At(1) == "we" && after_agreement)
    reading.terms = reading.terms.subspan(1);
  // "from now on we ..." decides; "i think / propose we ..." proposes, which counts the same.
  if (reading.At(0) == "from" && reading.At(1) == "now" && reading.At(2) == "on") {
    reading.terms = reading.terms.subspan(3);
    reading.decisive = true;
  }
  if (reading.At(0) == "i" && words::IsProposing(reading.At(1)) &&
      (reading.At(2) == "we" || (reading.At(2) == "that" && reading.At(3) == "we"))) {
    reading.terms = reading.terms.subspan(reading.At(2) == "that" ? 3 : 2);
    reading.decisive = true;
    reading.past_allowed = true;
  }
  return reading;
}

std::optional<Statement> MakeStatement(StatementKind kind, Terms clause, int speaker,
                                       const SpeakerNames& names, std::size_t max_terms) {
  if (clause.size() > max_terms) clause.resize(max_terms);
  // "we hire two engineers if our budget allows": the condition is left out.
  for (std::size_t i = kMinClauseTerms; i < clause.size(); ++i) {
    if (clause[i] == "if" || clause[i] == "because" || clause[i] == "unless" || clause[i] == "although") {
      clause.resize(i);
      break;
    }
  }
  while (!clause.empty() && (words::IsDangling(clause.front()) || words::IsLeadMarker(clause.front())) &&
         clause.front() != "we" && clause.front() != "i" && clause.front() != "the") {
    clause.erase(clause.begin());
  }
  while (!clause.empty() && words::IsDangling(clause.back()))
    clause.pop_back();
  if (clause.size() < kMinClauseTerms) return std::nullopt;
  Statement statement{kind, RenderTerms(clause, names), clause};
  statement.text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(statement.text[0])));
  if (kind == StatementKind::kAction) statement.text = SpeakerName(names, speaker) + statement.text.substr(1);
  return statement;
}

// "i will <verb>", "i'll <verb>", "i'd <verb>", "i am going to <verb>": an action.
std::optional<Terms> Action(const Reading& r) {
  std::size_t verb = r.terms.size();
  if (r.At(0) == "i'll" || r.At(0) == "i'd") verb = 1;
  if (r.At(0) == "i" && r.At(1) == "will") verb = 2;
  if (r.At(0) == "i'm" && r.At(1) == "going" && r.At(2) == "to") verb = 3;
  if (r.At(0) == "i" && r.At(1) == "am" && r.At(2) == "going" && r.At(3) == "to") verb = 4;
  if (verb < r.terms.size() && r.At(verb) == "also") ++verb;
  if (verb >= r.terms.size()) return std::nullopt;
  const std::string_view v = r.At(verb);
  if (!r.lexicon->IsVerbLemma(v) || v == "think" || v == "see" || v == "try" || v == "be")
    return std::nullopt;
  // "i'd" is often "i would": "i'd love to", "i'd rather".
  if (r.At(0) == "i'd" && words::IsMetaVerb(v) && !words::StartsWork(v)) return std::nullopt;
  return r.With({"i", "will"}, verb);
}

// "we decided / agreed ...", "the decision is (that) ...".
std::optional<Terms> Explicit(const Reading& r) {
  for (std::size_t i = 0; i + 1 < r.terms.size(); ++i) {
    if (r.At(i) == "we" && (r.At(i + 1) == "decided" || r.At(i + 1) == "agreed")) return r.From(i);
    if (r.At(i) == "decision" && r.At(i + 1) == "is") {
      const std::size_t from = r.At(i + 2) == "that" ? i + 3 : i + 2;
      if (from + 3 <= r.terms.size() && r.At(from) != "clear") return r.From(from);
    }
  }
  return std::nullopt;
}

// "we will <verb>", "we'll <verb>", "we are going to <verb>"; "we will have X ready".
std::optional<Terms> WeWill(const Reading& r) {
  std::size_t verb = r.terms.size();
  if (r.At(0) == "we'll") verb = 1;
  if (r.At(0) == "we" && r.At(1) == "will") verb = 2;
  if (r.At(0) == "we're" && r.At(1) == "going" && r.At(2) == "to") verb = 3;
  if (r.At(0) == "we" && r.At(1) == "are" && r.At(2) == "going" && r.At(3) == "to") verb = 4;
  if (verb >= r.terms.size()) return std::nullopt;
  const bool ready = r.At(verb) == "have" &&
                     std::any_of(r.terms.begin() + static_cast<std::ptrdiff_t>(verb), r.terms.end(),
                                 [](const std::string& term) { return term == "ready" || term == "done"; });
  if (!r.Acts(verb) && !ready) return std::nullopt;
  return r.With({"we", "will"}, verb);
}

// "let us <verb>", "let's <verb>": a proposal made to the room ("let us have the parents run
// the stalls"), unless it is about the meeting itself ("let us start", "let us move on").
std::optional<Terms> LetUs(const Reading& r) {
  std::size_t verb = 0;
  if (r.At(0) == "let" && r.At(1) == "us") verb = 2;
  if (r.At(0) == "let's") verb = 1;
  if (verb == 0) return std::nullopt;
  const std::string_view v = r.At(verb);
  if (!r.Acts(verb) && v != "do" && v != "have") return std::nullopt;
  return r.With({"we"}, verb);
}

// "take the cheaper quote": a verb that is only or mostly a verb, then its object ("the", "a",
// "it", ..., not a possessive: "build their own charts" continues a sentence); not a meta verb
// (take, move, keep and check apart) nor an auxiliary.
std::optional<Terms> Instruction(const Reading& r) {
  if (r.terms.size() < 4 || r.terms.size() > kMaxInstructionTerms) return std::nullopt;
  const std::string_view verb = r.At(0);
  if (words::IsFiniteVerb(verb) || !r.lexicon->IsVerbLemma(verb)) return std::nullopt;
  if (words::IsMetaVerb(verb) && !words::StartsWork(verb)) return std::nullopt;
  const WordClass& word_class = r.cache->Get(std::string(verb)).word_class;
  const std::string_view object = r.At(1);
  const bool possessive = object == "their" || object == "our" || object == "your" || object == "my";
  if (!(word_class.OnlyVerb() || word_class.MostlyVerb()) || !words::IsObjectStart(object) || possessive) {
    return std::nullopt;
  }
  return r.From(0);
}

// Whether the clause can open with a noun phrase (not a pronoun, auxiliary or verb).
bool OpensWithNounPhrase(const Reading& r) {
  const std::string_view first = r.At(0);
  if (words::IsDeterminer(first)) return first != "that" && first != "this";
  if (words::IsNumber(first)) return true;  // "two agents start on monday"
  const TermInfo& info = r.cache->Get(std::string(first));
  return !info.stopword && !info.word_class.OnlyVerb();
}

// "the monthly price goes up", "dark mode waits": a noun phrase with a content word, then a verb
// of change or schedule in the third person, not after a modal ("the budget can go down").
std::optional<Terms> ThirdPerson(const Reading& r) {
  if (r.terms.size() < 3 || !OpensWithNounPhrase(r)) return std::nullopt;
  bool subject = false;
  for (std::size_t i = 1; i < std::min<std::size_t>(r.terms.size() - 1, 5); ++i) {
    subject = subject || !r.cache->Get(r.terms[i - 1]).stopword;
    // Not after a modal ("can go down") nor in a relative clause ("the emails that go out").
    const bool bound = words::IsModal(r.At(i - 1)) || r.At(i - 1) == "that" || r.At(i - 1) == "which";
    if (subject && !bound && words::IsScheduleVerb(r.At(i))) return r.From(0);
  }
  return std::nullopt;
}

bool IsDayWord(std::string_view term) {
  return words::IsCapitalised(term) || term == "weekend" || term == "date";
}

bool IsOrdinal(std::string_view term) {
  return term == "first" || term == "second" || term == "third" || term == "fourth" || term == "last" ||
         term == "next" || term == "final";
}

// "the summer fair is on the last saturday of june": a noun phrase of up to four words with a
// content word, "is / are on", then a day.
std::optional<Terms> Scheduled(const Reading& r) {
  for (std::size_t j = 1; j + 2 < r.terms.size(); ++j) {
    if ((r.At(j) != "is" && r.At(j) != "are") || r.At(j + 1) != "on") continue;
    const std::size_t k = r.At(j + 2) == "the" ? j + 3 : j + 2;
    if (!IsDayWord(r.At(k)) && !(IsOrdinal(r.At(k)) && IsDayWord(r.At(k + 1)))) continue;
    std::size_t start = j;
    bool content = false;
    while (start > 0 && j - start < 4 && !r.cache->Get(r.terms[start - 1]).word_class.OnlyVerb() &&
           (words::IsDeterminer(r.At(start - 1)) || !r.cache->Get(r.terms[start - 1]).stopword)) {
      --start;
      content = content || !r.cache->Get(r.terms[start]).stopword;
      if (words::IsDeterminer(r.At(start))) break;  // the noun phrase starts here
    }
    if (content) return r.From(start);
  }
  return std::nullopt;
}

// "we propose to hire a caretaker": a proposal made for the group.
std::optional<Terms> WePropose(const Reading& r) {
  if (r.At(0) != "we" || !words::IsProposing(r.At(1)) || r.At(2) != "to" || !r.Acts(3)) return std::nullopt;
  return r.With({"we"}, 3);
}

// After a decisive lead: "so we ship the beta on friday", "then we can ship on friday".
std::optional<Terms> WeDo(const Reading& r) {
  if (!r.decisive || r.At(0) != "we") return std::nullopt;
  const std::string_view second = r.At(1);
  const std::size_t verb =
      (second == "also" || second == "just" || second == "then" || second == "should" || second == "can") ? 2
                                                                                                          : 1;
  const std::string_view v = r.At(verb);
  const bool verb_form = r.lexicon->IsVerbLemma(v) || (r.past_allowed && r.IsVerb(v));
  const bool plain = verb_form && !words::IsFiniteVerb(v) &&
                     !r.cache->Get(std::string(v)).word_class.Is(PartOfSpeech::kAdverb);
  const bool acting = !words::IsMetaVerb(v) || (words::StartsWork(v) && r.At(verb + 1) != "with" &&
                                                r.At(verb + 1) != "on" && r.At(verb + 1) != "by");
  if (!plain || !acting) return std::nullopt;
  return r.From(0);
}

}  // namespace

std::optional<Statement> FindStatement(const Sentence& sentence, const SpeakerNames& names, TermCache& cache,
                                       bool after_agreement) {
  const Reading reading = SetLeadsAside(sentence.terms, after_agreement, cache);
  if (reading.terms.size() < kMinClauseTerms) return std::nullopt;
  if (auto clause = Action(reading)) {
    return MakeStatement(StatementKind::kAction, std::move(*clause), sentence.speaker, names,
                         kMaxClauseTerms);
  }
  for (auto find : {Explicit, WeWill, LetUs, WePropose, Instruction, ThirdPerson, Scheduled, WeDo}) {
    if (auto clause = find(reading)) {
      return MakeStatement(StatementKind::kDecision, std::move(*clause), sentence.speaker, names,
                           kMaxClauseTerms);
    }
  }
  return std::nullopt;
}

namespace {

// Words that may follow "let us decide" before what is decided: "let us decide it now".
bool DecideFiller(std::string_view term) {
  return term == "it" || term == "that" || term == "this" || term == "now" || term == "part" ||
         term == "then" || term == "on" || term == "the" || term == "date" || term == "today";
}

// The index just after a recap cue in `terms`, or nullopt: "sum up", "summarise", "summarize",
// "recap", "repeat the plan" (and "repeat" ending a sentence: "let me repeat"), "let us decide
// (it now)", "the decision is clear".
std::optional<std::size_t> AfterRecapCue(std::span<const std::string> terms) {
  auto at = [&](std::size_t i) -> std::string_view {
    return i < terms.size() ? std::string_view(terms[i]) : "";
  };
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (at(i) == "sum" && at(i + 1) == "up") return i + 2;
    if (at(i) == "summarise" || at(i) == "summarize" || at(i) == "recap") return i + 1;
    if (at(i) == "decision" && at(i + 1) == "is" && at(i + 2) == "clear") return i + 3;
    if ((at(i) == "decide" || at(i) == "decided") && i > 0 && (at(i - 1) == "us" || at(i - 1) == "let's")) {
      std::size_t after = i + 1;
      while (after < terms.size() && DecideFiller(terms[after]))
        ++after;
      return after;
    }
    if (at(i) == "repeat" && at(i + 1) == "the" && at(i + 2) == "plan") return i + 3;
    if (at(i) == "repeat" && i + 1 == terms.size()) return i + 1;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::optional<Statement>> FindStatements(std::span<const Sentence> sentences,
                                                     const SpeakerNames& names, TermCache& cache) {
  std::vector<std::optional<Statement>> statements;
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const bool after_agreement = i > 0 && sentences[i - 1].speaker == sentences[i].speaker &&
                                 words::IsAgreementOnly(sentences[i - 1].terms);
    statements.push_back(FindStatement(sentences[i], names, cache, after_agreement));
  }
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const std::optional<std::size_t> after = AfterRecapCue(sentences[i].terms);
    if (!after) continue;
    const auto rest = std::span<const std::string>(sentences[i].terms).subspan(*after);
    // "let me sum up the decisions of tonight" announces the recap; the decisions follow.
    const bool announces = std::any_of(rest.begin(), rest.end(), [](const std::string& term) {
      return term == "decisions" || term == "decision" || term == "meeting" || term == "plan";
    });
    if (auto statement = MakeStatement(StatementKind::kDecision, Terms(rest.begin(), rest.end()),
                                       sentences[i].speaker, names, kMaxRecapTerms);
        !announces && statement && statement->terms.size() >= 4) {
      statement->recap = true;
      statements[i] = std::move(statement);
      continue;
    }
    for (std::size_t k = i + 1; k < std::min(sentences.size(), i + 1 + kMaxRecapSentences); ++k) {
      if (sentences[k].speaker != sentences[i].speaker) break;
      if (!statements[k]) {
        statements[k] = MakeStatement(StatementKind::kDecision, sentences[k].terms, sentences[k].speaker,
                                      names, kMaxRecapTerms);
      }
      if (statements[k]) statements[k]->recap = true;
    }
  }
  return statements;
}

}  // namespace reflector::llm
