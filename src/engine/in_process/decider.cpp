#include "engine/in_process/decider.hpp"

#include <algorithm>

#include "engine/expressions.hpp"

namespace reflector::engine {

const WorkflowDef* DefinitionRegistry::FindWorkflow(std::string_view name) const {
  auto it = workflows.find(std::string(name));
  return it == workflows.end() ? nullptr : &it->second;
}

TaskDef DefinitionRegistry::TaskDefOrDefault(std::string_view name) const {
  auto it = task_defs.find(std::string(name));
  if (it != task_defs.end()) return it->second;
  TaskDef def;  // Conductor's in-memory default: 3 retries, 60 s FIXED, 3600 s response timeout
  def.name = std::string(name);
  return def;
}

// One decider pass over one workflow: the definition's index and the state being changed.
class Decider::Pass {
 public:
  Pass(const Decider& decider, WorkflowSnapshot& state, DecideResult& result)
      : decider_(decider), state_(state), result_(result) {
    def_ = decider.registry_.FindWorkflow(state.workflow.name);
    if (def_ != nullptr) Index(def_->tasks);
  }

  const WorkflowDef* def() const { return def_; }

  void Run() {
    if (def_ == nullptr) {
      FailWorkflow(WorkflowStatus::kFailed,
                   "workflow definition '" + state_.workflow.name + "' is not registered");
      return;
    }
    if (state_.tasks.empty()) {
      Schedule(def_->tasks, 0);
      if (Done()) return;
    }
    bool progress = true;
    while (progress && !Done()) {
      progress = false;
      for (std::size_t i = 0; i < state_.tasks.size() && !Done(); ++i) {
        if (state_.tasks[i].retried) continue;
        if (IsTerminal(state_.tasks[i].status) && !IsSuccessful(state_.tasks[i].status) &&
            !state_.tasks[i].executed) {
          HandleFailure(i);
          progress = true;
          continue;
        }
        if (IsTerminal(state_.tasks[i].status) && IsSuccessful(state_.tasks[i].status) &&
            !state_.tasks[i].executed) {
          state_.tasks[i].executed = true;
          Touch(i);
          ScheduleNext(state_.tasks[i]);
          progress = true;
        }
      }
      for (std::size_t i = 0; i < state_.tasks.size() && !Done(); ++i) {
        if (state_.tasks[i].task_type == kJoinType && state_.tasks[i].status == TaskStatus::kInProgress &&
            EvaluateJoin(i)) {
          progress = true;
        }
      }
    }
    if (!Done()) CheckCompletion();
  }

  void FailWorkflow(WorkflowStatus status, const std::string& reason) {
    WorkflowRun& workflow = state_.workflow;
    workflow.status = status;
    workflow.reason = reason;
    WallTime now = decider_.clock_.Now();
    for (std::size_t i = 0; i < state_.tasks.size(); ++i) {
      if (!IsTerminal(state_.tasks[i].status)) {
        state_.tasks[i].status = TaskStatus::kCanceled;
        state_.tasks[i].end_time = now;
        state_.tasks[i].update_time = now;
        Touch(i);
      }
    }
    workflow.output = ComputeOutput();
    workflow.end_time = now;
    workflow.update_time = now;
    result_.workflow_changed = true;
  }

  void Touch(std::size_t index) { result_.changed_tasks.insert(state_.tasks[index].id); }

  std::optional<Position> Find(const std::string& ref) const {
    auto it = positions_.find(ref);
    if (it == positions_.end()) return std::nullopt;
    return it->second;
  }

  // Input of a static task, evaluated now (also used for retries, as Conductor re-evaluates).
  Json ResolveStaticInput(const WorkflowTask& task, const std::string& task_id) {
    Json document = ExpressionDocument(state_);
    Json input = ResolveParameters(task.input_parameters, ExpressionContext{&document, task_id});
    if (task.type == TaskType::kSimple) {
      TaskDef def = decider_.registry_.TaskDefOrDefault(task.name);
      for (auto it = def.input_template.begin(); it != def.input_template.end(); ++it) {
        if (!input.contains(it.key()) || input[it.key()].is_null()) input[it.key()] = it.value();
      }
    }
    return input;
  }

 private:
  bool Done() const { return IsTerminal(state_.workflow.status); }

