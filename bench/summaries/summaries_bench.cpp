// Scores a summariser on the recognised corpus meetings (bench/README.md, "Summaries").
//
//   summaries_bench [--verbose] [--phrases] [--llm-url URL --llm-model NAME [--llm-context TOKENS]]
//                   SCRIPT=RECOGNISED.json ...
//
// --verbose prints every topic title, the missed decisions and both summaries; --phrases the
// extractive backend's best key phrases per topic (score/times said).
//
// SCRIPT is a corpus file (its header holds the references), RECOGNISED.json the words
// `reflector process --json` recognised for it ({duration, participants, words}). Runs the
// offline extractive summariser (and the LLM server when --llm-url is given) the way the pipeline
// does: SplitTopics, DescribeTopic per topic, Title, Summarize. Prints a table per summariser and
// ends with `summaries: title_hit=X well_formed=Y decisions=Z` for the extractive one.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "llm/extractive/extractive_summarizer.hpp"
#include "llm/extractive/phrases.hpp"
#include "llm/extractive/sentences.hpp"
#include "llm/openai/openai_summarizer.hpp"
#include "llm/text.hpp"
#include "net/http_client.hpp"
#include "summary_scores.hpp"

namespace reflector::bench {
namespace {

struct Meeting {
  Reference reference;
  std::vector<llm::Word> words;
  llm::SpeakerNames names;
  double minutes = 0;
};

struct Outcome {
  std::string title;
  std::vector<std::string> topic_titles;
  std::vector<std::string> topic_summaries;
  std::string short_summary;
  std::string long_summary;
  double milliseconds = 0;      // wall time
  double cpu_milliseconds = 0;  // CPU time of this thread
  std::string error;            // a call that failed
};

struct Totals {
  int meetings = 0;
  int title_hits = 0;
  int titles = 0;  // meeting and topic titles
  int well_formed = 0;
  int meeting_well_formed = 0;
  int decisions = 0;
  int decisions_found = 0;
  int failures = 0;
  double max_ms = 0;
  double sum_ms = 0;
  double max_cpu_ms = 0;
  double max_first_cpu_ms = 0;  // the first run of each meeting: new terms still to look up
  double sum_cpu_ms = 0;
};

Result<Meeting> LoadMeeting(const std::string& pair) {
  const std::size_t eq = pair.find('=');
  if (eq == std::string::npos) return Error::InvalidInput("expected SCRIPT=RECOGNISED.json, got " + pair);
  Meeting meeting;
  REFLECTOR_ASSIGN_OR_RETURN(meeting.reference, ReadReference(pair.substr(0, eq)));
  std::ifstream in(pair.substr(eq + 1));
  if (!in) return Error::NotFound("cannot read " + pair.substr(eq + 1));
  const Json json = Json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.contains("words"))
    return Error::InvalidInput(pair.substr(eq + 1) + ": not recognised words");
  for (const auto& word : json["words"]) {
    meeting.words.push_back(llm::Word{word.value("text", ""), word.value("start", 0.0),
                                      word.value("end", 0.0), word.value("speaker", 0)});
  }
  for (const auto& participant : json.value("participants", Json::array()))
    meeting.names[participant.value("speaker", 0)] = participant.value("name", "");
  meeting.minutes = json.value("duration", 0.0) / 60.0;
  return meeting;
}

double ThreadCpuMilliseconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1000.0 + static_cast<double>(now.tv_nsec) / 1e6;
}

