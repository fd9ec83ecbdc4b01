#include "engine/in_process/database_engine_store.hpp"

#include <cmath>

namespace reflector::engine {
namespace {

double Seconds(WallTime time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

WallTime FromSeconds(double seconds) {
  return WallTime{} + std::chrono::microseconds(static_cast<std::int64_t>(std::llround(seconds * 1e6)));
}

std::optional<double> OptionalSeconds(WallTime time) {
  if (time == WallTime{}) return std::nullopt;
  return Seconds(time);
}

store::WorkflowRun ToRow(const WorkflowRun& workflow) {
  store::WorkflowRun row;
  row.id = workflow.id;
  row.name = workflow.name;
  row.version = workflow.version;
  row.status = std::string(ToString(workflow.status));
  row.input = workflow.input;
  row.output = workflow.output;
  if (!workflow.correlation_id.empty()) row.correlation_id = workflow.correlation_id;
  if (!workflow.reason.empty()) row.reason = workflow.reason;
  row.created_at = Seconds(workflow.create_time);
  row.updated_at = Seconds(workflow.update_time);
  row.ended_at = OptionalSeconds(workflow.end_time);
  row.flags = Json{{"failure_workflow_id", workflow.failure_workflow_id}};
  return row;
}

Result<WorkflowRun> FromRow(const store::WorkflowRun& row) {
  WorkflowRun workflow;
  workflow.id = row.id;
  workflow.name = row.name;
  workflow.version = static_cast<int>(row.version);
  REFLECTOR_ASSIGN_OR_RETURN(workflow.status, ParseWorkflowStatus(row.status));
  workflow.input = row.input;
  workflow.output = row.output;
  workflow.correlation_id = row.correlation_id.value_or("");
  workflow.reason = row.reason.value_or("");
  workflow.failure_workflow_id = row.flags.value("failure_workflow_id", "");
  workflow.create_time = FromSeconds(row.created_at);
  workflow.update_time = FromSeconds(row.updated_at);
  if (row.ended_at) workflow.end_time = FromSeconds(*row.ended_at);
  return workflow;
}

store::TaskRun ToRow(const TaskRun& task) {
  store::TaskRun row;
  row.id = task.id;
  row.workflow_id = task.workflow_id;
  row.reference_name = task.reference_name;
  row.task_name = task.task_name;
  row.task_type = task.task_type;
  row.status = std::string(ToString(task.status));
  row.input = task.input;
  row.output = task.output;
  row.retry_count = task.retry_count;
  row.seq = task.seq;
  if (!task.worker_id.empty()) row.worker_id = task.worker_id;
  if (!task.reason.empty()) row.reason = task.reason;
  row.scheduled_at = Seconds(task.scheduled_time);
  row.started_at = OptionalSeconds(task.start_time);
  row.updated_at = Seconds(task.update_time);
  row.ended_at = OptionalSeconds(task.end_time);
  row.retried = task.retried;
  row.start_delay = task.start_delay_seconds;
  row.flags = Json{{"optional", task.optional}, {"executed", task.executed}, {"dynamic", task.dynamic}};
  return row;
}

Result<TaskRun> FromRow(const store::TaskRun& row) {
  TaskRun task;
  task.id = row.id;
  task.workflow_id = row.workflow_id;
  task.reference_name = row.reference_name;
  task.task_name = row.task_name;
  task.task_type = row.task_type;
  REFLECTOR_ASSIGN_OR_RETURN(task.status, ParseTaskStatus(row.status));
  task.input = row.input;
  task.output = row.output;
  task.retry_count = static_cast<int>(row.retry_count);
  task.seq = static_cast<int>(row.seq);
  task.worker_id = row.worker_id.value_or("");
  task.reason = row.reason.value_or("");
  task.scheduled_time = FromSeconds(row.scheduled_at);
  if (row.started_at) task.start_time = FromSeconds(*row.started_at);
  task.update_time = FromSeconds(row.updated_at);
  if (row.ended_at) task.end_time = FromSeconds(*row.ended_at);
  task.retried = row.retried;
  task.start_delay_seconds = static_cast<int>(row.start_delay);
  task.optional = row.flags.value("optional", false);
  task.executed = row.flags.value("executed", false);
  task.dynamic = row.flags.value("dynamic", false);
  return task;
}

}  // namespace

Status DatabaseEngineStore::CreateWorkflow(const WorkflowRun& workflow) {
  store::WorkflowRuns runs(database_, clock_);
  auto created = runs.Create(ToRow(workflow));
  if (!created) return created.error();
  return runs.Save(ToRow(workflow));  // keep the engine's own times
}

Status DatabaseEngineStore::UpdateWorkflow(const WorkflowRun& workflow) {
  store::WorkflowRuns runs(database_, clock_);
  return runs.Save(ToRow(workflow));
}

Result<WorkflowRun> DatabaseEngineStore::GetWorkflow(std::string_view workflow_id) {
  store::WorkflowRuns runs(database_, clock_);
  REFLECTOR_ASSIGN_OR_RETURN(store::WorkflowRun row, runs.Get(workflow_id));
  return FromRow(row);
}

Status DatabaseEngineStore::SaveTask(const TaskRun& task) {
  store::TaskRuns tasks(database_, clock_);
  return tasks.Save(ToRow(task));
}

Result<std::vector<TaskRun>> DatabaseEngineStore::ListTasks(std::string_view workflow_id) {
  store::TaskRuns tasks(database_, clock_);
  REFLECTOR_ASSIGN_OR_RETURN(auto rows, tasks.ListByWorkflow(workflow_id));
  std::vector<TaskRun> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    REFLECTOR_ASSIGN_OR_RETURN(TaskRun task, FromRow(row));
    out.push_back(std::move(task));
  }
  return out;
}

Result<std::vector<std::string>> DatabaseEngineStore::ListWorkflowIds(WorkflowStatus status) {
  store::WorkflowRuns runs(database_, clock_);
  REFLECTOR_ASSIGN_OR_RETURN(auto rows, runs.ListByStatus(ToString(status)));
  std::vector<std::string> ids;
  for (const auto& row : rows)
    ids.push_back(row.id);
  return ids;
}

}  // namespace reflector::engine
