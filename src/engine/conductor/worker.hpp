#pragma once
// The worker runtime: runs registered task functions for a Conductor server.
//
// Three parts, each on its own threads:
//  - poller (the thread that calls Run): batch-polls only as many tasks as there are free
//    execution slots (a polled task is IN_PROGRESS on the server at once). With one task type it
//    long-polls for one task (the server answers as soon as one is queued), then takes what else
//    is queued without waiting. With several types it sweeps them round-robin without waiting
//    on the server, and an empty sweep backs off (10 ms doubling up to `max_idle_interval`).
//    Poll errors back off up to 30 s;
//  - executor: `concurrency` threads, each running one task at a time with its own stop token;
//    the result goes through engine::ToOutcome, the same adapter the in-process engine uses;
//  - reporter: each executor thread sends its task's update before taking the next task,
//    retrying connection errors and 5xx with backoff (the server ignores repeated updates of a
//    finished task); a 404 means the task is gone. So a finished task holds its slot until the
//    server knows, and no result waits in memory where a crash would lose it.
// A lease keeper extends the lease (extendLease) of every running task once
// `lease_fraction` x responseTimeoutSeconds has passed since the poll or the last extension, so
// a long pad, mixdown or transcription is not delivered to a second worker while it runs. A dead
// worker sends no extension and the server times its tasks out and retries them elsewhere.
//
// Shutdown (the stop token of Run): polling stops at once; running tasks get
// `shutdown_timeout` to finish and report; then their stop tokens are requested, and a task
// that ends with Cancelled is handed back to the server (IN_PROGRESS with
// callbackAfterSeconds 0: re-queued at once for another worker, no retry consumed).
#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "engine/conductor/conductor_client.hpp"
#include "engine/task_worker.hpp"

namespace reflector::engine {

struct WorkerOptions {
  std::vector<std::string> task_types;  // polled; each must be registered in the TaskRegistry
  int concurrency = 2;                  // tasks run at once, across all task types
  std::string worker_id;                // reported to the server; DefaultWorkerId() when empty
  // Server-side long poll, used when a single task type is polled (with several types a poll
  // must not hold the others back, so the sweep polls without waiting).
  std::chrono::milliseconds long_poll{1000};
  std::chrono::milliseconds max_idle_interval{250};  // ceiling of the empty-queue backoff (several types)
  std::chrono::milliseconds shutdown_timeout{30000};
  double lease_fraction = 0.5;  // extend the lease at this fraction of responseTimeoutSeconds
  std::chrono::milliseconds lease_check_interval{1000};
  int update_attempts = 8;                        // tries per update before it is given up
  std::chrono::milliseconds update_backoff{500};  // doubled after each failed try, capped at 30 s
  std::size_t max_output_bytes = 64 * 1024;       // larger outputs fail the task (terminal)
};

struct WorkerStats {
  std::uint64_t polls = 0;
  std::uint64_t empty_polls = 0;
  std::uint64_t poll_errors = 0;
  std::uint64_t started = 0;
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;       // FAILED or FAILED_WITH_TERMINAL_ERROR reported
  std::uint64_t handed_back = 0;  // returned to the queue at shutdown
  std::uint64_t leases_extended = 0;
  std::uint64_t update_retries = 0;
  std::uint64_t updates_lost = 0;  // given up after every attempt (the server will time them out)
};

// "host:pid".
std::string DefaultWorkerId();

class ConductorWorker {
 public:
  // `client` and `tasks` must outlive the worker. Options are checked by Run.
  ConductorWorker(ConductorClient& client, const TaskRegistry& tasks, WorkerOptions options);
  ~ConductorWorker();
  ConductorWorker(const ConductorWorker&) = delete;
  ConductorWorker& operator=(const ConductorWorker&) = delete;

  // Polls and runs tasks until `stop` is requested, then shuts down as described above and
  // returns. InvalidInput for bad options (no task types, an unregistered type, concurrency < 1).
  Status Run(std::stop_token stop);

  // A snapshot; safe from any thread.
  WorkerStats Stats() const;
  const std::string& worker_id() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace reflector::engine
