#include "engine/in_process/local_engine.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace reflector::engine {

LocalEngine::LocalEngine(InProcessEngine& engine, LocalEngineOptions options)
    : engine_(engine), options_(options) {
  int threads = std::max(1, options_.max_running_workflows);
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this](std::stop_token stop) { RunQueued(stop); });
}

LocalEngine::~LocalEngine() {
  Shutdown();
}

void LocalEngine::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
    queue_.clear();
    for (auto& [id, stop] : running_)
      stop.request_stop();
  }
  for (auto& thread : threads_)
    thread.request_stop();
  changed_.notify_all();
  threads_.clear();  // joins
}

Result<std::string> LocalEngine::Start(const std::string& name, const Json& input,
                                       const std::string& correlation_id) {
  REFLECTOR_ASSIGN_OR_RETURN(std::string id, engine_.Start(name, input, correlation_id));
  Schedule(id);
  return id;
}

Result<WorkflowSnapshot> LocalEngine::Get(const std::string& workflow_id) {
  return engine_.Get(workflow_id);
}

Status LocalEngine::Terminate(const std::string& workflow_id, const std::string& reason) {
  StopLocalRun(workflow_id);
  return engine_.Terminate(workflow_id, reason);
}

Status LocalEngine::Retry(const std::string& workflow_id) {
  REFLECTOR_TRY(engine_.Retry(workflow_id));
  Schedule(workflow_id);
  return Ok();
}

Status LocalEngine::Resume(const std::string& workflow_id) {
  REFLECTOR_ASSIGN_OR_RETURN(WorkflowSnapshot snapshot, engine_.Get(workflow_id));
  if (!IsTerminal(snapshot.workflow.status)) Schedule(workflow_id);
  return Ok();
}

void LocalEngine::Schedule(const std::string& workflow_id) {
  {
    std::lock_guard lock(mutex_);
    if (shut_down_ || running_.count(workflow_id) != 0 ||
        std::find(queue_.begin(), queue_.end(), workflow_id) != queue_.end()) {
      return;
    }
    queue_.push_back(workflow_id);
  }
  changed_.notify_all();
}

void LocalEngine::RunQueued(std::stop_token pool_stop) {
  for (;;) {
    std::string id;
    std::stop_token run_stop;
    {
      std::unique_lock lock(mutex_);
      if (!changed_.wait(lock, pool_stop, [this] { return !queue_.empty(); })) return;
      id = queue_.front();
      queue_.pop_front();
      run_stop = running_[id].get_token();
    }
    RunOne(id, run_stop);
    {
      std::lock_guard lock(mutex_);
      running_.erase(id);
    }
    changed_.notify_all();
  }
}

void LocalEngine::RunOne(const std::string& workflow_id, std::stop_token stop) {
  auto status = engine_.Run(workflow_id, stop);
  if (status.ok() || status.error().kind == ErrorKind::kCancelled) return;
  // The engine could not go on (its database or storage failed): end the workflow with the
  // reason rather than leave it RUNNING with nothing driving it.
  std::string reason = "the in-process engine stopped: " + status.error().message;
  log::Error("workflow run stopped", {{"workflow_id", workflow_id}, {"error", status.error().message}});
  if (auto ended = engine_.Terminate(workflow_id, reason); !ended.ok()) {
    log::Error("cannot record the stopped run",
               {{"workflow_id", workflow_id}, {"error", ended.error().message}});
  }
}

void LocalEngine::StopLocalRun(const std::string& workflow_id) {
  std::unique_lock lock(mutex_);
  queue_.erase(std::remove(queue_.begin(), queue_.end(), workflow_id), queue_.end());
  auto it = running_.find(workflow_id);
  if (it == running_.end()) return;
  it->second.request_stop();
  changed_.wait(lock, [&] { return running_.count(workflow_id) == 0; });
}

}  // namespace reflector::engine
