#pragma once
// The in-process engine's decider: given a workflow definition and the runs so far, it applies
// Conductor's rules (scheduling, forks, joins, retries, failure, completion) until nothing
// changes. It runs no worker code and does no I/O, so every rule is unit-testable.

#include <map>
#include <set>
#include <string>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "engine/definitions.hpp"
#include "engine/model.hpp"

namespace reflector::engine {

struct DefinitionRegistry {
  std::map<std::string, WorkflowDef> workflows;  // by name
  std::map<std::string, TaskDef> task_defs;      // by name

  const WorkflowDef* FindWorkflow(std::string_view name) const;
  // The task's definition, or Conductor's defaults for an unregistered static SIMPLE task.
  TaskDef TaskDefOrDefault(std::string_view name) const;
};

struct DecideResult {
  std::set<std::string> changed_tasks;  // ids to persist (created or modified)
  bool workflow_changed = false;
};

class Decider {
 public:
  Decider(const DefinitionRegistry& registry, Clock& clock, IdGenerator& ids);

  // Advances `state` as far as possible. The workflow's definition must be in the registry.
  DecideResult Decide(WorkflowSnapshot& state);

  // Records a worker's outcome for an IN_PROGRESS task. Returns false (and changes nothing)
  // when the task is unknown or already terminal: late updates are ignored, as on Conductor.
  bool ApplyOutcome(WorkflowSnapshot& state, std::string_view task_id, const TaskOutcome& outcome);

  // Marks an IN_PROGRESS task TIMED_OUT. With `fail_workflow` the workflow times out at once
  // (TaskDef timeoutPolicy TIME_OUT_WF); otherwise normal retry rules apply on the next Decide.
  void TimeOutTask(WorkflowSnapshot& state, std::string_view task_id, const std::string& reason,
                   bool fail_workflow, DecideResult& result);

  // Ends a running workflow as TERMINATED; non-terminal tasks are CANCELED.
  void Terminate(WorkflowSnapshot& state, const std::string& reason, DecideResult& result);

  // Re-schedules the failed, timed-out and canceled tasks of a FAILED/TIMED_OUT/TERMINATED
  // workflow (as new attempts; the retry count starts again) and sets it RUNNING.
  Status Retry(WorkflowSnapshot& state, DecideResult& result);

  // The document `${...}` expressions are evaluated against.
  static Json ExpressionDocument(const WorkflowSnapshot& state);

 private:
  struct Position {
    const std::vector<WorkflowTask>* list = nullptr;
    std::size_t index = 0;
  };
  class Pass;

  const DefinitionRegistry& registry_;
  Clock& clock_;
  IdGenerator& ids_;
};

}  // namespace reflector::engine
