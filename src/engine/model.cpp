#include "engine/model.hpp"

#include "engine/task_worker.hpp"

#include <array>
#include <utility>

namespace reflector::engine {
namespace {

constexpr std::array<std::pair<TaskStatus, std::string_view>, 9> kTaskStatusNames{{
    {TaskStatus::kScheduled, "SCHEDULED"},
    {TaskStatus::kInProgress, "IN_PROGRESS"},
    {TaskStatus::kCompleted, "COMPLETED"},
    {TaskStatus::kCompletedWithErrors, "COMPLETED_WITH_ERRORS"},
    {TaskStatus::kFailed, "FAILED"},
    {TaskStatus::kFailedWithTerminalError, "FAILED_WITH_TERMINAL_ERROR"},
    {TaskStatus::kTimedOut, "TIMED_OUT"},
    {TaskStatus::kCanceled, "CANCELED"},
    {TaskStatus::kSkipped, "SKIPPED"},
}};

constexpr std::array<std::pair<WorkflowStatus, std::string_view>, 6> kWorkflowStatusNames{{
    {WorkflowStatus::kRunning, "RUNNING"},
    {WorkflowStatus::kCompleted, "COMPLETED"},
    {WorkflowStatus::kFailed, "FAILED"},
    {WorkflowStatus::kTimedOut, "TIMED_OUT"},
    {WorkflowStatus::kTerminated, "TERMINATED"},
    {WorkflowStatus::kPaused, "PAUSED"},
}};

std::int64_t Millis(WallTime time) {
  if (time == WallTime{}) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

}  // namespace

std::string_view ToString(TaskStatus status) {
  for (const auto& [value, name] : kTaskStatusNames) {
    if (value == status) return name;
  }
  return "SCHEDULED";
}

std::string_view ToString(WorkflowStatus status) {
  for (const auto& [value, name] : kWorkflowStatusNames) {
    if (value == status) return name;
  }
  return "RUNNING";
}

Result<TaskStatus> ParseTaskStatus(std::string_view text) {
  for (const auto& [value, name] : kTaskStatusNames) {
    if (name == text) return value;
  }
  return Error::InvalidInput("unknown task status '" + std::string(text) + "'");
}

Result<WorkflowStatus> ParseWorkflowStatus(std::string_view text) {
  for (const auto& [value, name] : kWorkflowStatusNames) {
    if (name == text) return value;
  }
  return Error::InvalidInput("unknown workflow status '" + std::string(text) + "'");
}

bool IsTerminal(TaskStatus status) {
  return status != TaskStatus::kScheduled && status != TaskStatus::kInProgress;
}

bool IsSuccessful(TaskStatus status) {
  switch (status) {
    case TaskStatus::kFailed:
    case TaskStatus::kFailedWithTerminalError:
    case TaskStatus::kTimedOut:
    case TaskStatus::kCanceled:
      return false;
    default:
      return true;
  }
}

bool IsTerminal(WorkflowStatus status) {
  return status != WorkflowStatus::kRunning && status != WorkflowStatus::kPaused;
}

TaskOutcome ToOutcome(const Result<Json>& result) {
  TaskOutcome outcome;
  if (result.ok()) {
    outcome.status = TaskStatus::kCompleted;
    outcome.output = result.value().is_object() ? result.value() : Json{{"result", result.value()}};
    return outcome;
  }
  const Error& error = result.error();
  outcome.status = error.retryable ? TaskStatus::kFailed : TaskStatus::kFailedWithTerminalError;
  outcome.reason = error.message;
  return outcome;
}

Json ToJson(const TaskRun& task) {
  return Json{{"taskId", task.id},
              {"workflowInstanceId", task.workflow_id},
              {"referenceTaskName", task.reference_name},
              {"taskDefName", task.task_name},
              {"taskType", task.task_type == kSimpleType ? task.task_name : task.task_type},
              {"status", ToString(task.status)},
              {"inputData", task.input},
              {"outputData", task.output},
              {"reasonForIncompletion", task.reason},
              {"workerId", task.worker_id},
              {"retryCount", task.retry_count},
              {"seq", task.seq},
              {"retried", task.retried},
              {"scheduledTime", Millis(task.scheduled_time)},
              {"startTime", Millis(task.start_time)},
              {"updateTime", Millis(task.update_time)},
              {"endTime", Millis(task.end_time)}};
}

Json ToJson(const WorkflowRun& workflow) {
  return Json{{"workflowId", workflow.id},
              {"workflowName", workflow.name},
              {"workflowVersion", workflow.version},
              {"status", ToString(workflow.status)},
              {"input", workflow.input},
              {"output", workflow.output},
              {"correlationId", workflow.correlation_id},
              {"reasonForIncompletion", workflow.reason},
              {"createTime", Millis(workflow.create_time)},
              {"updateTime", Millis(workflow.update_time)},
              {"endTime", Millis(workflow.end_time)}};
}

TaskExecution MakeTaskExecution(const TaskRun& task, std::stop_token stop, ProgressSink* progress) {
  TaskExecution execution;
  execution.workflow_id = task.workflow_id;
  execution.task_id = task.id;
  execution.reference_name = task.reference_name;
  execution.task_name = task.task_name;
  execution.retry_count = task.retry_count;
  execution.input = task.input;
  execution.stop = std::move(stop);
  execution.progress = progress;
  return execution;
}

}  // namespace reflector::engine
