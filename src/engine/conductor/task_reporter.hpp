#pragma once
// The worker's reporter: sends a task's final update to the server, retrying with backoff, and
// with Conductor's update-v2 takes the next task of the same type from the update's answer.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "core/clock.hpp"
#include "engine/conductor/task_server.hpp"
#include "engine/conductor/worker_options.hpp"

namespace reflector::engine {

// Ceiling of the backoff between tries of one update.
inline constexpr std::chrono::milliseconds kMaxUpdateWait{10000};

// Each executor thread sends its task's update before taking the next task, so a finished task
// holds its slot until the server knows and no result waits in memory where a crash would lose
// it. The server ignores repeated updates of a finished task, so retrying is safe.
class TaskReporter {
 public:
  struct Sent {
    bool taken = false;              // the server took the update
    std::optional<PolledTask> next;  // leased to this worker by the update's answer
  };

  // Uses update_attempts, update_backoff and next_task_from_update of `options`. `server` and
  // `clock` must outlive the reporter.
  TaskReporter(TaskServer& server, Clock& clock, const WorkerOptions& options);

  // Sends `update` with the plain update (POST /tasks): retryable failures (connection errors,
  // 5xx) are tried again, up to update_attempts tries in all, after update_backoff doubling up
  // to kMaxUpdateWait (waits on the clock and is not cut short by shutdown). A 404 (the task is
  // gone) or another terminal error drops the update. True when the server took it.
  // Thread-safe.
  bool Send(const TaskUpdate& update);
  // Sends a final update (COMPLETED or FAILED...) as Send does, with update-v2 while the server
  // supports it (and next_task_from_update is set), and returns the next task its answer
  // carried: the caller must run it (it is IN_PROGRESS on the server, leased to this worker).
  // A terminal refusal of update-v2 is followed at once by the plain update; when the server
  // takes that, it has no update-v2 (a 404 or 405 for the endpoint, not for the task) and every
  // later update is plain (logged once); when it refuses that too, the refusal is handled as
  // Send handles it. Thread-safe.
  Sent SendAndTakeNext(const TaskUpdate& update);
  // Whether updates still go with update-v2.
  [[nodiscard]] bool using_update_v2() const { return use_update_v2_.load(); }
  // Fills in update_retries, updates_lost and tasks_from_updates; safe from any thread.
  void AddStats(WorkerStats& stats) const;

 private:
  Sent SendWithRetries(const TaskUpdate& update, bool ask_next);
  Result<std::optional<PolledTask>> TryOnce(const TaskUpdate& update, bool ask_next);

  TaskServer& server_;
  Clock& clock_;
  const int attempts_;
  const std::chrono::milliseconds backoff_;
  std::atomic<bool> use_update_v2_;
  std::atomic<std::uint64_t> update_retries_{0}, updates_lost_{0}, tasks_from_updates_{0};
};

}  // namespace reflector::engine