Outcome Run(llm::Summarizer& summarizer, const Meeting& meeting) {
  Outcome outcome;
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = ThreadCpuMilliseconds();
  const std::vector<std::vector<llm::Word>> chunks = llm::SplitTopics(meeting.words);
  std::vector<llm::TopicDraft> topics;
  for (const auto& chunk : chunks) {
    auto topic = summarizer.DescribeTopic(chunk, meeting.names, {});
    if (!topic.ok()) {
      outcome.error = "DescribeTopic: " + topic.error().message;
      topics.push_back({});
      continue;
    }
    topics.push_back(*topic);
    outcome.topic_titles.push_back(topic->title);
    outcome.topic_summaries.push_back(topic->summary);
  }
  auto title = summarizer.Title(topics, {});
  if (title.ok()) {
    outcome.title = *title;
  } else {
    outcome.error = "Title: " + title.error().message;
  }
  auto summary = summarizer.Summarize(topics, meeting.words, meeting.names, {});
  if (summary.ok()) {
    outcome.short_summary = summary->short_summary;
    outcome.long_summary = summary->long_summary;
  } else {
    outcome.error = "Summarize: " + summary.error().message;
  }
  outcome.milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  outcome.cpu_milliseconds = ThreadCpuMilliseconds() - cpu_start;
  return outcome;
}

// The best key phrases of each topic, for tuning the extractive backend (--phrases).
void PrintPhrases(const Meeting& meeting, const llm::Lexicon& lexicon) {
  auto stemmer = llm::Stemmer::English();
  if (!stemmer.ok()) return;
  llm::TermCache cache(lexicon, std::move(*stemmer));
  for (const auto& chunk : llm::SplitTopics(meeting.words)) {
    const llm::KeyPhrases phrases = llm::FindKeyPhrases(llm::SplitSentences(chunk, cache), cache);
    std::string line;
    for (std::size_t i = 0; i < std::min<std::size_t>(10, phrases.phrases.size()); ++i) {
      const llm::KeyPhrase& phrase = phrases.phrases[i];
      char score[64];
      std::snprintf(score, sizeof score, " %.1f/%zu", phrase.score, phrase.count);
      line += (line.empty() ? "" : ", ") + phrase.text + score;
    }
    std::printf("    phrases: %s\n", line.c_str());
  }
}

// What one meeting's outcome scored.
struct Scores {
  bool hit = false;
  std::optional<std::string> problem;       // of the meeting title
  std::vector<std::string> topic_problems;  // "title: problem" per ill-formed topic title
  std::vector<bool> found;                  // per reference decision
};

Scores Score(const Meeting& meeting, const Outcome& outcome, Scorer& scorer, Totals& totals) {
  Scores scores;
  scores.hit = scorer.TitleHit(outcome.title, meeting.reference.title_keys);
  scores.problem = scorer.TitleProblem(outcome.title);
  // Decisions are looked for in both summaries: a meeting with a dozen decisions lists some of
  // them under their subjects only, to keep the short summary short.
  scores.found =
      scorer.DecisionsFound(outcome.short_summary + "\n" + outcome.long_summary, meeting.reference.decisions);
  ++totals.meetings;
  totals.title_hits += scores.hit ? 1 : 0;
  totals.meeting_well_formed += scores.problem ? 0 : 1;
  totals.titles += 1 + static_cast<int>(outcome.topic_titles.size());
  totals.well_formed += scores.problem ? 0 : 1;
  for (const std::string& topic_title : outcome.topic_titles) {
    const std::optional<std::string> topic_problem = scorer.TitleProblem(topic_title);
    totals.well_formed += topic_problem ? 0 : 1;
    if (topic_problem) scores.topic_problems.push_back(topic_title + ": " + *topic_problem);
  }
  totals.decisions += static_cast<int>(scores.found.size());
  totals.decisions_found += static_cast<int>(std::count(scores.found.begin(), scores.found.end(), true));
  totals.failures += outcome.error.empty() ? 0 : 1;
  totals.max_ms = std::max(totals.max_ms, outcome.milliseconds);
  totals.sum_ms += outcome.milliseconds;
  totals.max_cpu_ms = std::max(totals.max_cpu_ms, outcome.cpu_milliseconds);
  totals.sum_cpu_ms += outcome.cpu_milliseconds;
  return scores;
}

