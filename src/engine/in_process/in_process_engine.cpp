#include "engine/in_process/in_process_engine.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "core/log.hpp"

namespace reflector::engine {
namespace {

std::string DefaultWorkerId() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  return std::string(host) + ":" + std::to_string(getpid());
}

// Records each report as a heartbeat.
class HeartbeatSink final : public ProgressSink {
 public:
  explicit HeartbeatSink(std::function<void()> on_beat) : on_beat_(std::move(on_beat)) {}
  void Report(double /*fraction*/, std::string_view /*detail*/) override { on_beat_(); }

 private:
  std::function<void()> on_beat_;
};

// The failure workflow's input: the failed workflow's input plus what Conductor passes about
// the failure.
Json FailureWorkflowInput(const WorkflowSnapshot& failed) {
  Json input = failed.workflow.input;
  Json failed_json = ToJson(failed.workflow);
  Json failed_refs = Json::array();
  Json failed_names = Json::array();
  std::string failure_task_id;
  for (const auto& task : failed.tasks) {
    if (!task.retried &&
        (task.status == TaskStatus::kFailed || task.status == TaskStatus::kFailedWithTerminalError ||
         task.status == TaskStatus::kTimedOut)) {
      failed_refs.push_back(task.reference_name);
      if (std::find(failed_names.begin(), failed_names.end(), task.task_name) == failed_names.end())
        failed_names.push_back(task.task_name);
      if (failure_task_id.empty()) failure_task_id = task.id;
    }
  }
  failed_json["failedReferenceTaskNames"] = failed_refs;
  failed_json["failedTaskNames"] = failed_names;  // definition names, as Conductor's set
  input["workflowId"] = failed.workflow.id;
  input["reason"] = failed.workflow.reason;
  input["failureStatus"] = ToString(failed.workflow.status);
  input["failureTaskId"] = failure_task_id;
  input["failedWorkflow"] = failed_json;
  return input;
}

}  // namespace

// The loop of one Run call: owns the in-flight executions of one workflow.
class InProcessEngine::Runner {
 public:
  Runner(InProcessEngine& engine, WorkflowSnapshot state) : engine_(engine), state_(std::move(state)) {}
  // However Run returned (an error of the store included), no task thread outlives the runner:
  // they use its members and their executions' progress sinks.
  ~Runner() { StopAll(); }
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  Result<WorkflowStatus> Run(std::stop_token stop) {
    run_stop_ = stop;
    RecoverInterrupted();
    while (true) {
      REFLECTOR_TRY(DecideAndPersist());
      if (IsTerminal(state_.workflow.status)) {
        StopAll();
        return state_.workflow.status;
      }
      if (stop.stop_requested()) {
        StopAll();
        RecoverInterrupted();
        return Error::Cancelled("workflow " + state_.workflow.id + " interrupted; run it again to resume");
      }
      REFLECTOR_TRY(Launch());
      if (in_flight_.empty() && !AnyScheduled()) {
        DecideResult changes;
        engine_.decider_.Terminate(state_, "the workflow cannot make progress (no task scheduled or running)",
                                   changes);
        REFLECTOR_TRY(Save(changes));
        continue;
      }
      Wait(stop);
      REFLECTOR_TRY(Collect());
      REFLECTOR_TRY(CheckTimeouts());
    }
  }

 private:
  struct Execution {
    TaskSlots::Held slot;  // first: given back after the thread below has been joined
    std::stop_source stop;
    std::unique_ptr<HeartbeatSink> sink;  // before the thread: it is used until the thread is joined
    std::jthread thread;
    WallTime started{};
    WallTime last_persisted_beat{};
  };

