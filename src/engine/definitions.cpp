#include "engine/definitions.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <set>
#include <type_traits>

namespace reflector::engine {
namespace {

// A whole number that fits in an int. A float is truncated (as Conductor's JSON reader does);
// a value out of range is an error rather than a conversion that wraps or is undefined.
Result<int> ToInt(const Json& value, std::string_view field) {
  if (value.is_number_unsigned()) {
    if (value.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT_MAX))
      return static_cast<int>(value.get<std::uint64_t>());
  } else if (value.is_number_integer()) {
    const auto number = value.get<std::int64_t>();
    if (number >= INT_MIN && number <= INT_MAX) return static_cast<int>(number);
  } else if (value.is_number_float()) {
    const double number = value.get<double>();
    if (number > static_cast<double>(INT_MIN) - 1 && number < static_cast<double>(INT_MAX) + 1)
      return static_cast<int>(number);
  } else {
    return Error::InvalidInput(std::string(field) + " has the wrong type (" +
                               std::string(JsonTypeName(value)) + ")");
  }
  return Error::InvalidInput(std::string(field) + " is out of range");
}

template <typename T>
Status ReadOptional(const Json& json, const char* field, T& out, std::string_view where) {
  auto it = json.find(field);
  if (it == json.end() || it->is_null()) return Ok();
  if constexpr (std::is_same_v<T, int>) {
    REFLECTOR_ASSIGN_OR_RETURN(out, ToInt(*it, std::string(where) + "." + field));
  } else {
    try {
      out = it->get<T>();
    } catch (const Json::exception&) {
      return Error::InvalidInput(std::string(where) + "." + field + " has the wrong type (" +
                                 std::string(JsonTypeName(*it)) + ")");
    }
  }
  return Ok();
}

Result<TaskType> ParseTaskType(const std::string& text, std::string_view where) {
  if (text.empty() || text == "SIMPLE") return TaskType::kSimple;
  if (text == "FORK_JOIN") return TaskType::kForkJoin;
  if (text == "FORK_JOIN_DYNAMIC") return TaskType::kForkJoinDynamic;
  if (text == "JOIN") return TaskType::kJoin;
  return Error::InvalidInput(std::string(where) + ".type '" + text +
                             "' is not supported (SIMPLE, FORK_JOIN, FORK_JOIN_DYNAMIC, JOIN)");
}

// The first path segment of every `${...}` inside `value` ("workflow", a task reference, ...),
// with the whole expression.
void CollectReferences(const Json& value, std::vector<std::pair<std::string, std::string>>& out) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    std::size_t i = 0;
    while ((i = text.find("${", i)) != std::string::npos) {
      if (i > 0 && text[i - 1] == '$') {
        i += 2;
        continue;
      }
      std::size_t end = text.find_first_of(".}[", i + 2);
      std::size_t close = text.find('}', i + 2);
      if (end == std::string::npos || close == std::string::npos) break;
      std::string head = text.substr(i + 2, end - i - 2);
      std::string expression = text.substr(i, close - i + 1);
      if (!head.empty() && head != "CPEWF_TASK_ID") out.emplace_back(head, expression);
      i = close + 1;
    }
  } else if (value.is_object() || value.is_array()) {
    for (const auto& child : value)
      CollectReferences(child, out);
  }
}

void CollectAll(const std::vector<WorkflowTask>& tasks, std::vector<const WorkflowTask*>& out) {
  for (const auto& task : tasks) {
    out.push_back(&task);
    for (const auto& branch : task.fork_tasks)
      CollectAll(branch, out);
  }
}

struct Validator {
  const WorkflowDef& def;
  const std::map<std::string, TaskDef>& task_defs;
  std::set<std::string> all_refs;
  std::vector<std::string> problems;

  void CheckInputs(const WorkflowTask& task, const std::set<std::string>& done) {
    std::vector<std::pair<std::string, std::string>> refs;
    CollectReferences(task.input_parameters, refs);
    for (const auto& [head, expression] : refs) {
      if (head == "workflow") {
        const std::string prefix = "${workflow.input.";
        if (expression.rfind(prefix, 0) == 0 && !def.input_parameters.empty()) {
          std::string key = expression.substr(prefix.size());
          key = key.substr(0, key.find_first_of(".[}"));
          if (std::find(def.input_parameters.begin(), def.input_parameters.end(), key) ==
              def.input_parameters.end()) {
            problems.push_back("task '" + task.reference_name + "' reads " + expression + " but '" + key +
                               "' is not among the workflow's inputParameters");
          }
        }
        continue;
      }
      if (all_refs.count(head) == 0) {
        problems.push_back("task '" + task.reference_name + "' reads " + expression + " but no task '" +
                           head + "' exists");
      } else if (done.count(head) == 0) {
        problems.push_back("task '" + task.reference_name + "' reads " + expression + " but '" + head +
                           "' does not always finish before it");
      }
    }
  }

