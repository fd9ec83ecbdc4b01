#include "engine/in_process/memory_engine_store.hpp"

#include <algorithm>

namespace reflector::engine {

Status MemoryEngineStore::CreateWorkflow(const WorkflowRun& workflow) {
  std::lock_guard lock(mutex_);
  for (const auto& existing : workflows_) {
    if (existing.id == workflow.id)
      return Error::Terminal(ErrorKind::kConflict, "workflow " + workflow.id + " exists");
  }
  workflows_.push_back(workflow);
  return Ok();
}

Status MemoryEngineStore::UpdateWorkflow(const WorkflowRun& workflow) {
  std::lock_guard lock(mutex_);
  for (auto& existing : workflows_) {
    if (existing.id == workflow.id) {
      existing = workflow;
      return Ok();
    }
  }
  return Error::NotFound("workflow " + workflow.id + " not found");
}

Result<WorkflowRun> MemoryEngineStore::GetWorkflow(std::string_view workflow_id) {
  std::lock_guard lock(mutex_);
  for (const auto& existing : workflows_) {
    if (existing.id == workflow_id) return existing;
  }
  return Error::NotFound("workflow " + std::string(workflow_id) + " not found");
}

Status MemoryEngineStore::SaveTask(const TaskRun& task) {
  std::lock_guard lock(mutex_);
  tasks_[task.id] = task;
  ++task_writes_;
  return Ok();
}

Status MemoryEngineStore::SaveChanges(const std::vector<TaskRun>& tasks, const WorkflowRun* workflow) {
  std::lock_guard lock(mutex_);
  auto stored = workflows_.end();
  if (workflow != nullptr) {
    stored = std::find_if(workflows_.begin(), workflows_.end(),
                          [&](const WorkflowRun& existing) { return existing.id == workflow->id; });
    if (stored == workflows_.end()) return Error::NotFound("workflow " + workflow->id + " not found");
  }
  for (const TaskRun& task : tasks) {
    tasks_[task.id] = task;
    ++task_writes_;
  }
  if (workflow != nullptr) *stored = *workflow;
  return Ok();
}

Result<std::vector<TaskRun>> MemoryEngineStore::ListTasks(std::string_view workflow_id) {
  std::lock_guard lock(mutex_);
  std::vector<TaskRun> out;
  for (const auto& [id, task] : tasks_) {
    if (task.workflow_id == workflow_id) out.push_back(task);
  }
  std::sort(out.begin(), out.end(), [](const TaskRun& a, const TaskRun& b) { return a.seq < b.seq; });
  return out;
}

Result<std::vector<std::string>> MemoryEngineStore::ListWorkflowIds(WorkflowStatus status) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& workflow : workflows_) {
    if (workflow.status == status) out.push_back(workflow.id);
  }
  return out;
}

int MemoryEngineStore::task_writes() const {
  std::lock_guard lock(mutex_);
  return task_writes_;
}

}  // namespace reflector::engine
