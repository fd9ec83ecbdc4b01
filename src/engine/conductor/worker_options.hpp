#pragma once
// The settings and counters of the worker runtime (worker.hpp), shared by its parts.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace reflector::engine {

struct WorkerOptions {
  std::vector<std::string> task_types;  // polled; each must be registered in the TaskRegistry
  int concurrency = 2;                  // tasks run at once, across all task types
  std::string worker_id;                // reported to the server; DefaultWorkerId() when empty
  // Server-side long poll, used when a single task type is polled (with several types a poll
  // must not hold the others back, so the sweep polls without waiting).
  std::chrono::milliseconds long_poll{1000};
  std::chrono::milliseconds max_idle_interval{250};  // ceiling of the empty-queue backoff (several types)
  // With several types, ask the server which queues hold tasks (one call) and poll only those,
  // instead of one poll per type each sweep; falls back to polling every type for good when the
  // server does not answer the question (see task_poller.hpp).
  bool poll_only_queued_types = true;
  std::chrono::milliseconds shutdown_timeout{30000};
  double lease_fraction = 0.5;  // extend the lease at this fraction of responseTimeoutSeconds
  std::chrono::milliseconds lease_check_interval{1000};
  // Report final statuses with update-v2 and run the next task of the same type its answer
  // carries, without a poll, while the server supports it (see task_reporter.hpp).
  bool next_task_from_update = true;
  // Tries per update before it is given up: 20 tries with these waits span about 2.5 minutes, so
  // a result outlives a Conductor server restart.
  int update_attempts = 20;
  std::chrono::milliseconds update_backoff{500};          // doubled after each failed try, capped at 10 s
  std::size_t max_output_bytes = std::size_t{64} * 1024;  // larger outputs fail the task (terminal)
};

// Each part of the worker fills in its own counters (AddStats).
struct WorkerStats {
  std::uint64_t polls = 0;               // poller
  std::uint64_t empty_polls = 0;         // poller
  std::uint64_t poll_errors = 0;         // poller: failed polls and queue checks
  std::uint64_t queue_checks = 0;        // poller: calls asking which queues hold tasks
  std::uint64_t started = 0;             // executor
  std::uint64_t completed = 0;           // executor
  std::uint64_t failed = 0;              // executor: FAILED or FAILED_WITH_TERMINAL_ERROR reported
  std::uint64_t handed_back = 0;         // executor: returned to the queue at shutdown
  std::uint64_t leases_extended = 0;     // lease keeper
  std::uint64_t update_retries = 0;      // reporter
  std::uint64_t updates_lost = 0;        // reporter: given up after every attempt (the server times them out)
  std::uint64_t tasks_from_updates = 0;  // reporter: next tasks received in update-v2 answers
};

}  // namespace reflector::engine