  // Walks a task list in order; `done` grows with what is guaranteed finished.
  void Walk(const std::vector<WorkflowTask>& tasks, std::set<std::string>& done, const std::string& where) {
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      const WorkflowTask& task = tasks[i];
      CheckInputs(task, done);
      switch (task.type) {
        case TaskType::kSimple:
          if (task_defs.count(task.name) == 0) {
            problems.push_back("task '" + task.reference_name + "' uses task type '" + task.name +
                               "' which has no task definition");
          }
          done.insert(task.reference_name);
          break;
        case TaskType::kForkJoin: {
          if (i + 1 >= tasks.size() || tasks[i + 1].type != TaskType::kJoin) {
            problems.push_back("fork '" + task.reference_name + "' is not followed by a JOIN");
          }
          if (task.fork_tasks.empty())
            problems.push_back("fork '" + task.reference_name + "' has no branches");
          std::set<std::string> after = done;
          after.insert(task.reference_name);
          for (std::size_t b = 0; b < task.fork_tasks.size(); ++b) {
            std::set<std::string> branch_done = done;
            branch_done.insert(task.reference_name);
            Walk(task.fork_tasks[b], branch_done,
                 where + task.reference_name + "[" + std::to_string(b) + "].");
            after.insert(branch_done.begin(), branch_done.end());
          }
          if (i + 1 < tasks.size() && tasks[i + 1].type == TaskType::kJoin) {
            const WorkflowTask& join = tasks[i + 1];
            for (const auto& branch : task.fork_tasks) {
              if (!branch.empty() && std::find(join.join_on.begin(), join.join_on.end(),
                                               branch.back().reference_name) == join.join_on.end()) {
                problems.push_back("join '" + join.reference_name + "' does not wait for '" +
                                   branch.back().reference_name + "', the last task of a branch of '" +
                                   task.reference_name + "'");
              }
            }
            CheckInputs(join, after);
            after.insert(join.reference_name);
            ++i;
          }
          done = std::move(after);
          break;
        }
        case TaskType::kForkJoinDynamic:
          if (task.dynamic_fork_tasks_param.empty() || task.dynamic_fork_tasks_input_param_name.empty()) {
            problems.push_back("dynamic fork '" + task.reference_name +
                               "' needs dynamicForkTasksParam and dynamicForkTasksInputParamName");
          }
          if (i + 1 >= tasks.size() || tasks[i + 1].type != TaskType::kJoin) {
            problems.push_back("dynamic fork '" + task.reference_name + "' is not followed by a JOIN");
          }
          done.insert(task.reference_name);
          break;
        case TaskType::kJoin:
          if (i == 0 || (tasks[i - 1].type != TaskType::kForkJoinDynamic)) {
            problems.push_back("join '" + task.reference_name + "' does not follow a fork");
          }
          done.insert(task.reference_name);
          break;
      }
    }
  }
};

}  // namespace

int TaskDef::RetryDelaySeconds(int attempts_so_far) const {
  // Every factor is made non-negative and each product checked against INT_MAX before the next
  // one, so the arithmetic never overflows whatever the definition says.
  const long long attempts = std::max(attempts_so_far, 0);
  const long long base = std::max(retry_delay_seconds, 0);
  long long delay = base;
  switch (retry_logic) {
    case RetryLogic::kFixed:
      break;
    case RetryLogic::kLinearBackoff:
      delay = base * std::max(backoff_scale_factor, 0);  // at most 2^62
      if (delay <= INT_MAX) delay *= attempts + 1;       // at most 2^62 again
      break;
    case RetryLogic::kExponentialBackoff:
      delay = attempts >= 31 ? LLONG_MAX : base * (1LL << attempts);
      break;
  }
  return delay > INT_MAX ? INT_MAX : static_cast<int>(delay);
}

