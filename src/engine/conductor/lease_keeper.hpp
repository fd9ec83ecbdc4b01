#pragma once
// The worker's lease keeper: extends the lease of every task in flight before the server times
// it out.

#include <atomic>
#include <cstdint>
#include <stop_token>

#include "core/clock.hpp"
#include "engine/conductor/in_flight_tasks.hpp"
#include "engine/conductor/task_server.hpp"
#include "engine/conductor/worker_options.hpp"

namespace reflector::engine {

// Every lease_check_interval, sends IN_PROGRESS with extendLease for each task in flight whose
// lease was renewed lease_fraction x responseTimeoutSeconds ago (at the poll, when an executor
// took it, or at the last extension), so a long pad, mixdown or transcription is not delivered
// to a second worker while it runs. A dead worker sends no extension, and the server times its
// tasks out and retries them elsewhere.
class LeaseKeeper {
 public:
  // Uses worker_id, lease_fraction and lease_check_interval of `options`. `server`, `in_flight`
  // and `clock` must outlive the keeper.
  LeaseKeeper(TaskServer& server, InFlightTasks& in_flight, Clock& clock, const WorkerOptions& options);

  // Checks every lease_check_interval (on the clock) until `stop` is requested.
  void Run(std::stop_token stop);
  // One check: extends each lease that is due (a failed extension is tried once more; the next
  // check comes soon).
  void ExtendDueLeases(std::stop_token stop);
  // Fills in leases_extended; safe from any thread.
  void AddStats(WorkerStats& stats) const;

 private:
  TaskServer& server_;
  InFlightTasks& in_flight_;
  Clock& clock_;
  const WorkerOptions options_;
  std::atomic<std::uint64_t> leases_extended_{0};
};

}  // namespace reflector::engine
