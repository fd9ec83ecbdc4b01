#include "engine/conductor/lease_keeper.hpp"

#include "core/log.hpp"

namespace reflector::engine {

LeaseKeeper::LeaseKeeper(TaskServer& server, InFlightTasks& in_flight, Clock& clock,
                         const WorkerOptions& options)
    : server_(server), in_flight_(in_flight), clock_(clock), options_(options) {}

void LeaseKeeper::AddStats(WorkerStats& stats) const {
  stats.leases_extended = leases_extended_;
}

void LeaseKeeper::Run(std::stop_token stop) {
  while (clock_.SleepFor(options_.lease_check_interval, stop))
    ExtendDueLeases(stop);
}

void LeaseKeeper::ExtendDueLeases(std::stop_token stop) {
  for (const auto& due : in_flight_.TakeDueLeases(options_.lease_fraction)) {
    TaskUpdate update;
    update.task_id = due.task_id;
    update.workflow_id = due.workflow_id;
    update.worker_id = options_.worker_id;
    update.status = TaskStatus::kInProgress;
    update.extend_lease = true;
    Status sent = server_.UpdateTask(update, stop);
    if (!sent.ok() && sent.error().kind != ErrorKind::kCancelled) {
      sent = server_.UpdateTask(update, stop);  // one more try; the next check comes soon
    }
    if (sent.ok()) {
      leases_extended_++;
      log::Debug("lease extended", {{"task_id", update.task_id}, {"workflow_id", update.workflow_id}});
    } else {
      log::Warn("lease extension failed", {{"task_id", update.task_id},
                                           {"workflow_id", update.workflow_id},
                                           {"error", sent.error().message}});
    }
  }
}

}  // namespace reflector::engine
