#include "engine/conductor/task_executor.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "core/log.hpp"

namespace reflector::engine {
namespace {

// Records the last reported fraction; the lease is kept alive by time, not by reports (see
// lease_keeper.hpp), so a task that reports nothing for a while is not mistaken for a dead worker.
class TaskProgress final : public ProgressSink {
 public:
  void Report(double fraction, std::string_view /*detail*/) override { fraction_.store(fraction); }
  double fraction() const { return fraction_.load(); }

 private:
  std::atomic<double> fraction_{0};
};

}  // namespace

TaskExecutor::TaskExecutor(const TaskRegistry& tasks, Clock& clock, const WorkerOptions& options)
    : tasks_(tasks), clock_(clock), options_(options) {}

void TaskExecutor::AddStats(WorkerStats& stats) const {
  stats.started = started_;
  stats.completed = completed_;
  stats.failed = failed_;
  stats.handed_back = handed_back_;
}

TaskUpdate TaskExecutor::Execute(const PolledTask& task, std::stop_token stop,
                                 const std::function<bool()>& handing_back) {
  started_++;
  log::Info("task started", {{"task_type", task.task_type},
                             {"task_id", task.task_id},
                             {"workflow_id", task.workflow_id},
                             {"attempt", task.retry_count + 1}});
  const SteadyTime start = clock_.Monotonic();
  TaskProgress progress;
  Result<Json> result = Invoke(MakeTaskExecution(ToTaskRun(task), std::move(stop), &progress));
  const bool hand_back = !result && result.error().kind == ErrorKind::kCancelled && handing_back();
  TaskUpdate update = hand_back ? HandBack(task) : Finished(task, result);
  if (!update.reason.empty()) update.logs.push_back(update.reason);
  const bool completed = update.status == TaskStatus::kCompleted;
  log::Write(completed ? log::Level::kInfo : log::Level::kWarn, "task finished",
             {{"task_type", task.task_type},
              {"task_id", task.task_id},
              {"workflow_id", task.workflow_id},
              {"attempt", task.retry_count + 1},
              {"status", ToString(update.status)},
              {"seconds", std::chrono::duration<double>(clock_.Monotonic() - start).count()},
              {"reason", update.reason}});
  return update;
}

Result<Json> TaskExecutor::Invoke(const TaskExecution& execution) const {
  const std::string& type = execution.task_name;
  const TaskFunction* function = tasks_.Find(type);
  if (function == nullptr) {
    return Error::Terminal(ErrorKind::kInvalidInput,
                           "this worker has no function for task type '" + type + "'");
  }
  try {
    return (*function)(execution);
  } catch (const std::exception& e) {
    return Error::Transient(ErrorKind::kInternal, "task " + type + " threw: " + e.what());
  } catch (...) {
    return Error::Transient(ErrorKind::kInternal, "task " + type + " threw a non-standard exception");
  }
}

TaskUpdate TaskExecutor::HandBack(const PolledTask& task) {
  TaskUpdate update;
  update.task_id = task.task_id;
  update.workflow_id = task.workflow_id;
  update.worker_id = options_.worker_id;
  update.status = TaskStatus::kInProgress;
  update.callback_after_seconds = 0;
  update.reason = "worker " + options_.worker_id + " shut down; task handed back";
  handed_back_++;
  return update;
}

TaskUpdate TaskExecutor::Finished(const PolledTask& task, const Result<Json>& result) {
  TaskOutcome outcome = ToOutcome(result);
  std::string output = outcome.output.dump();
  if (outcome.status == TaskStatus::kCompleted && output.size() > options_.max_output_bytes) {
    outcome.status = TaskStatus::kFailedWithTerminalError;
    outcome.reason = "task " + task.task_type + " output is " + std::to_string(output.size()) +
                     " bytes; outputs must stay under " + std::to_string(options_.max_output_bytes) +
                     " bytes (large data belongs in storage)";
    outcome.output = Json::object();
  }
  TaskUpdate update;
  update.task_id = task.task_id;
  update.workflow_id = task.workflow_id;
  update.worker_id = options_.worker_id;
  update.status = outcome.status;
  update.output = std::move(outcome.output);
  update.reason = outcome.reason;
  (outcome.status == TaskStatus::kCompleted ? completed_ : failed_)++;
  return update;
}

}  // namespace reflector::engine
