#pragma once
// The worker's reporter: sends a task's final update to the server, retrying with backoff.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/clock.hpp"
#include "engine/conductor/task_server.hpp"
#include "engine/conductor/worker_options.hpp"

namespace reflector::engine {

// Ceiling of the backoff between tries of one update.
inline constexpr std::chrono::milliseconds kMaxUpdateWait{30000};

// Each executor thread sends its task's update before taking the next task, so a finished task
// holds its slot until the server knows and no result waits in memory where a crash would lose
// it. The server ignores repeated updates of a finished task, so retrying is safe.
class TaskReporter {
 public:
  // Uses update_attempts and update_backoff of `options`. `server` and `clock` must outlive
  // the reporter.
  TaskReporter(TaskServer& server, Clock& clock, const WorkerOptions& options);

  // Sends `update`: retryable failures (connection errors, 5xx) are tried again, up to
  // update_attempts tries in all, after update_backoff doubling up to kMaxUpdateWait (waits on
  // the clock and is not cut short by shutdown). A 404 (the task is gone) or another terminal
  // error drops the update. True when the server took it. Thread-safe.
  bool Send(const TaskUpdate& update);
  // Fills in update_retries and updates_lost; safe from any thread.
  void AddStats(WorkerStats& stats) const;

 private:
  TaskServer& server_;
  Clock& clock_;
  const int attempts_;
  const std::chrono::milliseconds backoff_;
  std::atomic<std::uint64_t> update_retries_{0}, updates_lost_{0};
};

}  // namespace reflector::engine
