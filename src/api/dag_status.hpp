#pragma once
// The DAG_STATUS event (reflector-api.md §5, the event Reflector's authors sketched): the whole
// workflow's task list, built from an engine snapshot. Pure functions.
//
// One entry per task of the workflow, in the order they were scheduled, using each task's
// latest attempt. The branches of a dynamic fork (one per track) are one entry named after
// their task, with children_total / children_completed and progress_pct; an entry's parents
// are the entries scheduled just before it (the previous step, or every branch before a join).

#include "core/json.hpp"
#include "engine/model.hpp"

namespace reflector::api {

// {workflow_run_id, tasks: [{name, status, started_at, finished_at, duration_seconds, parents,
// error, children_total, children_completed, progress_pct}]}; status is queued, running,
// completed, failed or cancelled.
Json DagStatusData(const engine::WorkflowSnapshot& snapshot);

}  // namespace reflector::api