std::string_view ToString(TaskType type) {
  switch (type) {
    case TaskType::kSimple:
      return "SIMPLE";
    case TaskType::kForkJoin:
      return "FORK_JOIN";
    case TaskType::kForkJoinDynamic:
      return "FORK_JOIN_DYNAMIC";
    case TaskType::kJoin:
      return "JOIN";
  }
  return "SIMPLE";
}

std::string_view ToString(RetryLogic logic) {
  switch (logic) {
    case RetryLogic::kFixed:
      return "FIXED";
    case RetryLogic::kExponentialBackoff:
      return "EXPONENTIAL_BACKOFF";
    case RetryLogic::kLinearBackoff:
      return "LINEAR_BACKOFF";
  }
  return "FIXED";
}

std::string_view ToString(TimeoutPolicy policy) {
  switch (policy) {
    case TimeoutPolicy::kRetry:
      return "RETRY";
    case TimeoutPolicy::kTimeOutWorkflow:
      return "TIME_OUT_WF";
    case TimeoutPolicy::kAlertOnly:
      return "ALERT_ONLY";
  }
  return "TIME_OUT_WF";
}

Result<TaskDef> ParseTaskDef(const Json& json) {
  if (!json.is_object()) return Error::InvalidInput("task definition must be a JSON object");
  TaskDef def;
  REFLECTOR_ASSIGN_OR_RETURN(def.name, GetString(json, "name"));
  std::string where = "taskDef '" + def.name + "'";
  std::string retry_logic = "FIXED";
  std::string timeout_policy = "TIME_OUT_WF";
  REFLECTOR_TRY(ReadOptional(json, "description", def.description, where));
  REFLECTOR_TRY(ReadOptional(json, "ownerEmail", def.owner_email, where));
  REFLECTOR_TRY(ReadOptional(json, "retryCount", def.retry_count, where));
  REFLECTOR_TRY(ReadOptional(json, "retryLogic", retry_logic, where));
  REFLECTOR_TRY(ReadOptional(json, "retryDelaySeconds", def.retry_delay_seconds, where));
  REFLECTOR_TRY(ReadOptional(json, "backoffScaleFactor", def.backoff_scale_factor, where));
  REFLECTOR_TRY(ReadOptional(json, "timeoutSeconds", def.timeout_seconds, where));
  REFLECTOR_TRY(ReadOptional(json, "responseTimeoutSeconds", def.response_timeout_seconds, where));
  REFLECTOR_TRY(ReadOptional(json, "timeoutPolicy", timeout_policy, where));
  REFLECTOR_TRY(ReadOptional(json, "inputKeys", def.input_keys, where));
  REFLECTOR_TRY(ReadOptional(json, "outputKeys", def.output_keys, where));
  if (auto it = json.find("inputTemplate"); it != json.end() && it->is_object()) def.input_template = *it;
  if (retry_logic == "FIXED") {
    def.retry_logic = RetryLogic::kFixed;
  } else if (retry_logic == "EXPONENTIAL_BACKOFF") {
    def.retry_logic = RetryLogic::kExponentialBackoff;
  } else if (retry_logic == "LINEAR_BACKOFF") {
    def.retry_logic = RetryLogic::kLinearBackoff;
  } else {
    return Error::InvalidInput(where + ".retryLogic '" + retry_logic +
                               "' is not FIXED, LINEAR_BACKOFF or EXPONENTIAL_BACKOFF");
  }
  if (timeout_policy == "RETRY") {
    def.timeout_policy = TimeoutPolicy::kRetry;
  } else if (timeout_policy == "TIME_OUT_WF") {
    def.timeout_policy = TimeoutPolicy::kTimeOutWorkflow;
  } else if (timeout_policy == "ALERT_ONLY") {
    def.timeout_policy = TimeoutPolicy::kAlertOnly;
  } else {
    return Error::InvalidInput(where + ".timeoutPolicy '" + timeout_policy +
                               "' is not RETRY, TIME_OUT_WF or ALERT_ONLY");
  }
  if (def.retry_count < 0) return Error::InvalidInput(where + ".retryCount must be >= 0");
  if (def.response_timeout_seconds < 1)
    return Error::InvalidInput(where + ".responseTimeoutSeconds must be >= 1");
  if (def.backoff_scale_factor < 1) return Error::InvalidInput(where + ".backoffScaleFactor must be >= 1");
  if (def.timeout_seconds > 0 && def.response_timeout_seconds > def.timeout_seconds) {
    return Error::InvalidInput(where + ": responseTimeoutSeconds must not exceed timeoutSeconds");
  }
  return def;
}

