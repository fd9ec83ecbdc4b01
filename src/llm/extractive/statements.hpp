#pragma once
// Decisions and actions stated in a transcript's sentences. Recognised speech has no
// punctuation and many misheard words, so statements are found by their opening words and a
// few patterns, never by parsing. Not thread-safe (the TermCache is per call).

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "llm/extractive/sentences.hpp"
#include "llm/extractive/term_cache.hpp"
#include "llm/summarizer.hpp"

namespace reflector::llm {

enum class StatementKind { kDecision, kAction };

// A decision ("so we ship the beta on friday") or an action someone takes on ("i will send the
// offer"), as a clause to put in a summary: "we ship the beta on Friday", "Ben will send the
// offer" (first person replaced by the speaker's name).
struct Statement {
  StatementKind kind = StatementKind::kDecision;
  std::string text;
  std::vector<std::string> terms;  // the clause's terms, for comparing statements
  bool recap = false;              // said in a recap ("to sum up, ..."), which lists what matters
};

// The decision or action stated by `sentence`, if any, after leading words such as "so",
// "okay", "then" are set aside (the decisive ones, "so", "then", "okay", "fine", ..., are noted).
//  - actions: "i will <verb> ...", "i'll / i'd <verb> ...", "i am going to <verb> ...";
//  - "we decided / agreed ...", "the decision is ...";
//  - "we will / we'll / we are going to <verb> ..." ("we will have the articles ready");
//  - "let us / let's <verb> ..." (not about the meeting itself: "let us start", "let us move on"),
//    "we propose to <verb> ...";
//  - short instructions that open with a verb ("take the cheaper quote");
//  - "<noun phrase> goes / moves / waits / ... ..." ("the monthly price goes up"; not after a modal:
//    "the budget can go down");
//  - "<noun phrase> is on (the) (second|last|...) <weekday or month>" ("the fair is on the last
//    saturday of june");
//  - after a decisive lead, or when `after_agreement` (the speaker's previous sentence only
//    agreed: "i agree", "then yes"): "we [can|should] <verb> ..." and "<noun phrase> is on ...";
//    "i think / propose we <verb> ..." counts as decisive too.
std::optional<Statement> FindStatement(const Sentence& sentence, const SpeakerNames& names, TermCache& cache,
                                       bool after_agreement = false);

// FindStatement for every sentence (nullopt where there is none), with what the previous sentence
// tells: after a sentence that only agrees, and after a recap cue ("to sum up", "let me repeat
// the plan", "to summarise", "to recap", "let us decide (it now)", "the decision is clear"), what
// the same speaker says next (the rest of that sentence, else the following sentences of the
// turn, at most six) is a decision.
std::vector<std::optional<Statement>> FindStatements(std::span<const Sentence> sentences,
                                                     const SpeakerNames& names, TermCache& cache);

}  // namespace reflector::llm
