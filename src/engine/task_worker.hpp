#pragma once
// What an engine hands to task code, and the registry of task functions by task type.
// Task code never knows which engine runs it.

#include <functional>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/progress.hpp"
#include "core/result.hpp"
#include "engine/model.hpp"

namespace reflector::engine {

struct TaskExecution {
  std::string workflow_id;
  std::string task_id;
  std::string reference_name;
  std::string task_name;
  int retry_count = 0;
  Json input;
  std::stop_token stop;              // requested on timeout, termination or shutdown
  ProgressSink* progress = nullptr;  // heartbeat: each report extends the task's lease
};

// The one way an engine builds a TaskExecution: from the task run it is about to execute.
TaskExecution MakeTaskExecution(const TaskRun& task, std::stop_token stop, ProgressSink* progress);

// Returns the task's output (a JSON object, kept small: keys and counts) or an Error:
// retryable errors are retried per the task definition, others fail the task for good.
using TaskFunction = std::function<Result<Json>(const TaskExecution&)>;

class TaskRegistry {
 public:
  void Register(std::string task_name, TaskFunction function) {
    functions_[std::move(task_name)] = std::move(function);
  }
  const TaskFunction* Find(const std::string& task_name) const {
    auto it = functions_.find(task_name);
    return it == functions_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& entry : functions_)
      names.push_back(entry.first);
    return names;
  }

 private:
  std::map<std::string, TaskFunction> functions_;
};

}  // namespace reflector::engine