  void Index(const std::vector<WorkflowTask>& list) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      positions_[list[i].reference_name] = Position{&list, i};
      for (const auto& branch : list[i].fork_tasks)
        Index(branch);
    }
  }

  TaskRun& NewTask(const std::string& ref, const std::string& name, std::string_view type) {
    TaskRun task;
    task.id = decider_.ids_.NewId();
    task.workflow_id = state_.workflow.id;
    task.reference_name = ref;
    task.task_name = name;
    task.task_type = std::string(type);
    task.seq = state_.tasks.empty() ? 1 : state_.tasks.back().seq + 1;
    task.scheduled_time = decider_.clock_.Now();
    task.update_time = task.scheduled_time;
    state_.tasks.push_back(std::move(task));
    Touch(state_.tasks.size() - 1);
    return state_.tasks.back();
  }

  bool RefExists(const std::string& ref) const {
    return std::any_of(state_.tasks.begin(), state_.tasks.end(),
                       [&](const TaskRun& t) { return t.reference_name == ref; });
  }

  void Schedule(const std::vector<WorkflowTask>& list, std::size_t index) {
    const WorkflowTask& task = list[index];
    switch (task.type) {
      case TaskType::kSimple: {
        TaskRun& run = NewTask(task.reference_name, task.name, kSimpleType);
        run.optional = task.optional;
        std::string id = run.id;
        Json input = ResolveStaticInput(task, id);
        Get(id).input = std::move(input);
        break;
      }
      case TaskType::kForkJoin: {
        if (index + 1 >= list.size() || list[index + 1].type != TaskType::kJoin) {
          FailWorkflow(WorkflowStatus::kFailed, "Fork task definition is not followed by a join task");
          return;
        }
        TaskRun& fork = NewTask(task.reference_name, task.name, kForkType);
        std::string fork_id = fork.id;
        Json input = ResolveStaticInput(task, fork_id);
        TaskRun& fork_again = Get(fork_id);
        fork_again.input = std::move(input);
        MarkSystemDone(fork_again);
        for (const auto& branch : task.fork_tasks) {
          if (!branch.empty()) Schedule(branch, 0);
          if (Done()) return;
        }
        const WorkflowTask& join = list[index + 1];
        TaskRun& join_run = NewTask(join.reference_name, join.name, kJoinType);
        join_run.status = TaskStatus::kInProgress;
        join_run.input = Json{{"joinOn", join.join_on}};
        break;
      }
      case TaskType::kForkJoinDynamic:
        ScheduleDynamicFork(list, index);
        break;
      case TaskType::kJoin:
        // A JOIN is created together with its fork.
        break;
    }
  }

  void MarkSystemDone(TaskRun& run) {
    run.status = TaskStatus::kCompleted;
    run.executed = true;
    run.start_time = run.scheduled_time;
    run.end_time = run.scheduled_time;
  }

  void ScheduleDynamicFork(const std::vector<WorkflowTask>& list, std::size_t index) {
    const WorkflowTask& task = list[index];
    if (index + 1 >= list.size() || list[index + 1].type != TaskType::kJoin) {
      FailWorkflow(WorkflowStatus::kFailed, "Dynamic join definition is not followed by a join task");
      return;
    }
    TaskRun& fork = NewTask(task.reference_name, task.name, kForkType);
    std::string fork_id = fork.id;
    Json input = ResolveStaticInput(task, fork_id);
    const Json& tasks =
        input.contains(task.dynamic_fork_tasks_param) ? input[task.dynamic_fork_tasks_param] : Json();
    const Json& inputs = input.contains(task.dynamic_fork_tasks_input_param_name)
                             ? input[task.dynamic_fork_tasks_input_param_name]
                             : Json();
    if (!tasks.is_array()) {
      FailWorkflow(WorkflowStatus::kFailed,
                   "Input '" + task.dynamic_fork_tasks_param + "' of dynamic fork '" + task.reference_name +
                       "' is invalid: expected a list of tasks, got " + std::string(JsonTypeName(tasks)));
      return;
    }
    if (!inputs.is_object()) {
      FailWorkflow(
          WorkflowStatus::kFailed,
          "Input to the dynamically forked tasks is not a map (dynamic fork '" + task.reference_name + "')");
      return;
    }
    std::vector<std::pair<std::string, std::string>> branches;  // (ref, name)
    std::vector<Json> branch_inputs;
    for (const auto& element : tasks) {
      auto ref = GetString(element, "taskReferenceName");
      auto name = GetString(element, "name");
      if (!ref || !name) {
        FailWorkflow(WorkflowStatus::kFailed,
                     "Input '" + task.dynamic_fork_tasks_param + "' of dynamic fork '" + task.reference_name +
                         "' is invalid: " + (!ref ? ref.error().message : name.error().message));
        return;
      }
      std::string type = element.value("type", std::string(kSimpleType));
      if (type != kSimpleType) {
        FailWorkflow(WorkflowStatus::kFailed, "dynamic fork '" + task.reference_name + "' generated task '" +
                                                  *ref + "' of unsupported type " + type);
        return;
      }
      if (decider_.registry_.task_defs.count(*name) == 0) {
        FailWorkflow(WorkflowStatus::kFailed, "Invalid task. Task " + *name + " does not have a definition");
        return;
      }
      bool duplicate =
          RefExists(*ref) || positions_.count(*ref) != 0 ||
          std::any_of(branches.begin(), branches.end(), [&](const auto& b) { return b.first == *ref; });
      if (duplicate) {
        FailWorkflow(WorkflowStatus::kFailed, "dynamic fork '" + task.reference_name +
                                                  "' attempted to create a duplicate task reference name " +
                                                  *ref);
        return;
      }
      Json document = ExpressionDocument(state_);
      Json branch_input = ResolveParameters(element.value("inputParameters", Json::object()),
                                            ExpressionContext{&document, ""});
      if (!branch_input.is_object()) branch_input = Json::object();
      if (inputs.contains(*ref) && inputs[*ref].is_object()) {
        for (auto it = inputs[*ref].begin(); it != inputs[*ref].end(); ++it)
          branch_input[it.key()] = it.value();
      }
      branches.emplace_back(*ref, *name);
      branch_inputs.push_back(std::move(branch_input));
    }
    Json forked = Json::array();
    for (const auto& branch : branches)
      forked.push_back(branch.first);
    input["forkedTasks"] = forked;
    TaskRun& fork_again = Get(fork_id);
    fork_again.input = std::move(input);
    MarkSystemDone(fork_again);
    for (std::size_t b = 0; b < branches.size(); ++b) {
      TaskRun& run = NewTask(branches[b].first, branches[b].second, kSimpleType);
      run.dynamic = true;
      run.optional = task.optional;
      run.input = std::move(branch_inputs[b]);
    }
    const WorkflowTask& join = list[index + 1];
    TaskRun& join_run = NewTask(join.reference_name, join.name, kJoinType);
    join_run.status = TaskStatus::kInProgress;
    join_run.input = Json{{"joinOn", forked}};
  }

  TaskRun& Get(const std::string& id) {
    for (auto& task : state_.tasks) {
      if (task.id == id) return task;
    }
    return state_.tasks.back();  // unreachable: ids come from NewTask
  }

  void ScheduleNext(const TaskRun& task) {
    if (task.dynamic || task.task_type == kForkType) return;
    auto position = Find(task.reference_name);
    if (!position) return;
    std::size_t next = position->index + 1;
    if (next < position->list->size()) Schedule(*position->list, next);
  }

  int AllowedRetries(const TaskRun& task) const {
    if (task.task_type != kSimpleType) return 0;  // system tasks are never retried
    if (!task.dynamic) {
      auto position = Find(task.reference_name);
      if (position && (*position->list)[position->index].retry_count) {
        return *(*position->list)[position->index].retry_count;
      }
    }
    return decider_.registry_.TaskDefOrDefault(task.task_name).retry_count;
  }

  void HandleFailure(std::size_t index) {
    TaskRun& task = state_.tasks[index];
    task.executed = true;
    Touch(index);
    bool retriable =
        task.status != TaskStatus::kFailedWithTerminalError && task.status != TaskStatus::kCanceled;
    if (retriable && task.retry_count < AllowedRetries(task)) {
      task.retried = true;
      TaskRun copy = task;
      TaskDef def = decider_.registry_.TaskDefOrDefault(task.task_name);
      TaskRun& retry = NewTask(copy.reference_name, copy.task_name, kSimpleType);
      retry.retry_count = copy.retry_count + 1;
      retry.optional = copy.optional;
      retry.dynamic = copy.dynamic;
      retry.start_delay_seconds = def.RetryDelaySeconds(copy.retry_count);
      std::string retry_id = retry.id;
      if (copy.dynamic) {
        retry.input = copy.input;
      } else if (auto position = Find(copy.reference_name)) {
        Json input = ResolveStaticInput((*position->list)[position->index], retry_id);
        Get(retry_id).input = std::move(input);
      }
      return;
    }
    if (task.optional) {
      task.status = TaskStatus::kCompletedWithErrors;
      task.executed = false;  // what follows it is scheduled in this pass
      return;
    }
    WorkflowStatus status = WorkflowStatus::kFailed;
    if (task.status == TaskStatus::kTimedOut) status = WorkflowStatus::kTimedOut;
    if (task.status == TaskStatus::kCanceled) status = WorkflowStatus::kTerminated;
    // As on Conductor, the status named in the reason is the workflow's (FAILED for a
    // FAILED_WITH_TERMINAL_ERROR task), not the task's.
    FailWorkflow(status, "Task " + task.id + " failed with status: " + std::string(ToString(status)) +
                             " and reason: '" + task.reason + "'");
  }

  const TaskRun* Latest(const std::string& ref) const {
    const TaskRun* latest = nullptr;
    for (const auto& task : state_.tasks) {
      if (task.reference_name == ref) latest = &task;
    }
    return latest;
  }

  bool EvaluateJoin(std::size_t index) {
    const Json& join_on = state_.tasks[index].input["joinOn"];
    Json output = Json::object();
    bool with_errors = false;
    std::string failures;
    for (const auto& ref_json : join_on) {
      std::string ref = ref_json.get<std::string>();
      const TaskRun* task = Latest(ref);
      if (task == nullptr || !IsTerminal(task->status)) return false;
      if (!IsSuccessful(task->status)) {
        if (task->retried || !task->executed) return false;  // a retry is coming
        failures += (failures.empty() ? "" : " ") + task->reason;
        continue;
      }
      if (task->status == TaskStatus::kCompletedWithErrors) with_errors = true;
      if (!task->output.empty()) output[ref] = task->output;
    }
    TaskRun& join = state_.tasks[index];
    WallTime now = decider_.clock_.Now();
    join.end_time = now;
    join.update_time = now;
    if (join.start_time == WallTime{}) join.start_time = now;
    if (!failures.empty()) {
      join.status = TaskStatus::kFailed;
      join.reason = failures;
    } else {
      join.status = with_errors ? TaskStatus::kCompletedWithErrors : TaskStatus::kCompleted;
      join.output = std::move(output);
    }
    Touch(index);
    return true;
  }

  void CheckCompletion() {
    for (const auto& task : state_.tasks) {
      if (task.retried) continue;
      if (!IsTerminal(task.status)) return;
      if (!task.executed) return;
    }
    // The last top-level task must have run: anything else means scheduling stopped early.
    const TaskRun* last = Latest(def_->tasks.back().reference_name);
    if (last == nullptr || !IsSuccessful(last->status)) return;
    WorkflowRun& workflow = state_.workflow;
    workflow.status = WorkflowStatus::kCompleted;
    workflow.output = ComputeOutput();
    workflow.end_time = decider_.clock_.Now();
    workflow.update_time = workflow.end_time;
    result_.workflow_changed = true;
  }

  Json ComputeOutput() {
    if (def_ == nullptr) return Json::object();
    if (!def_->output_parameters.empty()) {
      Json document = ExpressionDocument(state_);
      return ResolveParameters(def_->output_parameters, ExpressionContext{&document, ""});
    }
    const TaskRun* last = Latest(def_->tasks.back().reference_name);
    return last == nullptr ? Json::object() : last->output;
  }

  const Decider& decider_;
  WorkflowSnapshot& state_;
  DecideResult& result_;
  const WorkflowDef* def_ = nullptr;
  std::map<std::string, Position> positions_;
};

