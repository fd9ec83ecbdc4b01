#include "metrics/workflow_metrics.hpp"

#include <algorithm>
#include <cctype>

namespace reflector::metrics {
namespace {

using engine::TaskRun;
using engine::TaskStatus;

// What was counted of one task run (bits of Running::tasks).
constexpr std::uint8_t kRetryCounted = 1;
constexpr std::uint8_t kEndCounted = 2;

// The task definition name of transcription attempts, and the output fields read.
constexpr std::string_view kTranscribeTask = "transcribe_track";
constexpr const char* kCachedField = "cached";
constexpr const char* kLlmCallsMadeField = "llm_calls_made";
constexpr const char* kLlmCallsCachedField = "llm_calls_cached";

// The first time that is set; `fallback` when none is (a record without times counts as new).
WallTime FirstSet(WallTime first, WallTime second, WallTime fallback) {
  if (first != WallTime{}) return first;
  if (second != WallTime{}) return second;
  return fallback;
}

bool IsFailure(TaskStatus status) {
  return status == TaskStatus::kFailed || status == TaskStatus::kFailedWithTerminalError ||
         status == TaskStatus::kTimedOut;
}

bool IsCompleted(TaskStatus status) {
  return status == TaskStatus::kCompleted || status == TaskStatus::kCompletedWithErrors;
}

// A count field of a task's output: a non-negative number, else 0.
double CountField(const Json& output, const char* field) {
  if (!output.is_object()) return 0.0;
  auto it = output.find(field);
  if (it == output.end() || !it->is_number()) return 0.0;
  double value = it->get<double>();
  return value > 0.0 ? value : 0.0;
}

}  // namespace

WorkflowMetrics::WorkflowMetrics(Registry& registry, const Clock& clock, WorkflowMetricsOptions options)
    : clock_(clock),
      options_(std::move(options)),
      since_(clock.Now()),
      durations_(registry.AddHistogram("reflector_step_duration_seconds",
                                       "Duration of each workflow step attempt that ran, in seconds",
                                       {"step"}, options_.duration_buckets)),
      attempts_(registry.AddCounter("reflector_step_attempts_total", "Workflow step attempts that ended",
                                    {"step"})),
      failures_(registry.AddCounter("reflector_step_failures_total",
                                    "Workflow step attempts that failed or timed out", {"step"})),
      retries_(registry.AddCounter("reflector_step_retries_total",
                                   "Workflow step attempts that retry an earlier attempt", {"step"})),
      workflows_(registry.AddCounter("reflector_workflows_total", "Workflows that ended, by final status",
                                     {"workflow", "status"})),
      in_flight_(registry.AddGauge("reflector_workflows_in_flight", "Workflows running now", {"workflow"})),
      transcriptions_(registry.AddCounter(
          "reflector_transcriptions_total",
          "Track transcriptions, made by the speech-to-text backend or cached", {"result"})),
      llm_calls_(registry.AddCounter(
          "reflector_llm_calls_total",
          "LLM calls of workflow steps, made by the model or answered from the cache", {"result"})) {
  for (std::string_view result : {"made", "cached"}) {
    transcriptions_.With({result});
    llm_calls_.With({result});
  }
}

std::string WorkflowMetrics::StepOf(const TaskRun& task) {
  const std::string& ref = task.reference_name;
  const std::string& name = task.task_name;
  if (ref.empty()) return name;
  bool fork_branch = !name.empty() && ref.size() > name.size() + 1 && ref.starts_with(name) &&
                     ref[name.size()] == '_' &&
                     std::all_of(ref.begin() + static_cast<std::ptrdiff_t>(name.size()) + 1, ref.end(),
                                 [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
  return fork_branch ? name : ref;
}

void WorkflowMetrics::Observe(const engine::WorkflowSnapshot& snapshot) {
  const engine::WorkflowRun& workflow = snapshot.workflow;
  if (workflow.id.empty()) return;
  const WallTime now = clock_.Now();
  const bool ended = engine::IsTerminal(workflow.status);
  const WallTime end = ended ? FirstSet(workflow.end_time, workflow.update_time, now) : WallTime{};

  std::lock_guard lock(mutex_);
  WallTime counted_after = since_;
  if (auto remembered = ended_.find(workflow.id); remembered != ended_.end()) {
    if (ended && end <= remembered->second.end) return;  // this end was counted already
    counted_after = remembered->second.end;              // run again (Engine::Retry) since
    ended_.erase(remembered);
  }
  auto it = running_.find(workflow.id);
  Running& running = it != running_.end() ? it->second : Track(snapshot, counted_after);
  running.last_observed = clock_.Monotonic();
  recency_.splice(recency_.begin(), recency_, running.recency);

  for (const TaskRun& task : snapshot.tasks) {
    if (task.task_type == engine::kSimpleType && !task.id.empty()) ObserveTask(running, task);
  }
  if (ended) {
    if (end > running.counted_after) {
      workflows_.With({workflow.name, engine::ToString(workflow.status)}).Increment();
    }
    RememberEnded(workflow.id, end);
    Untrack(running_.find(workflow.id));
  }
  ForgetStale();
}

WorkflowMetrics::Running& WorkflowMetrics::Track(const engine::WorkflowSnapshot& snapshot,
                                                 WallTime counted_after) {
  const std::string& id = snapshot.workflow.id;
  recency_.push_front(id);
  Running& running = running_[id];
  running.name = snapshot.workflow.name;
  running.counted_after = counted_after;
  running.recency = recency_.begin();
  in_flight_.With({running.name}).Set(static_cast<double>(++in_flight_counts_[running.name]));
  return running;
}

void WorkflowMetrics::Untrack(std::unordered_map<std::string, Running>::iterator it) {
  const std::string& name = it->second.name;
  in_flight_.With({name}).Set(static_cast<double>(--in_flight_counts_[name]));
  recency_.erase(it->second.recency);
  running_.erase(it);
}

void WorkflowMetrics::ObserveTask(Running& running, const TaskRun& task) {
  std::uint8_t& counted = running.tasks[task.id];
  if (task.retry_count > 0 && (counted & kRetryCounted) == 0) {
    counted |= kRetryCounted;
    if (FirstSet(task.scheduled_time, task.start_time, clock_.Now()) > running.counted_after) {
      retries_.With({StepOf(task)}).Increment();
    }
  }
  if (engine::IsTerminal(task.status) && (counted & kEndCounted) == 0) {
    counted |= kEndCounted;
    if (FirstSet(task.end_time, task.update_time, clock_.Now()) > running.counted_after) {
      CountAttempt(StepOf(task), task);
    }
  }
}

void WorkflowMetrics::CountAttempt(const std::string& step, const TaskRun& task) {
  const bool started = task.start_time != WallTime{};
  const bool failed = IsFailure(task.status);
  if (!started && !failed) return;  // skipped, or cancelled before it ran: not an attempt
  attempts_.With({step}).Increment();
  if (failed) failures_.With({step}).Increment();
  if (started && task.end_time >= task.start_time) {
    std::chrono::duration<double> seconds = task.end_time - task.start_time;
    durations_.With({step}).Observe(seconds.count());
  }
  if (!IsCompleted(task.status)) return;
  if (task.task_name == kTranscribeTask && task.output.is_object()) {
    auto cached = task.output.find(kCachedField);
    if (cached != task.output.end() && cached->is_boolean()) {
      transcriptions_.With({cached->get<bool>() ? "cached" : "made"}).Increment();
    }
  }
  if (double made = CountField(task.output, kLlmCallsMadeField); made > 0) {
    llm_calls_.With({"made"}).Increment(made);
  }
  if (double cached = CountField(task.output, kLlmCallsCachedField); cached > 0) {
    llm_calls_.With({"cached"}).Increment(cached);
  }
}

void WorkflowMetrics::RememberEnded(const std::string& id, WallTime end) {
  const std::uint64_t serial = ++ended_serial_;
  ended_[id] = Ended{end, serial};
  ended_order_.emplace_back(id, serial);
  while (ended_order_.size() > options_.max_ended_workflows) {
    const auto& [oldest, oldest_serial] = ended_order_.front();
    if (auto found = ended_.find(oldest); found != ended_.end() && found->second.serial == oldest_serial) {
      ended_.erase(found);
    }
    ended_order_.pop_front();
  }
}

void WorkflowMetrics::ForgetStale() {
  const SteadyTime now = clock_.Monotonic();
  while (!recency_.empty()) {
    auto oldest = running_.find(recency_.back());
    bool too_many = running_.size() > options_.max_running_workflows;
    bool stale = now - oldest->second.last_observed > options_.forget_unobserved_after;
    if (!too_many && !stale) break;
    Untrack(oldest);
  }
}

}  // namespace reflector::metrics