  // Persists the changes; while the store is unavailable (a retryable error, e.g. the database
  // restarting) tries again with a growing pause, up to store_outage_limit, unless stopped. A full
  // disk is returned at once: it lasts until someone frees space, so the run is paused instead
  // (LocalEngine) and its tasks stopped rather than left working into a store that keeps nothing.
  Status Save(const DecideResult& changes) {
    const auto give_up = engine_.clock_.Now() + engine_.options_.store_outage_limit;
    auto pause = std::chrono::milliseconds(250);
    while (true) {
      Status saved = engine_.Persist(state_, changes);
      if (saved.ok() || !saved.error().retryable || saved.error().kind == ErrorKind::kNoSpace ||
          run_stop_.stop_requested() || engine_.clock_.Now() + pause > give_up)
        return saved;
      log::Warn("cannot save the workflow's state; trying again",
                {{"workflow_id", state_.workflow.id}, {"error", saved.error().Describe()}});
      if (!engine_.clock_.SleepFor(pause, run_stop_)) return saved;
      pause = std::min(pause * 2, std::chrono::milliseconds(5000));
    }
  }

  Status DecideAndPersist() {
    DecideResult changes = engine_.decider_.Decide(state_);
    return Save(changes);
  }

  void RecoverInterrupted() {
    DecideResult changes;
    for (auto& task : state_.tasks) {
      if (task.task_type == kSimpleType && task.status == TaskStatus::kInProgress &&
          in_flight_.count(task.id) == 0) {
        log::Info("task interrupted before it finished; scheduling it again",
                  {{"workflow_id", task.workflow_id}, {"task", task.reference_name}, {"task_id", task.id}});
        task.status = TaskStatus::kScheduled;
        task.worker_id.clear();
        task.start_time = {};
        changes.changed_tasks.insert(task.id);
      }
    }
    if (!changes.changed_tasks.empty()) (void)Save(changes);
  }

  bool Ready(const TaskRun& task, WallTime now) const {
    return task.task_type == kSimpleType && task.status == TaskStatus::kScheduled &&
           task.scheduled_time + std::chrono::seconds(task.start_delay_seconds) <= now;
  }

  bool AnyScheduled() const {
    for (const auto& task : state_.tasks) {
      if (task.task_type == kSimpleType && task.status == TaskStatus::kScheduled) return true;
    }
    return false;
  }

  Status Launch() {
    WallTime now = engine_.clock_.Now();
    for (auto& task : state_.tasks) {
      if (static_cast<int>(in_flight_.size()) >= engine_.options_.max_parallel_tasks) break;
      if (!Ready(task, now)) continue;
      if (!engine_.slots_.TryAcquire()) break;  // the process is busy: wait for a free slot
      task.status = TaskStatus::kInProgress;
      task.start_time = now;
      task.update_time = now;
      task.worker_id = engine_.options_.worker_id;
      DecideResult changes;
      changes.changed_tasks.insert(task.id);
      if (auto saved = Save(changes); !saved.ok()) {
        engine_.slots_.Release();  // the task did not start: its slot would be lost for good
        return saved;
      }
      StartExecution(task);
    }
    return Ok();
  }

  void StartExecution(const TaskRun& task) {
    auto execution = std::make_unique<Execution>();
    execution->slot.Adopt(engine_.slots_);
    execution->started = engine_.clock_.Now();
    execution->last_persisted_beat = execution->started;
    std::string task_id = task.id;
    execution->sink = std::make_unique<HeartbeatSink>([this, task_id] {
      std::lock_guard lock(mutex_);
      beats_[task_id] = engine_.clock_.Now();
    });
    TaskExecution exec = MakeTaskExecution(task, execution->stop.get_token(), execution->sink.get());
    const TaskFunction* function = engine_.tasks_.Find(task.task_name);
    execution->thread =
        std::jthread([this, exec = std::move(exec), function, run_stop = run_stop_]() mutable {
          TaskOutcome outcome;
          bool interrupted = false;
          if (function == nullptr) {
            outcome.status = TaskStatus::kFailedWithTerminalError;
            outcome.reason = "no worker is registered for task type '" + exec.task_name + "'";
          } else {
            try {
              Result<Json> result = (*function)(exec);
              // Stopped because the engine shuts down or timed the task out: not the task's failure.
              interrupted = !result.ok() && result.error().kind == ErrorKind::kCancelled &&
                            (exec.stop.stop_requested() || run_stop.stop_requested());
              outcome = ToOutcome(result);
            } catch (const std::exception& e) {
              outcome.status = TaskStatus::kFailed;
              outcome.reason = std::string("task raised an exception: ") + e.what();
            } catch (...) {
              outcome.status = TaskStatus::kFailed;
              outcome.reason = "task raised an unknown exception";
            }
          }
          std::lock_guard lock(mutex_);
          if (interrupted) {
            interrupted_.push_back(exec.task_id);
          } else {
            done_.emplace_back(exec.task_id, std::move(outcome));
          }
          wake_.notify_all();
        });
    in_flight_[task.id] = std::move(execution);
  }

