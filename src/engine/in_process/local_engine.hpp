#pragma once
// The in-process engine behind the Engine seam: every started (or resumed, or retried) workflow
// runs on a background thread of this process through InProcessEngine, at most
// `max_running_workflows` at once (the rest wait in order). State lives in the EngineStore, so
// a workflow whose process stopped stays RUNNING and Resume continues it from its last
// finished task.

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.hpp"
#include "engine/in_process/in_process_engine.hpp"

namespace reflector::engine {

struct LocalEngineOptions {
  int max_running_workflows = 2;
};

class LocalEngine final : public Engine {
 public:
  // `engine` must outlive this object.
  explicit LocalEngine(InProcessEngine& engine, LocalEngineOptions options = {});
  // Shutdown().
  ~LocalEngine() override;
  LocalEngine(const LocalEngine&) = delete;
  LocalEngine& operator=(const LocalEngine&) = delete;

  std::string_view Name() const override { return "in_process"; }
  Result<std::string> Start(const std::string& name, const Json& input,
                            const std::string& correlation_id) override;
  Result<WorkflowSnapshot> Get(const std::string& workflow_id) override;
  Status Terminate(const std::string& workflow_id, const std::string& reason) override;
  Status Retry(const std::string& workflow_id) override;
  Status Resume(const std::string& workflow_id) override;

  // Stops every running workflow (running tasks are stopped; the workflows stay RUNNING for a
  // later Resume), drops the queue and joins the threads. Later calls to Start, Retry and
  // Resume change the stored state but run nothing. Idempotent.
  void Shutdown();

 private:
  // Queues the workflow unless it is queued or running here already.
  void Schedule(const std::string& workflow_id);
  void RunQueued(std::stop_token pool_stop);
  void RunOne(const std::string& workflow_id, std::stop_token stop);
  // Stops the local run of the workflow, if any, and waits until it returned.
  void StopLocalRun(const std::string& workflow_id);

  InProcessEngine& engine_;
  LocalEngineOptions options_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<std::string> queue_;
  std::map<std::string, std::stop_source> running_;
  bool shut_down_ = false;
  std::vector<std::jthread> threads_;  // last: joined first on destruction
};

}  // namespace reflector::engine