void PrintDetails(const Meeting& meeting, const Outcome& outcome, const Scores& scores) {
  for (std::size_t t = 0; t < outcome.topic_titles.size(); ++t)
    std::printf("    topic: %s | %s\n", outcome.topic_titles[t].c_str(), outcome.topic_summaries[t].c_str());
  for (std::size_t i = 0; i < scores.found.size(); ++i) {
    if (scores.found[i]) continue;
    std::string keys;
    for (const std::string& key : meeting.reference.decisions[i])
      keys += (keys.empty() ? "" : " ") + key;
    std::printf("    missed decision: %s\n", keys.c_str());
  }
  std::printf("    short: %s\n%s\n", outcome.short_summary.c_str(), outcome.long_summary.c_str());
}

// `runs` runs per meeting (the outputs are the same; the fastest counts, since the machines we
// measure on are shared and a run can wait for a core).
Totals Evaluate(std::string_view label, llm::Summarizer& summarizer, const std::vector<Meeting>& meetings,
                Scorer& scorer, bool verbose, const llm::Lexicon* phrases_of, int runs) {
  Totals totals;
  std::printf("\n%s (%s)\n", std::string(label).c_str(), std::string(summarizer.Model()).c_str());
  std::printf("%-28s %5s %5s %6s %9s %4s %5s %5s  %s\n", "meeting", "min", "words", "topics", "cpu ms", "hit",
              "form", "dec", "title");
  for (const Meeting& meeting : meetings) {
    Outcome outcome = Run(summarizer, meeting);
    totals.max_first_cpu_ms = std::max(totals.max_first_cpu_ms, outcome.cpu_milliseconds);
    for (int run = 1; run < runs; ++run) {
      const Outcome again = Run(summarizer, meeting);
      outcome.milliseconds = std::min(outcome.milliseconds, again.milliseconds);
      outcome.cpu_milliseconds = std::min(outcome.cpu_milliseconds, again.cpu_milliseconds);
    }
    const Scores scores = Score(meeting, outcome, scorer, totals);
    std::printf("%-28s %5.1f %5zu %6zu %9.1f %4s %5s %2zd/%-2zu  %s\n", meeting.reference.name.c_str(),
                meeting.minutes, meeting.words.size(), outcome.topic_titles.size(), outcome.cpu_milliseconds,
                scores.hit ? "yes" : "no", scores.problem ? "no" : "yes",
                std::count(scores.found.begin(), scores.found.end(), true), scores.found.size(),
                outcome.title.c_str());
    if (scores.problem) std::printf("    title: %s\n", scores.problem->c_str());
    for (const std::string& topic_problem : scores.topic_problems)
      std::printf("    topic title %s\n", topic_problem.c_str());
    if (!outcome.error.empty()) std::printf("    failed: %s\n", outcome.error.c_str());
    if (phrases_of != nullptr) PrintPhrases(meeting, *phrases_of);
    if (verbose) PrintDetails(meeting, outcome, scores);
  }
  return totals;
}

std::string Figures(const Totals& totals) {
  char line[256];
  std::snprintf(line, sizeof line, "title_hit=%.2f well_formed=%.2f decisions=%.2f",
                static_cast<double>(totals.title_hits) / std::max(1, totals.meetings),
                static_cast<double>(totals.well_formed) / std::max(1, totals.titles),
                static_cast<double>(totals.decisions_found) / std::max(1, totals.decisions));
  return line;
}

void PrintTotals(std::string_view label, const Totals& totals) {
  std::printf(
      "%s: %s (meeting titles well-formed %d/%d, all titles %d/%d, decisions %d/%d, failed meetings %d, "
      "CPU ms per meeting max %.1f mean %.1f (first run max %.1f), wall ms max %.1f mean %.1f)\n",
      std::string(label).c_str(), Figures(totals).c_str(), totals.meeting_well_formed, totals.meetings,
      totals.well_formed, totals.titles, totals.decisions_found, totals.decisions, totals.failures,
      totals.max_cpu_ms, totals.sum_cpu_ms / std::max(1, totals.meetings), totals.max_first_cpu_ms,
      totals.max_ms, totals.sum_ms / std::max(1, totals.meetings));
}

