#pragma once
// Persisted state of the in-process engine: workflow runs and their task runs. The store keeps
// the rows generic (statuses are the engine's strings); the engine decides what they mean.
// Every update touches one row. Times are Unix seconds (double).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace reflector::store {

struct WorkflowRun {
  std::string id;
  std::string name;
  std::int64_t version = 1;
  std::string status;  // e.g. RUNNING, COMPLETED, FAILED, TIMED_OUT, TERMINATED
  Json input = Json::object();
  Json output = Json::object();
  std::optional<std::string> correlation_id;
  std::optional<std::string> reason;  // why it failed or was terminated
  Json definition = Json::object();   // the workflow definition the run follows
  double created_at = 0;
  double updated_at = 0;
  std::optional<double> ended_at;
  Json flags = Json::object();  // the engine's own bookkeeping
};

// One single-row update. Fields left empty keep their stored value; updated_at is always now.
struct WorkflowRunUpdate {
  std::string status;
  // Compare-and-set: write only when the stored status equals this.
  std::optional<std::string> expected_status;
  std::optional<Json> output;
  std::optional<std::string> reason;
  std::optional<double> ended_at;
};

class WorkflowRuns {
 public:
  WorkflowRuns(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Inserts with created_at = updated_at = now. Duplicate id: kConflict.
  Result<WorkflowRun> Create(WorkflowRun run);
  // NotFound naming the id.
  Result<WorkflowRun> Get(std::string_view id);
  // True when written; false when expected_status did not match. NotFound naming the id.
  Result<bool> Update(std::string_view id, const WorkflowRunUpdate& update);
  // Runs in a status, oldest first; limit 0 = all.
  Result<std::vector<WorkflowRun>> ListByStatus(std::string_view status, std::size_t limit = 0);
  // Inserts or replaces the whole row exactly as given (times included).
  Status Save(const WorkflowRun& run);

 private:
  Executor executor_;
  const Clock& clock_;
};

struct TaskRun {
  std::string id;
  std::string workflow_id;  // must exist in workflow_runs; deleted with it
  std::string reference_name;
  std::string task_name;
  std::string task_type;  // SIMPLE, FORK_JOIN_DYNAMIC, JOIN, ...
  std::string status;     // e.g. SCHEDULED, IN_PROGRESS, COMPLETED, FAILED
  Json input = Json::object();
  Json output = Json::object();
  std::int64_t retry_count = 0;
  std::int64_t seq = 0;  // position in the workflow, chosen by the engine
  std::optional<std::string> worker_id;
  std::optional<std::string> reason;
  double scheduled_at = 0;
  std::optional<double> started_at;
  double updated_at = 0;
  std::optional<double> ended_at;
  bool retried = false;       // a newer attempt replaced this one
  double callback_after = 0;  // seconds before the task may be picked up again
  double start_delay = 0;     // seconds after scheduled_at before the first pick-up
  std::int64_t iteration = 0;
  Json flags = Json::object();  // the engine's own bookkeeping
};

// One single-row update. Fields left empty keep their stored value; updated_at is always now.
struct TaskRunUpdate {
  std::string status;
  std::optional<std::string> expected_status;  // compare-and-set, as for WorkflowRunUpdate
  std::optional<Json> output;
  std::optional<std::string> reason;
  std::optional<std::string> worker_id;
  std::optional<double> started_at;
  std::optional<double> ended_at;
  std::optional<double> callback_after;
  std::optional<bool> retried;
};

class TaskRuns {
 public:
  TaskRuns(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Inserts with scheduled_at = updated_at = now. Duplicate id or unknown workflow: kConflict.
  Result<TaskRun> Create(TaskRun task);
  // NotFound naming the id.
  Result<TaskRun> Get(std::string_view id);
  // True when written; false when expected_status did not match. NotFound naming the id.
  Result<bool> Update(std::string_view id, const TaskRunUpdate& update);
  // The tasks of a workflow ordered by seq (then scheduled_at, id).
  Result<std::vector<TaskRun>> ListByWorkflow(std::string_view workflow_id);
  // Tasks in a status across workflows, oldest scheduled first; limit 0 = all.
  Result<std::vector<TaskRun>> ListByStatus(std::string_view status, std::size_t limit = 0);
  // Inserts or replaces the whole row exactly as given (times included). Unknown workflow:
  // kConflict.
  Status Save(const TaskRun& task);

 private:
  Executor executor_;
  const Clock& clock_;
};

}  // namespace reflector::store