Result<WorkflowTask> ParseWorkflowTask(const Json& json, std::string_view where) {
  if (!json.is_object()) return Error::InvalidInput(std::string(where) + " must be a JSON object");
  WorkflowTask task;
  std::string at(where);
  auto name = GetString(json, "name");
  if (!name) return name.error().WithContext(at);
  task.name = *name;
  auto ref = GetString(json, "taskReferenceName");
  if (!ref) return ref.error().WithContext(at);
  task.reference_name = *ref;
  std::string type = "SIMPLE";
  REFLECTOR_TRY(ReadOptional(json, "type", type, at));
  REFLECTOR_ASSIGN_OR_RETURN(task.type, ParseTaskType(type, at));
  if (auto it = json.find("inputParameters"); it != json.end() && !it->is_null()) {
    if (!it->is_object()) return Error::InvalidInput(at + ".inputParameters must be an object");
    task.input_parameters = *it;
  }
  REFLECTOR_TRY(ReadOptional(json, "optional", task.optional, at));
  if (auto it = json.find("retryCount"); it != json.end() && it->is_number_integer()) {
    REFLECTOR_ASSIGN_OR_RETURN(task.retry_count, ToInt(*it, at + ".retryCount"));
  }
  REFLECTOR_TRY(ReadOptional(json, "joinOn", task.join_on, at));
  REFLECTOR_TRY(ReadOptional(json, "dynamicForkTasksParam", task.dynamic_fork_tasks_param, at));
  REFLECTOR_TRY(
      ReadOptional(json, "dynamicForkTasksInputParamName", task.dynamic_fork_tasks_input_param_name, at));
  // Branches belong to a FORK_JOIN only: elsewhere they never run (and ToJson drops them), so
  // they are ignored like any unknown field rather than counted as tasks of the workflow.
  auto fork_tasks = json.find("forkTasks");
  if (task.type == TaskType::kForkJoin && fork_tasks != json.end() && !fork_tasks->is_null()) {
    if (!fork_tasks->is_array()) return Error::InvalidInput(at + ".forkTasks must be an array of arrays");
    for (std::size_t b = 0; b < fork_tasks->size(); ++b) {
      const Json& branch = (*fork_tasks)[b];
      if (!branch.is_array())
        return Error::InvalidInput(at + ".forkTasks[" + std::to_string(b) + "] must be an array");
      std::vector<WorkflowTask> tasks;
      for (std::size_t t = 0; t < branch.size(); ++t) {
        REFLECTOR_ASSIGN_OR_RETURN(
            WorkflowTask child, ParseWorkflowTask(branch[t], at + ".forkTasks[" + std::to_string(b) + "][" +
                                                                 std::to_string(t) + "]"));
        tasks.push_back(std::move(child));
      }
      task.fork_tasks.push_back(std::move(tasks));
    }
  }
  return task;
}

Result<WorkflowDef> ParseWorkflowDef(const Json& json) {
  if (!json.is_object()) return Error::InvalidInput("workflow definition must be a JSON object");
  WorkflowDef def;
  REFLECTOR_ASSIGN_OR_RETURN(def.name, GetString(json, "name"));
  std::string where = "workflow '" + def.name + "'";
  REFLECTOR_TRY(ReadOptional(json, "description", def.description, where));
  REFLECTOR_TRY(ReadOptional(json, "version", def.version, where));
  REFLECTOR_TRY(ReadOptional(json, "schemaVersion", def.schema_version, where));
  REFLECTOR_TRY(ReadOptional(json, "ownerEmail", def.owner_email, where));
  REFLECTOR_TRY(ReadOptional(json, "inputParameters", def.input_parameters, where));
  REFLECTOR_TRY(ReadOptional(json, "failureWorkflow", def.failure_workflow, where));
  REFLECTOR_TRY(ReadOptional(json, "timeoutSeconds", def.timeout_seconds, where));
  REFLECTOR_TRY(ReadOptional(json, "timeoutPolicy", def.timeout_policy, where));
  if (auto it = json.find("outputParameters"); it != json.end() && it->is_object())
    def.output_parameters = *it;
  if (def.schema_version != 2) return Error::InvalidInput(where + ".schemaVersion must be 2");
  REFLECTOR_ASSIGN_OR_RETURN(Json tasks, GetArray(json, "tasks"));
  if (tasks.empty()) return Error::InvalidInput(where + ".tasks must not be empty");
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    REFLECTOR_ASSIGN_OR_RETURN(WorkflowTask task,
                               ParseWorkflowTask(tasks[i], where + ".tasks[" + std::to_string(i) + "]"));
    def.tasks.push_back(std::move(task));
  }
  return def;
}