struct Options {
  bool verbose = false;
  bool phrases = false;
  std::string llm_url;
  std::string llm_model;
  int llm_context = 4096;  // the test server's n_ctx
  std::vector<Meeting> meetings;
};

Result<Options> ParseArguments(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--verbose") {
      options.verbose = true;
    } else if (arg == "--phrases") {
      options.phrases = true;
    } else if (arg == "--llm-url") {
      options.llm_url = next();
    } else if (arg == "--llm-model") {
      options.llm_model = next();
    } else if (arg == "--llm-context") {
      options.llm_context = std::atoi(next().c_str());
    } else {
      REFLECTOR_ASSIGN_OR_RETURN(Meeting meeting, LoadMeeting(arg));
      options.meetings.push_back(std::move(meeting));
    }
  }
  if (options.meetings.empty()) return Error::InvalidInput("no SCRIPT=WORDS.json given");
  return options;
}

// The LLM server's own answers: max_tokens as the app sets it, one re-ask, no fallback.
Result<Totals> EvaluateLlm(const Options& options, Scorer& scorer) {
  net::HttpClient http;
  SystemClock clock;
  llm::OpenAiOptions llm_options;
  llm_options.base_url = options.llm_url;
  llm_options.model = options.llm_model;
  llm_options.context_window = options.llm_context;
  llm_options.max_tokens = 512;
  llm_options.parse_max_retries = 1;
  llm_options.max_concurrent_requests = 1;
  llm_options.fallback = nullptr;
  REFLECTOR_ASSIGN_OR_RETURN(std::unique_ptr<llm::OpenAiSummarizer> summarizer,
                             llm::OpenAiSummarizer::Create(llm_options, http, clock));
  return Evaluate("llm", *summarizer, options.meetings, scorer, options.verbose, nullptr, 1);
}

int Main(int argc, char** argv) {
  auto options = ParseArguments(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr,
                 "error: %s\nusage: summaries_bench [--verbose] [--phrases] [--llm-url URL --llm-model NAME] "
                 "SCRIPT=WORDS.json ...\n",
                 options.error().message.c_str());
    return 2;
  }
  llm::ExtractiveSummarizer extractive;
  const auto load_start = std::chrono::steady_clock::now();
  auto lexicon = extractive.GetLexicon();
  const double load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - load_start).count();
  if (!lexicon.ok()) {
    std::fprintf(stderr, "error: %s\n", lexicon.error().message.c_str());
    return 1;
  }
  std::printf("WordNet lexicon: %zu words loaded in %.1f ms\n", (*lexicon)->size(), load_ms);
  auto scorer = Scorer::Create(**lexicon);
  if (!scorer.ok()) {
    std::fprintf(stderr, "error: %s\n", scorer.error().message.c_str());
    return 1;
  }
  const Totals offline = Evaluate("extractive", extractive, options->meetings, *scorer, options->verbose,
                                  options->phrases ? lexicon->get() : nullptr, 3);
  std::optional<Result<Totals>> model;
  if (!options->llm_url.empty()) model = EvaluateLlm(*options, *scorer);
  std::printf("\n");
  if (model && model->ok()) PrintTotals("llm", model->value());
  if (model && !model->ok()) std::printf("llm: not measured (%s)\n", model->error().message.c_str());
  if (!model) std::printf("llm: not measured (no --llm-url)\n");
  PrintTotals("extractive", offline);
  std::printf("summaries: %s\n", Figures(offline).c_str());
  return 0;
}

}  // namespace
}  // namespace reflector::bench

int main(int argc, char** argv) {
  return reflector::bench::Main(argc, argv);
}