Decider::Decider(const DefinitionRegistry& registry, Clock& clock, IdGenerator& ids)
    : registry_(registry), clock_(clock), ids_(ids) {}

DecideResult Decider::Decide(WorkflowSnapshot& state) {
  DecideResult result;
  if (IsTerminal(state.workflow.status) || state.workflow.status == WorkflowStatus::kPaused) return result;
  Pass pass(*this, state, result);
  pass.Run();
  return result;
}

bool Decider::ApplyOutcome(WorkflowSnapshot& state, std::string_view task_id, const TaskOutcome& outcome) {
  for (auto& task : state.tasks) {
    if (task.id != task_id) continue;
    if (IsTerminal(task.status) || IsTerminal(state.workflow.status)) return false;
    task.status = outcome.status;
    task.output = outcome.output;
    task.reason = outcome.reason;
    task.update_time = clock_.Now();
    if (IsTerminal(task.status)) task.end_time = task.update_time;
    return true;
  }
  return false;
}

void Decider::TimeOutTask(WorkflowSnapshot& state, std::string_view task_id, const std::string& reason,
                          bool fail_workflow, DecideResult& result) {
  for (auto& task : state.tasks) {
    if (task.id != task_id || IsTerminal(task.status)) continue;
    task.status = TaskStatus::kTimedOut;
    task.reason = reason;
    task.end_time = clock_.Now();
    task.update_time = task.end_time;
    result.changed_tasks.insert(task.id);
    if (fail_workflow) {
      task.executed = true;
      Pass pass(*this, state, result);
      pass.FailWorkflow(WorkflowStatus::kTimedOut,
                        "Task " + task.id + " failed with status: TIMED_OUT and reason: '" + reason + "'");
    }
    return;
  }
}

