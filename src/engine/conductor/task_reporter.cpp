#include "engine/conductor/task_reporter.hpp"

#include <algorithm>
#include <utility>

#include "core/log.hpp"

namespace reflector::engine {

TaskReporter::TaskReporter(TaskServer& server, Clock& clock, const WorkerOptions& options)
    : server_(server),
      clock_(clock),
      attempts_(options.update_attempts),
      backoff_(options.update_backoff),
      use_update_v2_(options.next_task_from_update) {}

void TaskReporter::AddStats(WorkerStats& stats) const {
  stats.update_retries = update_retries_;
  stats.updates_lost = updates_lost_;
  stats.tasks_from_updates = tasks_from_updates_;
}

bool TaskReporter::Send(const TaskUpdate& update) {
  return SendWithRetries(update, /*ask_next=*/false).taken;
}

TaskReporter::Sent TaskReporter::SendAndTakeNext(const TaskUpdate& update) {
  Sent sent = SendWithRetries(update, /*ask_next=*/true);
  if (sent.next) tasks_from_updates_++;
  return sent;
}

TaskReporter::Sent TaskReporter::SendWithRetries(const TaskUpdate& update, bool ask_next) {
  std::chrono::milliseconds wait = std::min(backoff_, kMaxUpdateWait);
  for (int attempt = 1; attempt <= attempts_; ++attempt) {
    auto answer = TryOnce(update, ask_next);
    if (answer.ok()) return Sent{true, std::move(*answer)};
    const Error& error = answer.error();
    if (error.kind == ErrorKind::kNotFound || !error.retryable) {
      log::Warn("task update refused; dropped",
                {{"task_id", update.task_id}, {"workflow_id", update.workflow_id}, {"error", error.message}});
      return {};
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
  return {};
}

// One try: update-v2 while in use, else (or after a terminal refusal of it) the plain update.
Result<std::optional<PolledTask>> TaskReporter::TryOnce(const TaskUpdate& update, bool ask_next) {
  if (ask_next && use_update_v2_.load()) {
    auto answer = server_.UpdateTaskAndPoll(update, {});
    if (answer.ok() || answer.error().retryable) return answer;
    // Refused for good: the task is gone, or the server has no update-v2. The plain update
    // tells which.
    Status plain = server_.UpdateTask(update, {});
    if (!plain.ok()) return plain.error();
    if (use_update_v2_.exchange(false)) {
      log::Warn(
          "the server refused update-v2 and took the plain update: reporting with POST /tasks "
          "and polling for every task from now on",
          {{"task_id", update.task_id}, {"error", answer.error().message}});
    }
    return std::optional<PolledTask>{};
  }
  Status plain = server_.UpdateTask(update, {});
  if (!plain.ok()) return plain.error();
  return std::optional<PolledTask>{};
}

}  // namespace reflector::engine