Json ToJson(const TaskDef& def) {
  Json json = {{"name", def.name},
               {"description", def.description},
               {"ownerEmail", def.owner_email},
               {"retryCount", def.retry_count},
               {"retryLogic", ToString(def.retry_logic)},
               {"retryDelaySeconds", def.retry_delay_seconds},
               {"backoffScaleFactor", def.backoff_scale_factor},
               {"timeoutSeconds", def.timeout_seconds},
               {"responseTimeoutSeconds", def.response_timeout_seconds},
               {"timeoutPolicy", ToString(def.timeout_policy)},
               {"inputKeys", def.input_keys},
               {"outputKeys", def.output_keys}};
  if (!def.input_template.empty()) json["inputTemplate"] = def.input_template;
  return json;
}

Json ToJson(const WorkflowTask& task) {
  Json json = {{"name", task.name},
               {"taskReferenceName", task.reference_name},
               {"type", ToString(task.type)},
               {"inputParameters", task.input_parameters}};
  if (task.optional) json["optional"] = true;
  if (task.retry_count) json["retryCount"] = *task.retry_count;
  if (task.type == TaskType::kForkJoin) {
    Json branches = Json::array();
    for (const auto& branch : task.fork_tasks) {
      Json list = Json::array();
      for (const auto& child : branch)
        list.push_back(ToJson(child));
      branches.push_back(std::move(list));
    }
    json["forkTasks"] = std::move(branches);
  }
  if (task.type == TaskType::kJoin) json["joinOn"] = task.join_on;
  if (task.type == TaskType::kForkJoinDynamic) {
    json["dynamicForkTasksParam"] = task.dynamic_fork_tasks_param;
    json["dynamicForkTasksInputParamName"] = task.dynamic_fork_tasks_input_param_name;
  }
  return json;
}

Json ToJson(const WorkflowDef& def) {
  Json tasks = Json::array();
  for (const auto& task : def.tasks)
    tasks.push_back(ToJson(task));
  Json json = {{"name", def.name},
               {"description", def.description},
               {"version", def.version},
               {"schemaVersion", def.schema_version},
               {"ownerEmail", def.owner_email},
               {"inputParameters", def.input_parameters},
               {"outputParameters", def.output_parameters},
               {"tasks", std::move(tasks)},
               {"timeoutSeconds", def.timeout_seconds},
               {"timeoutPolicy", def.timeout_policy},
               {"restartable", true}};
  if (!def.failure_workflow.empty()) json["failureWorkflow"] = def.failure_workflow;
  return json;
}

std::vector<const WorkflowTask*> AllTasks(const WorkflowDef& def) {
  std::vector<const WorkflowTask*> out;
  CollectAll(def.tasks, out);
  return out;
}

Status ValidateWorkflow(const WorkflowDef& def, const std::map<std::string, TaskDef>& task_defs,
                        const std::vector<std::string>& dynamic_task_names) {
  Validator validator{def, task_defs, {}, {}};
  for (const WorkflowTask* task : AllTasks(def)) {
    if (!validator.all_refs.insert(task->reference_name).second) {
      validator.problems.push_back("task reference name '" + task->reference_name + "' is used twice");
    }
  }
  for (const auto& name : dynamic_task_names) {
    if (task_defs.count(name) == 0) {
      validator.problems.push_back("dynamically forked task type '" + name + "' has no task definition");
    }
  }
  std::set<std::string> done;
  validator.Walk(def.tasks, done, "");
  std::vector<std::pair<std::string, std::string>> refs;
  CollectReferences(def.output_parameters, refs);
  for (const auto& [head, expression] : refs) {
    if (head != "workflow" && validator.all_refs.count(head) == 0) {
      validator.problems.push_back("outputParameters read " + expression + " but no task '" + head +
                                   "' exists");
    }
  }
  if (validator.problems.empty()) return Ok();
  std::string message = "workflow '" + def.name + "' is invalid:";
  for (const auto& problem : validator.problems)
    message += "\n  - " + problem;
  return Error::InvalidInput(message);
}

}  // namespace reflector::engine
