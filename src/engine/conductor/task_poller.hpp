#pragma once
// The worker's poller: leases tasks from the server, only as many as there are free slots.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "engine/conductor/in_flight_tasks.hpp"
#include "engine/conductor/task_server.hpp"
#include "engine/conductor/worker_options.hpp"

namespace reflector::engine {

// Backoff after an empty sweep (several task types): doubled up to max_idle_interval.
inline constexpr std::chrono::milliseconds kFirstIdleWait{10};
// Backoff after a failed poll: doubled up to kMaxPollErrorWait, reset by a successful poll.
inline constexpr std::chrono::milliseconds kFirstPollErrorWait{1000};
inline constexpr std::chrono::milliseconds kMaxPollErrorWait{5000};

// Batch-polls only as many tasks as `in_flight` has free slots (a polled task is IN_PROGRESS on
// the server at once) and adds them there. With one task type it long-polls for one task (the
// server answers as soon as one is queued), then takes what else is queued without waiting.
// With several types it sweeps them round-robin without waiting on the server, and an empty
// sweep backs off. With poll_only_queued_types a sweep first asks which queues hold tasks (one
// call, where polling every type costs the server one call per type) and polls only those; a
// server that cannot tell (a terminal error) gets a poll per type from then on, a failed check
// backs off as a failed poll. Every backoff waits on `clock`.
class TaskPoller {
 public:
  // Uses task_types (not empty), worker_id, long_poll, max_idle_interval and
  // poll_only_queued_types of `options`.
  // `server`, `in_flight` and `clock` must outlive the poller.
  TaskPoller(TaskServer& server, InFlightTasks& in_flight, Clock& clock, const WorkerOptions& options);

  // Polls until `stop` is requested. One thread at a time.
  void Run(std::stop_token stop);
  // Fills in polls, empty_polls, poll_errors and queue_checks; safe from any thread.
  void AddStats(WorkerStats& stats) const;

 private:
  struct PollResult {
    std::size_t received = 0;
    bool failed = false;
    bool cancelled = false;
    bool waited_on_server = false;  // an empty answer came after most of the long poll
  };
  struct SweepResult {
    bool received = false;
    bool failed = false;
    bool waited_on_server = false;
  };
  struct TypesToPoll {
    std::vector<const std::string*> types;  // from first_type_ on
    bool failed = false;
    bool cancelled = false;
  };

  SweepResult Sweep(std::size_t free_slots, std::stop_token stop);
  TypesToPoll ChooseTypes(std::stop_token stop);
  void BackOffAfterError();
  PollResult PollOnce(const std::string& type, int count, std::chrono::milliseconds long_poll,
                      std::stop_token stop);
  void BackOff(const SweepResult& sweep, std::stop_token stop);

  TaskServer& server_;
  InFlightTasks& in_flight_;
  Clock& clock_;
  const WorkerOptions options_;
  std::size_t first_type_ = 0;  // where the next sweep starts
  bool check_queues_ = true;    // poll_only_queued_types, until the server could not answer
  std::chrono::milliseconds idle_wait_{0};
  std::chrono::milliseconds error_wait_{0};
  std::atomic<std::uint64_t> polls_{0}, empty_polls_{0}, poll_errors_{0}, queue_checks_{0};
};

}  // namespace reflector::engine
