#pragma once
// EngineStore over the database (workflow_runs and task_runs), so in-process runs survive the
// process and any process sharing the database can inspect them.

#include "engine/engine_store.hpp"
#include "store/database.hpp"

namespace reflector::engine {

class DatabaseEngineStore final : public EngineStore {
 public:
  explicit DatabaseEngineStore(store::Database& database) : database_(database) {}
  Status CreateWorkflow(const WorkflowRun& workflow) override;
  Result<WorkflowRun> GetWorkflow(std::string_view workflow_id) override;
  // In one transaction.
  Status SaveChanges(const std::vector<TaskRun>& tasks, const WorkflowRun* workflow) override;
  Result<std::vector<TaskRun>> ListTasks(std::string_view workflow_id) override;
  Result<std::vector<std::string>> ListWorkflowIds(WorkflowStatus status) override;

 private:
  store::Database& database_;
};

}  // namespace reflector::engine
