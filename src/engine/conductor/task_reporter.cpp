#include "engine/conductor/task_reporter.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace reflector::engine {

TaskReporter::TaskReporter(TaskServer& server, Clock& clock, const WorkerOptions& options)
    : server_(server), clock_(clock), attempts_(options.update_attempts), backoff_(options.update_backoff) {}

void TaskReporter::AddStats(WorkerStats& stats) const {
  stats.update_retries = update_retries_;
  stats.updates_lost = updates_lost_;
}

bool TaskReporter::Send(const TaskUpdate& update) {
  std::chrono::milliseconds wait = backoff_;
  for (int attempt = 1; attempt <= attempts_; ++attempt) {
    Status sent = server_.UpdateTask(update, {});
    if (sent.ok()) return true;
    const Error& error = sent.error();
    if (error.kind == ErrorKind::kNotFound || !error.retryable) {
      log::Warn("task update refused; dropped",
                {{"task_id", update.task_id}, {"workflow_id", update.workflow_id}, {"error", error.message}});
      return false;
    }
    if (attempt == attempts_) break;
    update_retries_++;
    log::Warn("task update failed; retrying", {{"task_id", update.task_id},
                                               {"workflow_id", update.workflow_id},
                                               {"attempt", attempt},
                                               {"retry_in_s", wait.count() / 1000.0},
                                               {"error", error.message}});
    clock_.SleepFor(wait, {});
    wait = std::min(wait * 2, kMaxUpdateWait);
  }
  updates_lost_++;
  log::Error("task update lost after every attempt; the server will time the task out",
             {{"task_id", update.task_id}, {"workflow_id", update.workflow_id}});
  return false;
}

}  // namespace reflector::engine