  // Sleeps until a task finishes, a delayed task becomes ready, a timeout is due or stop.
  void Wait(std::stop_token stop) {
    WallTime now = engine_.clock_.Now();
    std::optional<WallTime> next_ready;
    for (const auto& task : state_.tasks) {
      if (task.task_type == kSimpleType && task.status == TaskStatus::kScheduled) {
        WallTime ready = task.scheduled_time + std::chrono::seconds(task.start_delay_seconds);
        if (!next_ready || ready < *next_ready) next_ready = ready;
      }
    }
    if (in_flight_.empty()) {
      if (next_ready && *next_ready > now) {
        engine_.clock_.SleepFor(std::chrono::ceil<std::chrono::milliseconds>(*next_ready - now), stop);
      } else if (next_ready) {  // ready, but every slot of the process is taken
        engine_.slots_.WaitForFree(stop, engine_.options_.heartbeat_write_interval);
      }
      return;
    }
    std::chrono::milliseconds budget = engine_.options_.heartbeat_write_interval;
    if (next_ready && *next_ready > now) {
      budget = std::min(budget, std::chrono::ceil<std::chrono::milliseconds>(*next_ready - now));
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, budget, [this] { return !done_.empty() || !interrupted_.empty(); });
  }

  Status Collect() {
    std::deque<std::pair<std::string, TaskOutcome>> done;
    std::map<std::string, WallTime> beats;
    std::vector<std::string> interrupted;
    {
      std::lock_guard lock(mutex_);
      done.swap(done_);
      beats.swap(beats_);
      interrupted.swap(interrupted_);
    }
    for (const auto& task_id : interrupted) {
      // The task stopped because it was asked to; it runs again when the workflow resumes.
      auto it = in_flight_.find(task_id);
      if (it == in_flight_.end()) continue;
      it->second->thread.join();
      in_flight_.erase(it);
      for (auto& task : state_.tasks) {
        if (task.id != task_id || task.status != TaskStatus::kInProgress) continue;
        task.status = TaskStatus::kScheduled;
        task.worker_id.clear();
        task.start_time = {};
        DecideResult changes;
        changes.changed_tasks.insert(task.id);
        REFLECTOR_TRY(Save(changes));
      }
    }
    for (auto& [task_id, beat] : beats) {
      auto it = in_flight_.find(task_id);
      if (it == in_flight_.end()) continue;
      for (auto& task : state_.tasks) {
        if (task.id != task_id || task.status != TaskStatus::kInProgress) continue;
        task.update_time = beat;
        if (beat - it->second->last_persisted_beat >= engine_.options_.heartbeat_write_interval) {
          it->second->last_persisted_beat = beat;
          DecideResult changes;
          changes.changed_tasks.insert(task.id);
          REFLECTOR_TRY(Save(changes));
        }
      }
    }
    for (auto& [task_id, outcome] : done) {
      auto it = in_flight_.find(task_id);
      if (it != in_flight_.end()) {
        it->second->thread.join();
        in_flight_.erase(it);
      }
      if (engine_.decider_.ApplyOutcome(state_, task_id, outcome)) {
        DecideResult changes;
        changes.changed_tasks.insert(task_id);
        REFLECTOR_TRY(Save(changes));
      }
    }
    return Ok();
  }

