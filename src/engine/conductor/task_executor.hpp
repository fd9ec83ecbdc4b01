#pragma once
// The worker's executor: runs one polled task with its own stop token and turns its result into
// the update to report.

#include <atomic>
#include <cstdint>
#include <functional>
#include <stop_token>

#include "core/clock.hpp"
#include "engine/conductor/conductor_client.hpp"
#include "engine/conductor/worker_options.hpp"
#include "engine/task_worker.hpp"

namespace reflector::engine {

class TaskExecutor {
 public:
  // Uses worker_id and max_output_bytes of `options`. `tasks` and `clock` (which times the runs
  // for the log) must outlive the executor.
  TaskExecutor(const TaskRegistry& tasks, Clock& clock, const WorkerOptions& options);

  // Runs the function registered for `task` with `stop` and returns the update reporting its
  // end. The result goes through engine::ToOutcome, the adapter the in-process engine uses
  // (a value COMPLETED, a retryable error FAILED, another error FAILED_WITH_TERMINAL_ERROR);
  // an exception is a retryable error (FAILED); a missing function or an output over
  // max_output_bytes is FAILED_WITH_TERMINAL_ERROR. A task that ends Cancelled while
  // `handing_back()` is true is handed back: IN_PROGRESS with callbackAfterSeconds 0 (re-queued
  // at once, no retry consumed). Thread-safe: each executor thread calls it for its own task.
  TaskUpdate Execute(const PolledTask& task, std::stop_token stop, const std::function<bool()>& handing_back);
  // Fills in started, completed, failed and handed_back; safe from any thread.
  void AddStats(WorkerStats& stats) const;

 private:
  Result<Json> Invoke(const TaskExecution& execution) const;
  TaskUpdate HandBack(const PolledTask& task);
  TaskUpdate Finished(const PolledTask& task, const Result<Json>& result);

  const TaskRegistry& tasks_;
  Clock& clock_;
  const WorkerOptions options_;
  std::atomic<std::uint64_t> started_{0}, completed_{0}, failed_{0}, handed_back_{0};
};

}  // namespace reflector::engine
