#pragma once
// Runs workflows inside this process with Conductor's semantics: SIMPLE tasks on a bounded
// number of threads, static and dynamic forks, joins, retries with their delays, task
// timeouts (overall and response/heartbeat) enforced through each task's stop token, and the
// definition's failure workflow. Every change is persisted through the EngineStore, so after
// a crash Run() resumes from the last finished task; tasks that were running are run again.

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "engine/engine_store.hpp"
#include "engine/in_process/decider.hpp"
#include "engine/in_process/task_slots.hpp"
#include "engine/task_worker.hpp"

namespace reflector::engine {

struct InProcessOptions {
  int max_parallel_tasks = 2;    // SIMPLE tasks running at once, per workflow
  int max_tasks_in_process = 0;  // SIMPLE tasks running at once over every workflow; 0: no bound
  std::string worker_id;         // recorded on task runs; default "<host>:<pid>"
  std::chrono::milliseconds heartbeat_write_interval{1000};
  // How long a run keeps trying to save its state while the store is unavailable (a database
  // restarting) before it gives up; its tasks keep running meanwhile.
  std::chrono::seconds store_outage_limit{600};
  // Test-only: override every task definition's timeouts (0 keeps the definition's).
  int timeout_seconds_override = 0;
  int response_timeout_seconds_override = 0;
};

class InProcessEngine {
 public:
  InProcessEngine(const DefinitionRegistry& definitions, EngineStore& store, const TaskRegistry& tasks,
                  Clock& clock, IdGenerator& ids, InProcessOptions options = {});

  // Creates a RUNNING workflow (nothing runs until Run). `workflow_id` may be given to make
  // the id known in advance; otherwise a uuid4 is generated.
  Result<std::string> Start(const std::string& name, const Json& input, const std::string& correlation_id,
                            std::optional<std::string> workflow_id = std::nullopt);
  Result<WorkflowSnapshot> Get(const std::string& workflow_id);
  // Runs the workflow until it ends (and then its failure workflow, if it failed) or `stop` is
  // requested (then running tasks are stopped and left to run again on the next Run).
  // RunWorkflow and FailureWorkflowToRun are its two halves, for a caller (LocalEngine) that
  // runs the failure workflow itself.
  Result<WorkflowStatus> Run(const std::string& workflow_id, std::stop_token stop);
  // Runs the workflow until it ends or `stop` is requested, without its failure workflow.
  Result<WorkflowStatus> RunWorkflow(const std::string& workflow_id, std::stop_token stop);
  // For a FAILED or TIMED_OUT workflow whose definition names a failure workflow: starts the
  // failure workflow unless it was started (its id is recorded on the failed workflow) and
  // returns its id while it has not ended. nullopt for any other workflow.
  Result<std::optional<std::string>> FailureWorkflowToRun(const std::string& workflow_id);
  Status Retry(const std::string& workflow_id);
  Status Terminate(const std::string& workflow_id, const std::string& reason);

 private:
  class Runner;
  Status Persist(const WorkflowSnapshot& state, const DecideResult& changes);

  const DefinitionRegistry& definitions_;
  EngineStore& store_;
  const TaskRegistry& tasks_;
  Clock& clock_;
  IdGenerator& ids_;
  InProcessOptions options_;
  Decider decider_;
  TaskSlots slots_;
};

}  // namespace reflector::engine