  Status CheckTimeouts() {
    WallTime now = engine_.clock_.Now();
    for (auto& task : state_.tasks) {
      if (task.status != TaskStatus::kInProgress || in_flight_.count(task.id) == 0) continue;
      TaskDef def = engine_.definitions_.TaskDefOrDefault(task.task_name);
      int timeout = engine_.options_.timeout_seconds_override > 0 ? engine_.options_.timeout_seconds_override
                                                                  : def.timeout_seconds;
      int response = engine_.options_.response_timeout_seconds_override > 0
                         ? engine_.options_.response_timeout_seconds_override
                         : def.response_timeout_seconds;
      std::string reason;
      bool fail_workflow = false;
      if (timeout > 0 && now - task.start_time >= std::chrono::seconds(timeout)) {
        if (def.timeout_policy == TimeoutPolicy::kAlertOnly) continue;
        reason = "Task timed out after " + std::to_string(timeout) + " seconds (timeoutSeconds)";
        fail_workflow = def.timeout_policy == TimeoutPolicy::kTimeOutWorkflow;
      } else if (now - task.update_time >= std::chrono::seconds(response)) {
        reason = "responseTimeoutSeconds: " + std::to_string(response) + " exceeded without a heartbeat";
      } else {
        continue;
      }
      log::Warn("task timed out",
                {{"workflow_id", task.workflow_id}, {"task", task.reference_name}, {"reason", reason}});
      in_flight_[task.id]->stop.request_stop();
      abandoned_.push_back(std::move(in_flight_[task.id]));
      in_flight_.erase(task.id);
      DecideResult changes;
      engine_.decider_.TimeOutTask(state_, task.id, reason, fail_workflow, changes);
      REFLECTOR_TRY(Save(changes));
    }
    return Ok();
  }

  void StopAll() {
    for (auto& [id, execution] : in_flight_)
      execution->stop.request_stop();
    for (auto& [id, execution] : in_flight_)
      execution->thread.join();
    in_flight_.clear();
    for (auto& execution : abandoned_)
      execution->thread.join();
    abandoned_.clear();
    std::lock_guard lock(mutex_);
    done_.clear();
    interrupted_.clear();
  }

  InProcessEngine& engine_;
  WorkflowSnapshot state_;
  std::map<std::string, std::unique_ptr<Execution>> in_flight_;
  std::vector<std::unique_ptr<Execution>> abandoned_;  // timed out, asked to stop
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<std::pair<std::string, TaskOutcome>> done_;
  std::vector<std::string> interrupted_;
  std::map<std::string, WallTime> beats_;
  std::stop_token run_stop_;
};

InProcessEngine::InProcessEngine(const DefinitionRegistry& definitions, EngineStore& store,
                                 const TaskRegistry& tasks, Clock& clock, IdGenerator& ids,
                                 InProcessOptions options)
    : definitions_(definitions),
      store_(store),
      tasks_(tasks),
      clock_(clock),
      ids_(ids),
      options_(std::move(options)),
      decider_(definitions, clock, ids),
      slots_(options_.max_tasks_in_process) {
  if (options_.worker_id.empty()) options_.worker_id = DefaultWorkerId();
  if (options_.max_parallel_tasks < 1) options_.max_parallel_tasks = 1;
}

Result<std::string> InProcessEngine::Start(const std::string& name, const Json& input,
                                           const std::string& correlation_id,
                                           std::optional<std::string> workflow_id) {
  const WorkflowDef* def = definitions_.FindWorkflow(name);
  if (def == nullptr) return Error::NotFound("workflow definition '" + name + "' is not registered");
  if (!input.is_object()) return Error::InvalidInput("workflow input must be a JSON object");
  WorkflowRun workflow;
  workflow.id = workflow_id ? *workflow_id : ids_.NewId();
  workflow.name = name;
  workflow.version = def->version;
  workflow.input = input;
  workflow.correlation_id = correlation_id;
  workflow.create_time = clock_.Now();
  workflow.update_time = workflow.create_time;
  REFLECTOR_TRY(store_.CreateWorkflow(workflow));
  log::Info("workflow started",
            {{"workflow_id", workflow.id}, {"workflow", name}, {"correlation_id", correlation_id}});
  return workflow.id;
}

Result<WorkflowSnapshot> InProcessEngine::Get(const std::string& workflow_id) {
  WorkflowSnapshot snapshot;
  REFLECTOR_ASSIGN_OR_RETURN(snapshot.workflow, store_.GetWorkflow(workflow_id));
  REFLECTOR_ASSIGN_OR_RETURN(snapshot.tasks, store_.ListTasks(workflow_id));
  return snapshot;
}

