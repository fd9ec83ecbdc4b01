#pragma once
// EngineStore in memory, for tests and throwaway runs. Thread-safe.

#include <map>
#include <mutex>

#include "engine/engine_store.hpp"

namespace reflector::engine {

class MemoryEngineStore final : public EngineStore {
 public:
  Status CreateWorkflow(const WorkflowRun& workflow) override;
  Status UpdateWorkflow(const WorkflowRun& workflow) override;
  Result<WorkflowRun> GetWorkflow(std::string_view workflow_id) override;
  Status SaveTask(const TaskRun& task) override;
  // All or nothing: a workflow run that is not stored saves no task either.
  Status SaveChanges(const std::vector<TaskRun>& tasks, const WorkflowRun* workflow) override;
  Result<std::vector<TaskRun>> ListTasks(std::string_view workflow_id) override;
  Result<std::vector<std::string>> ListWorkflowIds(WorkflowStatus status) override;

  // Number of SaveTask calls so far (tests count writes).
  int task_writes() const;

 private:
  mutable std::mutex mutex_;
  std::vector<WorkflowRun> workflows_;
  std::map<std::string, TaskRun, std::less<>> tasks_;
  int task_writes_ = 0;
};

}  // namespace reflector::engine
