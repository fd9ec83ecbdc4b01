#pragma once
// Where the in-process engine keeps workflow and task runs. Every change is written through
// this seam, so a process that is killed can resume from what was persisted.

#include <string>
#include <string_view>
#include <vector>

#include "engine/model.hpp"

namespace reflector::engine {

class EngineStore {
 public:
  virtual ~EngineStore() = default;
  // Conflict when a workflow run with this id exists.
  virtual Status CreateWorkflow(const WorkflowRun& workflow) = 0;
  // NotFound naming the id when there is no such workflow.
  virtual Result<WorkflowRun> GetWorkflow(std::string_view workflow_id) = 0;
  // The one write after CreateWorkflow: saves the task runs (inserted or replaced by id) and
  // then, when given, the workflow run (replaced), as one decision of the engine (a failed task
  // and its retry, a task and the workflow it ended, a workflow and its failure workflow's id).
  // All or nothing, so a failure part-way (a full disk) never records half a decision.
  virtual Status SaveChanges(const std::vector<TaskRun>& tasks, const WorkflowRun* workflow) = 0;
  // Every task run of the workflow, ordered by seq.
  virtual Result<std::vector<TaskRun>> ListTasks(std::string_view workflow_id) = 0;
  // Ids of workflows in `status`, oldest first.
  virtual Result<std::vector<std::string>> ListWorkflowIds(WorkflowStatus status) = 0;
};

}  // namespace reflector::engine