Result<WorkflowStatus> InProcessEngine::RunWorkflow(const std::string& workflow_id, std::stop_token stop) {
  REFLECTOR_ASSIGN_OR_RETURN(WorkflowSnapshot state, Get(workflow_id));
  Runner runner(*this, std::move(state));
  return runner.Run(stop);
}

Result<std::optional<std::string>> InProcessEngine::FailureWorkflowToRun(const std::string& workflow_id) {
  REFLECTOR_ASSIGN_OR_RETURN(WorkflowSnapshot failed, Get(workflow_id));
  if (failed.workflow.status != WorkflowStatus::kFailed &&
      failed.workflow.status != WorkflowStatus::kTimedOut)
    return std::optional<std::string>();
  const WorkflowDef* def = definitions_.FindWorkflow(failed.workflow.name);
  if (def == nullptr || def->failure_workflow.empty()) return std::optional<std::string>();
  if (failed.workflow.failure_workflow_id.empty()) {
    REFLECTOR_ASSIGN_OR_RETURN(
        std::string failure_id,
        Start(def->failure_workflow, FailureWorkflowInput(failed), failed.workflow.correlation_id));
    failed.workflow.failure_workflow_id = failure_id;
    failed.workflow.output["conductor.failure_workflow"] = failure_id;
    REFLECTOR_TRY(store_.SaveChanges({}, &failed.workflow));
  }
  REFLECTOR_ASSIGN_OR_RETURN(WorkflowSnapshot failure, Get(failed.workflow.failure_workflow_id));
  if (IsTerminal(failure.workflow.status)) return std::optional<std::string>();
  return std::optional<std::string>(failure.workflow.id);
}

Result<WorkflowStatus> InProcessEngine::Run(const std::string& workflow_id, std::stop_token stop) {
  REFLECTOR_ASSIGN_OR_RETURN(WorkflowStatus status, RunWorkflow(workflow_id, stop));
  if (status != WorkflowStatus::kFailed && status != WorkflowStatus::kTimedOut) return status;
  // As on Conductor, a failed or timed-out workflow starts its failure workflow.
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<std::string> failure_id, FailureWorkflowToRun(workflow_id));
  if (failure_id) {
    auto failure_status = Run(*failure_id, stop);
    if (!failure_status.ok()) {
      log::Error("failure workflow did not finish",
                 {{"workflow_id", *failure_id}, {"error", failure_status.error().message}});
    }
  }
  return status;
}

Status InProcessEngine::Retry(const std::string& workflow_id) {
  REFLECTOR_ASSIGN_OR_RETURN(WorkflowSnapshot state, Get(workflow_id));
  DecideResult changes;
  REFLECTOR_TRY(decider_.Retry(state, changes));
  return Persist(state, changes);
}

Status InProcessEngine::Terminate(const std::string& workflow_id, const std::string& reason) {
  REFLECTOR_ASSIGN_OR_RETURN(WorkflowSnapshot state, Get(workflow_id));
  if (state.workflow.status == WorkflowStatus::kCompleted) {
    return Error::Terminal(ErrorKind::kConflict, "workflow " + workflow_id + " is already COMPLETED");
  }
  DecideResult changes;
  decider_.Terminate(state, reason, changes);
  return Persist(state, changes);
}

Status InProcessEngine::Persist(const WorkflowSnapshot& state, const DecideResult& changes) {
  std::vector<TaskRun> tasks;
  for (const auto& task : state.tasks) {
    if (changes.changed_tasks.count(task.id) != 0) tasks.push_back(task);
  }
  // One decision is recorded whole or not at all: a failed task saved without its retry would
  // leave the workflow with nothing to run when it resumes.
  REFLECTOR_TRY(store_.SaveChanges(tasks, changes.workflow_changed ? &state.workflow : nullptr));
  if (changes.workflow_changed) {
    log::Info("workflow status", {{"workflow_id", state.workflow.id},
                                  {"status", ToString(state.workflow.status)},
                                  {"reason", state.workflow.reason}});
  }
  return Ok();
}

}  // namespace reflector::engine
