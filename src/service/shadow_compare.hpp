#pragma once
// The comparison of a primary run and its shadow run (SHADOW-002): pure functions over what
// each run produced, so every figure is testable without an engine.
//
// Figures (primary = reference):
//  - title, short and long summary: equal, and a similarity 1 - d / max(n, m) where d is the
//    word-level Levenshtein distance between the two texts of n and m words (1 for two empty
//    texts);
//  - topics: count and titles of each, and whether the title lists are equal;
//  - words: count of each; word error rate (S + D + I) / N over the two word sequences (words
//    compared lower-cased without surrounding punctuation; N = the primary's word count; with
//    no primary words: 0 when the shadow has none either, else 1); speaker attribution
//    agreement: among the word pairs an optimal alignment matches, the share with the same
//    speaker (1 when none are matched and both are empty, else 0 when none are matched);
//  - duration of each (seconds) and their difference;
//  - per step (SIMPLE task name, forked branches together): seconds from the first start to
//    the last end of its attempts, on each engine, in the primary's order.
// `agreed` holds when both workflows COMPLETED and every figure is within the tolerances.

#include <map>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "engine/model.hpp"
#include "store/transcripts.hpp"

namespace reflector::service {

struct ComparedWord {
  std::string text;
  int speaker = 0;
};

// What one run produced, read from its transcript and its workflow.
struct RunFacts {
  std::string engine;
  std::string workflow_id;
  std::string workflow_status;    // COMPLETED, FAILED...
  std::string transcript_status;  // ended, error...
  std::string title;
  std::string short_summary;
  std::string long_summary;
  std::vector<std::string> topic_titles;
  std::vector<ComparedWord> words;                    // in transcript order
  double duration = 0;                                // seconds
  double run_seconds = 0;                             // workflow start to end
  std::vector<std::pair<std::string, double>> steps;  // (step, seconds), in order of first start
};

// RunFacts from a transcript row (topics with inline words) and its workflow's snapshot.
RunFacts FactsOf(const store::Transcript& transcript, const engine::WorkflowSnapshot& workflow,
                 std::string engine);

struct ComparisonTolerances {
  double duration_seconds = 0.05;
  double word_error_rate = 0.0;
  double text_similarity = 1.0;  // title and summaries: at least this similar
  double speaker_agreement = 1.0;
};

struct TextFigure {
  bool equal = true;
  double similarity = 1.0;
};

struct WordFigures {
  std::size_t primary_count = 0;
  std::size_t shadow_count = 0;
  std::size_t substitutions = 0;
  std::size_t deletions = 0;   // primary words the shadow lacks
  std::size_t insertions = 0;  // shadow words the primary lacks
  std::size_t matched = 0;     // aligned pairs with the same word
  double word_error_rate = 0;
  double speaker_agreement = 1;
};

struct ShadowComparison {
  RunFacts primary;
  RunFacts shadow;
  TextFigure title;
  TextFigure short_summary;
  TextFigure long_summary;
  bool topic_titles_equal = true;
  WordFigures words;
  bool agreed = false;
  std::vector<std::string> differences;  // what kept it from agreeing, for people

  // The stored and served form (see docs/runbook.md for the fields).
  [[nodiscard]] Json ToJson() const;
};

ShadowComparison CompareRuns(RunFacts primary, RunFacts shadow, const ComparisonTolerances& tolerances = {});

// Word-level figures alone (exposed for tests).
WordFigures CompareWords(const std::vector<ComparedWord>& primary, const std::vector<ComparedWord>& shadow);
TextFigure CompareText(const std::string& primary, const std::string& shadow);

}  // namespace reflector::service
