#include "service/shadow_compare.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <unordered_map>

#include "core/edit_distance.hpp"

namespace reflector::service {
namespace {

// Lower-cased, without leading and trailing ASCII punctuation ("Budget," and "budget" agree).
std::string Normalised(const std::string& word) {
  std::size_t begin = 0;
  std::size_t end = word.size();
  while (begin < end && std::ispunct(static_cast<unsigned char>(word[begin])) != 0)
    ++begin;
  while (end > begin && std::ispunct(static_cast<unsigned char>(word[end - 1])) != 0)
    --end;
  std::string out = word.substr(begin, end - begin);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Words as small integers, equal words equal numbers, so the alignment compares ints.
class Vocabulary {
 public:
  int Id(const std::string& word) {
    return ids_.try_emplace(Normalised(word), static_cast<int>(ids_.size())).first->second;
  }

 private:
  std::unordered_map<std::string, int> ids_;
};

// A view of a token sequence, read forwards or backwards.
struct Span {
  const std::vector<int>* tokens = nullptr;
  std::size_t begin = 0;
  std::size_t end = 0;
  bool reversed = false;
  [[nodiscard]] std::size_t size() const { return end - begin; }
  [[nodiscard]] int operator[](std::size_t i) const { return (*tokens)[reversed ? end - 1 - i : begin + i]; }
};

// An optimal alignment in linear memory (Hirschberg): counts the edits and collects the pairs
// of positions (in the primary, in the shadow) whose tokens are equal.
class Aligner {
 public:
  Aligner(const std::vector<int>& a, const std::vector<int>& b) : a_(a), b_(b) {}

  void Align(std::size_t a_begin, std::size_t a_end, std::size_t b_begin, std::size_t b_end) {
    const std::size_t n = a_end - a_begin;
    const std::size_t m = b_end - b_begin;
    if (n == 0) {
      figures.insertions += m;
      return;
    }
    if (m == 0) {
      figures.deletions += n;
      return;
    }
    if (n == 1) {
      AlignOne(a_begin, b_begin, b_end);
      return;
    }
    const std::size_t mid = a_begin + n / 2;
    std::vector<std::size_t> left =
        EditDistanceRow(Span{&a_, a_begin, mid, false}, Span{&b_, b_begin, b_end, false});
    std::vector<std::size_t> right =
        EditDistanceRow(Span{&a_, mid, a_end, true}, Span{&b_, b_begin, b_end, true});
    std::size_t split = 0;
    std::size_t best = left[0] + right[m];
    for (std::size_t j = 1; j <= m; ++j) {
      if (left[j] + right[m - j] < best) {
        best = left[j] + right[m - j];
        split = j;
      }
    }
    Align(a_begin, mid, b_begin, b_begin + split);
    Align(mid, a_end, b_begin + split, b_end);
  }

  WordFigures figures;
  std::vector<std::pair<std::size_t, std::size_t>> matches;

 private:
  // One primary token against m >= 1 shadow tokens: a match if it occurs, else a substitution;
  // the rest are insertions.
  void AlignOne(std::size_t a_index, std::size_t b_begin, std::size_t b_end) {
    figures.insertions += b_end - b_begin - 1;
    for (std::size_t j = b_begin; j < b_end; ++j) {
      if (a_[a_index] == b_[j]) {
        matches.emplace_back(a_index, j);
        return;
      }
    }
    ++figures.substitutions;
  }

  const std::vector<int>& a_;
  const std::vector<int>& b_;
};

std::vector<std::string> SplitWords(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::string word;
  while (in >> word)
    words.push_back(word);
  return words;
}

double Seconds(WallTime from, WallTime to) {
  return std::chrono::duration<double>(to - from).count();
}

// (step, seconds) of the SIMPLE tasks that ran, in order of first start.
std::vector<std::pair<std::string, double>> StepSeconds(const engine::WorkflowSnapshot& workflow) {
  struct StepSpan {
    WallTime first_start;
    WallTime last_end;
  };
  std::vector<std::string> order;
  std::map<std::string, StepSpan> spans;
  std::vector<const engine::TaskRun*> ran;
  for (const auto& task : workflow.tasks) {
    if (task.task_type == engine::kSimpleType && task.start_time != WallTime{} && task.end_time != WallTime{})
      ran.push_back(&task);
  }
  std::stable_sort(ran.begin(), ran.end(),
                   [](const auto* a, const auto* b) { return a->start_time < b->start_time; });
  for (const engine::TaskRun* task : ran) {
    auto [it, inserted] = spans.try_emplace(task->task_name, StepSpan{task->start_time, task->end_time});
    if (inserted) order.push_back(task->task_name);
    it->second.last_end = std::max(it->second.last_end, task->end_time);
  }
  std::vector<std::pair<std::string, double>> steps;
  steps.reserve(order.size());
  for (const auto& step : order)
    steps.emplace_back(step, Seconds(spans[step].first_start, spans[step].last_end));
  return steps;
}

Json TextJson(const TextFigure& figure) {
  return Json{{"equal", figure.equal}, {"similarity", figure.similarity}};
}

Json RunJson(const RunFacts& run) {
  return Json{{"engine", run.engine},
              {"workflow_id", run.workflow_id},
              {"workflow_status", run.workflow_status},
              {"transcript_status", run.transcript_status},
              {"run_seconds", run.run_seconds}};
}

Json StepsJson(const RunFacts& primary, const RunFacts& shadow) {
  Json steps = Json::array();
  std::map<std::string, double> shadow_steps(shadow.steps.begin(), shadow.steps.end());
  for (const auto& [step, seconds] : primary.steps) {
    auto found = shadow_steps.find(step);
    steps.push_back({{"step", step},
                     {"primary_seconds", seconds},
                     {"shadow_seconds", found == shadow_steps.end() ? Json(nullptr) : Json(found->second)}});
    if (found != shadow_steps.end()) shadow_steps.erase(found);
  }
  for (const auto& [step, seconds] : shadow.steps) {
    if (shadow_steps.count(step) != 0)
      steps.push_back({{"step", step}, {"primary_seconds", nullptr}, {"shadow_seconds", seconds}});
  }
  return steps;
}

}  // namespace

WordFigures CompareWords(const std::vector<ComparedWord>& primary, const std::vector<ComparedWord>& shadow) {
  Vocabulary vocabulary;
  std::vector<int> a;
  std::vector<int> b;
  a.reserve(primary.size());
  b.reserve(shadow.size());
  for (const auto& word : primary)
    a.push_back(vocabulary.Id(word.text));
  for (const auto& word : shadow)
    b.push_back(vocabulary.Id(word.text));
  Aligner aligner(a, b);
  aligner.Align(0, a.size(), 0, b.size());
  WordFigures figures = aligner.figures;
  figures.primary_count = a.size();
  figures.shadow_count = b.size();
  figures.matched = aligner.matches.size();
  const std::size_t errors = figures.substitutions + figures.deletions + figures.insertions;
  if (a.empty()) {
    figures.word_error_rate = b.empty() ? 0.0 : 1.0;
  } else {
    figures.word_error_rate = static_cast<double>(errors) / static_cast<double>(a.size());
  }
  std::size_t same_speaker = 0;
  for (const auto& [i, j] : aligner.matches) {
    if (primary[i].speaker == shadow[j].speaker) ++same_speaker;
  }
  if (aligner.matches.empty()) {
    figures.speaker_agreement = a.empty() && b.empty() ? 1.0 : 0.0;
  } else {
    figures.speaker_agreement =
        static_cast<double>(same_speaker) / static_cast<double>(aligner.matches.size());
  }
  return figures;
}

TextFigure CompareText(const std::string& primary, const std::string& shadow) {
  TextFigure figure;
  figure.equal = primary == shadow;
  Vocabulary vocabulary;
  std::vector<int> a;
  std::vector<int> b;
  for (const auto& word : SplitWords(primary))
    a.push_back(vocabulary.Id(word));
  for (const auto& word : SplitWords(shadow))
    b.push_back(vocabulary.Id(word));
  const std::size_t longest = std::max(a.size(), b.size());
  if (longest == 0) return figure;
  const std::size_t distance = EditDistance(a, b);
  figure.similarity = 1.0 - static_cast<double>(distance) / static_cast<double>(longest);
  return figure;
}

RunFacts FactsOf(const store::Transcript& transcript, const engine::WorkflowSnapshot& workflow,
                 std::string engine) {
  RunFacts facts;
  facts.engine = std::move(engine);
  facts.workflow_id = workflow.workflow.id;
  facts.workflow_status = std::string(engine::ToString(workflow.workflow.status));
  facts.transcript_status = std::string(store::ToString(transcript.status));
  facts.title = transcript.title.value_or("");
  facts.short_summary = transcript.short_summary.value_or("");
  facts.long_summary = transcript.long_summary.value_or("");
  facts.duration = transcript.duration;
  if (transcript.topics.is_array()) {
    for (const auto& topic : transcript.topics) {
      if (!topic.is_object()) continue;
      facts.topic_titles.push_back(topic.value("title", ""));
      if (!topic.contains("words") || !topic["words"].is_array()) continue;
      for (const auto& word : topic["words"]) {
        if (word.is_object()) facts.words.push_back({word.value("text", ""), word.value("speaker", 0)});
      }
    }
  }
  const auto& run = workflow.workflow;
  if (run.create_time != WallTime{} && run.end_time != WallTime{})
    facts.run_seconds = Seconds(run.create_time, run.end_time);
  facts.steps = StepSeconds(workflow);
  return facts;
}

ShadowComparison CompareRuns(RunFacts primary, RunFacts shadow, const ComparisonTolerances& tolerances) {
  ShadowComparison c;
  c.title = CompareText(primary.title, shadow.title);
  c.short_summary = CompareText(primary.short_summary, shadow.short_summary);
  c.long_summary = CompareText(primary.long_summary, shadow.long_summary);
  c.topic_titles_equal = primary.topic_titles == shadow.topic_titles;
  c.words = CompareWords(primary.words, shadow.words);
  auto differ = [&c](bool holds, std::string what) {
    if (!holds) c.differences.push_back(std::move(what));
  };
  const std::string completed(engine::ToString(engine::WorkflowStatus::kCompleted));
  differ(primary.workflow_status == completed, "primary workflow " + primary.workflow_status);
  differ(shadow.workflow_status == completed, "shadow workflow " + shadow.workflow_status);
  differ(c.title.similarity >= tolerances.text_similarity, "title");
  differ(c.short_summary.similarity >= tolerances.text_similarity, "short summary");
  differ(c.long_summary.similarity >= tolerances.text_similarity, "long summary");
  differ(c.topic_titles_equal, "topics");
  differ(c.words.word_error_rate <= tolerances.word_error_rate, "words");
  differ(c.words.speaker_agreement >= tolerances.speaker_agreement, "speakers");
  differ(std::abs(primary.duration - shadow.duration) <= tolerances.duration_seconds, "duration");
  c.agreed = c.differences.empty();
  c.primary = std::move(primary);
  c.shadow = std::move(shadow);
  return c;
}

Json ShadowComparison::ToJson() const {
  return Json{
      {"agreed", agreed},
      {"differences", differences},
      {"primary", RunJson(primary)},
      {"shadow", RunJson(shadow)},
      {"title",
       {{"primary", primary.title},
        {"shadow", shadow.title},
        {"equal", title.equal},
        {"similarity", title.similarity}}},
      {"short_summary", TextJson(short_summary)},
      {"long_summary", TextJson(long_summary)},
      {"topics",
       {{"primary_count", primary.topic_titles.size()},
        {"shadow_count", shadow.topic_titles.size()},
        {"primary_titles", primary.topic_titles},
        {"shadow_titles", shadow.topic_titles},
        {"titles_equal", topic_titles_equal}}},
      {"words",
       {{"primary_count", words.primary_count},
        {"shadow_count", words.shadow_count},
        {"word_error_rate", words.word_error_rate},
        {"substitutions", words.substitutions},
        {"deletions", words.deletions},
        {"insertions", words.insertions},
        {"matched", words.matched},
        {"speaker_agreement", words.speaker_agreement}}},
      {"duration",
       {{"primary", primary.duration},
        {"shadow", shadow.duration},
        {"difference", shadow.duration - primary.duration}}},
      {"steps", StepsJson(primary, shadow)},
  };
}

}  // namespace reflector::service
