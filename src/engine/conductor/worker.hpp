#pragma once
// The worker runtime: runs registered task functions for a Conductor server.
//
// Four parts, each in its own class and file:
//  - poller (task_poller.hpp; the thread that calls Run): batch-polls only as many tasks as
//    there are free execution slots (a polled task is IN_PROGRESS on the server at once). With
//    one task type it long-polls for one task (the server answers as soon as one is queued),
//    then takes what else is queued without waiting. With several types it sweeps them
//    round-robin without waiting on the server, and an empty sweep backs off (10 ms doubling up
//    to `max_idle_interval`). Poll errors back off from 1 s up to 30 s;
//  - executor (task_executor.hpp): `concurrency` threads, each running one task at a time with
//    its own stop token; the result goes through engine::ToOutcome, the same adapter the
//    in-process engine uses;
//  - reporter (task_reporter.hpp): each executor thread sends its task's update before taking
//    the next task, retrying connection errors and 5xx with backoff (the server ignores
//    repeated updates of a finished task); a 404 means the task is gone. So a finished task
//    holds its slot until the server knows, and no result waits in memory where a crash would
//    lose it. A final status goes with Conductor's update-v2, whose answer carries the next
//    queued task of the same type: the same thread runs it at once in the same slot, without a
//    poll (the poller fills the slots that free up). A server without update-v2 (it refuses
//    the call and takes the plain update) gets the plain update and polls from then on;
//  - lease keeper (lease_keeper.hpp): extends the lease (extendLease) of every task in flight
//    once `lease_fraction` x responseTimeoutSeconds has passed since the poll or the last
//    extension, so a long pad, mixdown or transcription is not delivered to a second worker
//    while it runs. A dead worker sends no extension and the server times its tasks out and
//    retries them elsewhere.
// They share the tasks in flight (in_flight_tasks.hpp) and reach the server through TaskServer
// (task_server.hpp). Every backoff and lease check waits on the worker's Clock.
//
// Shutdown (the stop token of Run): polling stops at once, and updates no longer ask for a next
// task (one that comes in an answer anyway is run like a polled one); running tasks get
// `shutdown_timeout` to finish and report; then their stop tokens are requested, and a task
// that ends with Cancelled is handed back to the server (IN_PROGRESS with
// callbackAfterSeconds 0: re-queued at once for another worker, no retry consumed).
#include <memory>
#include <stop_token>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "engine/conductor/conductor_client.hpp"
#include "engine/conductor/worker_options.hpp"
#include "engine/task_worker.hpp"

namespace reflector::engine {

// "host:pid".
std::string DefaultWorkerId();

class ConductorWorker {
 public:
  // `client` and `tasks` must outlive the worker. Options are checked by Run. Waits on the
  // system clock.
  ConductorWorker(ConductorClient& client, const TaskRegistry& tasks, WorkerOptions options);
  // The same, waiting on `clock` (which must outlive the worker): poll and update backoff,
  // lease checks and lease ages. The shutdown deadline is real time.
  ConductorWorker(ConductorClient& client, const TaskRegistry& tasks, WorkerOptions options, Clock& clock);
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