void Decider::Terminate(WorkflowSnapshot& state, const std::string& reason, DecideResult& result) {
  if (IsTerminal(state.workflow.status)) return;
  Pass pass(*this, state, result);
  pass.FailWorkflow(WorkflowStatus::kTerminated, reason);
}

Status Decider::Retry(WorkflowSnapshot& state, DecideResult& result) {
  WorkflowStatus status = state.workflow.status;
  if (status != WorkflowStatus::kFailed && status != WorkflowStatus::kTimedOut &&
      status != WorkflowStatus::kTerminated) {
    return Error::Terminal(ErrorKind::kConflict, "workflow " + state.workflow.id + " is " +
                                                     std::string(ToString(status)) +
                                                     ", not failed: nothing to retry");
  }
  Pass pass(*this, state, result);
  std::vector<std::size_t> to_retry;
  for (std::size_t i = 0; i < state.tasks.size(); ++i) {
    const TaskRun& task = state.tasks[i];
    if (task.retried || IsSuccessful(task.status)) continue;
    to_retry.push_back(i);
  }
  if (to_retry.empty())
    return Error::Terminal(ErrorKind::kConflict, "workflow " + state.workflow.id + " has no retryable tasks");
  for (std::size_t i : to_retry) {
    TaskRun& task = state.tasks[i];
    if (task.task_type == kJoinType) {
      task.status = TaskStatus::kInProgress;  // a canceled JOIN waits again
      task.reason.clear();
      task.end_time = {};
      task.executed = false;
      result.changed_tasks.insert(task.id);
      continue;
    }
    task.retried = true;
    task.executed = true;
    result.changed_tasks.insert(task.id);
    TaskRun retry = task;
    retry.id = ids_.NewId();
    retry.status = TaskStatus::kScheduled;
    retry.retried = false;
    retry.executed = false;
    retry.retry_count = 0;
    retry.output = Json::object();
    retry.reason.clear();
    retry.worker_id.clear();
    retry.start_delay_seconds = 0;
    retry.seq = state.tasks.back().seq + 1;
    retry.scheduled_time = clock_.Now();
    retry.update_time = retry.scheduled_time;
    retry.start_time = {};
    retry.end_time = {};
    if (!retry.dynamic) {
      if (auto position = pass.Find(retry.reference_name)) {
        retry.input = pass.ResolveStaticInput((*position->list)[position->index], retry.id);
      }
    }
    state.tasks.push_back(std::move(retry));
    result.changed_tasks.insert(state.tasks.back().id);
  }
  state.workflow.status = WorkflowStatus::kRunning;
  state.workflow.reason.clear();
  state.workflow.end_time = {};
  state.workflow.update_time = clock_.Now();
  result.workflow_changed = true;
  return Ok();
}

Json Decider::ExpressionDocument(const WorkflowSnapshot& state) {
  const WorkflowRun& workflow = state.workflow;
  Json document = Json::object();
  document["workflow"] = Json{{"input", workflow.input},
                              {"output", workflow.output},
                              {"status", ToString(workflow.status)},
                              {"workflowId", workflow.id},
                              {"workflowType", workflow.name},
                              {"version", workflow.version},
                              {"correlationId", workflow.correlation_id},
                              {"reasonForIncompletion", workflow.reason},
                              {"schemaVersion", 2}};
  for (const auto& task : state.tasks) {  // ordered by seq: the latest attempt wins
    document[task.reference_name] =
        Json{{"input", task.input},
             {"output", task.output},
             {"status", ToString(task.status)},
             {"taskId", task.id},
             {"referenceTaskName", task.reference_name},
             {"taskDefName", task.task_name},
             {"taskType", task.task_type == kSimpleType ? task.task_name : task.task_type},
             {"retryCount", task.retry_count},
             {"workflowInstanceId", task.workflow_id},
             {"reasonForIncompletion", task.reason},
             {"workerId", task.worker_id}};
  }
  return document;
}

}  // namespace reflector::engine
