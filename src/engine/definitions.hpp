#pragma once
// Conductor workflow and task definitions (the JSON accepted by /api/metadata), parsed into
// typed structs for the subset of task types the engines support: SIMPLE, FORK_JOIN,
// FORK_JOIN_DYNAMIC and JOIN. Unknown fields are ignored, as the server does.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace reflector::engine {

enum class RetryLogic { kFixed, kExponentialBackoff, kLinearBackoff };
enum class TimeoutPolicy { kRetry, kTimeOutWorkflow, kAlertOnly };

struct TaskDef {
  std::string name;
  std::string description;
  std::string owner_email;
  int retry_count = 3;
  RetryLogic retry_logic = RetryLogic::kFixed;
  int retry_delay_seconds = 60;
  int backoff_scale_factor = 1;
  int timeout_seconds = 0;  // 0: none
  int response_timeout_seconds = 3600;
  TimeoutPolicy timeout_policy = TimeoutPolicy::kTimeOutWorkflow;
  std::vector<std::string> input_keys;
  std::vector<std::string> output_keys;
  Json input_template = Json::object();

  // Seconds before retry number `attempts_so_far + 1` may start (Conductor's formulas), in
  // [0, INT_MAX]: a larger result is INT_MAX, a negative delay or attempt count counts as 0.
  [[nodiscard]] int RetryDelaySeconds(int attempts_so_far) const;
};

enum class TaskType { kSimple, kForkJoin, kForkJoinDynamic, kJoin };

struct WorkflowTask {
  std::string name;
  std::string reference_name;
  TaskType type = TaskType::kSimple;
  Json input_parameters = Json::object();
  bool optional = false;
  std::optional<int> retry_count;                     // overrides the TaskDef's
  std::vector<std::vector<WorkflowTask>> fork_tasks;  // FORK_JOIN
  std::vector<std::string> join_on;                   // JOIN
  std::string dynamic_fork_tasks_param;               // FORK_JOIN_DYNAMIC
  std::string dynamic_fork_tasks_input_param_name;
};

struct WorkflowDef {
  std::string name;
  std::string description;
  int version = 1;
  int schema_version = 2;
  std::string owner_email;
  std::vector<WorkflowTask> tasks;
  std::vector<std::string> input_parameters;
  Json output_parameters = Json::object();
  std::string failure_workflow;
  int timeout_seconds = 0;
  std::string timeout_policy = "ALERT_ONLY";
};

std::string_view ToString(TaskType type);
std::string_view ToString(RetryLogic logic);
std::string_view ToString(TimeoutPolicy policy);

// Parse errors are InvalidInput and name the field ("tasks[3].forkTasks[0][1].type").
Result<TaskDef> ParseTaskDef(const Json& json);
Result<WorkflowTask> ParseWorkflowTask(const Json& json, std::string_view where);
Result<WorkflowDef> ParseWorkflowDef(const Json& json);

// Back to Conductor JSON (what `reflector conductor register` sends).
Json ToJson(const TaskDef& def);
Json ToJson(const WorkflowTask& task);
Json ToJson(const WorkflowDef& def);

// Every task of the definition, branches included, in definition order (depth first).
std::vector<const WorkflowTask*> AllTasks(const WorkflowDef& def);

// Checks what the server checks at registration, and more: unique reference names, JOIN
// after every fork, dynamic fork parameters present, every SIMPLE task (and every task type a
// dynamic fork may generate, given in `dynamic_task_names`) has a TaskDef, and every `${ref...}`
// names the workflow or a task that always finishes before the task that uses it.
// Returns every problem found.
Status ValidateWorkflow(const WorkflowDef& def, const std::map<std::string, TaskDef>& task_defs,
                        const std::vector<std::string>& dynamic_task_names = {});

}  // namespace reflector::engine
