#pragma once
// Workflow and step metrics computed from engine snapshots, so they are right whichever
// process ran the steps (the in-process engine, or `reflector worker` processes behind
// Conductor): the server calls Observe with every snapshot it reads, as often as it likes.
//
// Families registered (all counters count since this object was made):
//   reflector_step_duration_seconds{step}   histogram, end - start of each attempt that ran
//   reflector_step_attempts_total{step}     attempts that ended (ran, or failed without running)
//   reflector_step_failures_total{step}     attempts that ended FAILED, FAILED_WITH_TERMINAL_ERROR
//                                           or TIMED_OUT
//   reflector_step_retries_total{step}      attempts that retry an earlier one (retry count > 0),
//                                           counted when first seen
//   reflector_workflows_total{workflow,status}  workflows that ended, by definition name and
//                                           final status (COMPLETED, FAILED, TIMED_OUT, TERMINATED)
//   reflector_workflows_in_flight{workflow} observed workflows not ended yet
//   reflector_transcriptions_total{result}  completed transcribe_track attempts: "made" or
//                                           "cached" (their output's `cached`)
//   reflector_llm_calls_total{result}       LLM calls of completed attempts: "made" and "cached"
//                                           (their outputs' `llm_calls_made`, `llm_calls_cached`)
//
// `step` is the task's reference name, except for the branches of a dynamic fork, whose
// reference name is the task name plus "_<index>" (pad_track_0, transcribe_track_3): those are
// labelled with the task name, so the label's values stay few. Only SIMPLE tasks are steps.
//
// Exactly once: each task attempt (task id) and each workflow end is counted once however many
// times, and in whatever order, snapshots are observed. What ended before this object was made
// (by the snapshot's end times) is not counted, so a restarted server does not count old runs
// again. A workflow is tracked from its first observation until it ends; then only its id and
// end time are remembered (bounded), so a workflow run again with Engine::Retry counts again
// only what happens after its previous end.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "engine/model.hpp"
#include "metrics/registry.hpp"

namespace reflector::metrics {

struct WorkflowMetricsOptions {
  // Running workflows tracked at once; beyond it the least recently observed is forgotten.
  std::size_t max_running_workflows = 10000;
  // Ended workflows whose id and end time are remembered (the oldest are forgotten first).
  std::size_t max_ended_workflows = 10000;
  // A running workflow not observed for this long is forgotten (it leaves the in-flight gauge).
  std::chrono::seconds forget_unobserved_after = std::chrono::hours(24);
  // Upper bounds of reflector_step_duration_seconds' buckets, in seconds.
  std::vector<double> duration_buckets = {0.1, 0.25, 0.5, 1,   2.5,  5,    10,  30,
                                          60,  120,  300, 600, 1200, 1800, 3600};
};

class WorkflowMetrics {
 public:
  // Registers the families above in `registry` (which must not have them yet). `registry` and
  // `clock` must outlive this object. Counts what ends after clock.Now().
  WorkflowMetrics(Registry& registry, const Clock& clock, WorkflowMetricsOptions options = {});
  WorkflowMetrics(const WorkflowMetrics&) = delete;
  WorkflowMetrics& operator=(const WorkflowMetrics&) = delete;

  // Counts what is new in `snapshot`. Thread-safe; snapshots without a workflow id are ignored.
  void Observe(const engine::WorkflowSnapshot& snapshot);

  // The `step` label of a task run.
  [[nodiscard]] static std::string StepOf(const engine::TaskRun& task);

 private:
  struct Running {
    std::string name;
    WallTime counted_after;                               // only what happened after this is counted
    std::unordered_map<std::string, std::uint8_t> tasks;  // task id -> what was counted (bits)
    SteadyTime last_observed;
    std::list<std::string>::iterator recency;  // in recency_
  };

  Running& Track(const engine::WorkflowSnapshot& snapshot, WallTime counted_after);
  void Untrack(std::unordered_map<std::string, Running>::iterator it);
  void ObserveTask(Running& running, const engine::TaskRun& task);
  void CountAttempt(const std::string& step, const engine::TaskRun& task);
  void RememberEnded(const std::string& id, WallTime end);
  void ForgetStale();

  const Clock& clock_;
  const WorkflowMetricsOptions options_;
  const WallTime since_;

  HistogramFamily& durations_;
  CounterFamily& attempts_;
  CounterFamily& failures_;
  CounterFamily& retries_;
  CounterFamily& workflows_;
  GaugeFamily& in_flight_;
  CounterFamily& transcriptions_;
  CounterFamily& llm_calls_;

  std::mutex mutex_;
  std::unordered_map<std::string, Running> running_;  // by workflow id
  std::list<std::string> recency_;                    // running workflow ids, most recently observed first
  std::map<std::string, std::int64_t> in_flight_counts_;  // by workflow name
  struct Ended {
    WallTime end;
    std::uint64_t serial = 0;  // tells this entry's place in ended_order_ from older ones
  };
  std::unordered_map<std::string, Ended> ended_;                   // workflow id -> end counted
  std::deque<std::pair<std::string, std::uint64_t>> ended_order_;  // (id, serial), oldest first
  std::uint64_t ended_serial_ = 0;
};

}  // namespace reflector::metrics
