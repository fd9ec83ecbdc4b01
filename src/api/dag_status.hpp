#pragma once
// The DAG_STATUS event (reflector-api.md §5, the event Reflector's authors sketched): the whole
// workflow's task list, built from an engine snapshot and the workflow's definition. Pure
// functions.
//
// With the definition, there is one entry per step of the definition, in definition order,
// whether the step has been scheduled yet or not (then it is `queued`), each from its task's
// latest attempt. FORK_JOIN and JOIN are structure, not entries: a step's parents are the last
// steps of what precedes it, so the branches of a fork sit side by side and the step after
// their join has each branch's last step as a parent. The tasks a dynamic fork generates (one
// per track) are one entry named after their task type, with children_total /
// children_completed and progress_pct. Tasks the definition does not explain (and every task
// when the definition is not known) follow in scheduling order, each a child of the entry
// before it.

#include <map>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "engine/definitions.hpp"
#include "engine/model.hpp"

namespace reflector::api {

// What DAG_STATUS needs to know of a workflow definition.
struct WorkflowShape {
  const engine::WorkflowDef* definition = nullptr;  // not owned; outlives every use
  // The task type each dynamic fork generates, by the fork's reference name: names the fork's
  // entry before it has generated anything (a fork not listed: its tasks' type, or its name).
  std::map<std::string, std::string> dynamic_task_types;
};

// The shape whose definition has the run's name and version, or null.
const WorkflowShape* FindShape(const std::vector<WorkflowShape>& shapes, const engine::WorkflowRun& run);

// {workflow_run_id, tasks: [{name, status, started_at, finished_at, duration_seconds, parents,
// error, retries, children_total, children_completed, children_running, progress_pct}]};
// status is queued, running, completed, failed or cancelled; `shape` may be null.
Json DagStatusData(const engine::WorkflowSnapshot& snapshot, const WorkflowShape* shape = nullptr);

}  // namespace reflector::api
