#include "engine/in_process/local_engine.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "core/log.hpp"

namespace reflector::engine {

LocalEngine::LocalEngine(InProcessEngine& engine, LocalEngineOptions options, WorkflowLeaseKeeper* leases)
    : engine_(engine), options_(options), leases_(leases) {
  if (leases_ != nullptr) lease_renewal_ = std::jthread([this](std::stop_token stop) { KeepLeases(stop); });
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
    waiting_.clear();
    for (auto& [id, stop] : running_)
      stop.request_stop();
  }
  for (auto& thread : threads_)
    thread.request_stop();
  changed_.notify_all();
  threads_.clear();  // joins; every run released its lease
  if (lease_renewal_.joinable()) {
    lease_renewal_.request_stop();
    lease_renewal_.join();
  }
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
    std::stop_source run;
    {
      std::unique_lock lock(mutex_);
      if (!changed_.wait(lock, pool_stop, [this] { return !queue_.empty(); })) return;
      id = queue_.front();
      queue_.pop_front();
      run = running_[id];
    }
    RunOne(id, run);
    {
      std::lock_guard lock(mutex_);
      running_.erase(id);
    }
    changed_.notify_all();
  }
}

namespace {

// A run stopped by an error that goes away by itself is tried again instead of being ended: a
// full disk (or database) records nothing, not even the end of the run, until space is freed.
bool WaitsForTheStore(const Error& error) {
  return error.kind == ErrorKind::kNoSpace;
}

}  // namespace

void LocalEngine::RunOne(const std::string& workflow_id, const std::stop_source& run) {
  if (!TakeLease(workflow_id, run)) return;
  auto status = RunHeld(workflow_id, run);
  if (!status.ok() && leases_ != nullptr && WaitsForTheStore(status.error())) {
    log::Error("workflow run paused: its state cannot be recorded; trying again",
               {{"workflow_id", workflow_id}, {"error", status.error().message}});
    ReleaseLease(workflow_id);
    WaitForLease(workflow_id, "the workflow waits until its state can be recorded", "");
    return;
  }
  if (!status.ok() && status.error().kind != ErrorKind::kCancelled) {
    // The engine could not go on (its database or storage failed): end the workflow with the
    // reason rather than leave it RUNNING with nothing driving it.
    std::string reason = "the in-process engine stopped: " + status.error().message;
    log::Error("workflow run stopped", {{"workflow_id", workflow_id}, {"error", status.error().message}});
    if (auto ended = engine_.Terminate(workflow_id, reason); !ended.ok()) {
      log::Error("cannot record the stopped run",
                 {{"workflow_id", workflow_id}, {"error", ended.error().message}});
    }
  }
  ReleaseLease(workflow_id);
}

Result<WorkflowStatus> LocalEngine::RunHeld(const std::string& workflow_id, const std::stop_source& run) {
  if (leases_ != nullptr) {
    // Another process may have ended it between the Resume here and the lease.
    REFLECTOR_ASSIGN_OR_RETURN(WorkflowSnapshot current, engine_.Get(workflow_id));
    if (IsTerminal(current.workflow.status)) return current.workflow.status;
  }
  REFLECTOR_ASSIGN_OR_RETURN(WorkflowStatus status, engine_.RunWorkflow(workflow_id, run.get_token()));
  if (status != WorkflowStatus::kFailed && status != WorkflowStatus::kTimedOut) return status;
  // As on Conductor, a failed or timed-out workflow starts its failure workflow. The failed
  // workflow's lease is kept meanwhile, so no other process retries it.
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<std::string> failure_id,
                             engine_.FailureWorkflowToRun(workflow_id));
  if (failure_id && TakeLease(*failure_id, run)) {
    auto failure_status = RunHeld(*failure_id, run);
    ReleaseLease(*failure_id);
    if (!failure_status.ok()) {
      log::Error("failure workflow did not finish",
                 {{"workflow_id", *failure_id}, {"error", failure_status.error().message}});
    }
  }
  return status;
}

void LocalEngine::ReleaseLease(const std::string& workflow_id) {
  if (leases_ != nullptr) leases_->Release(workflow_id);
}

bool LocalEngine::TakeLease(const std::string& workflow_id, const std::stop_source& run) {
  if (leases_ == nullptr) return true;
  auto acquired = leases_->Acquire(workflow_id, run);
  if (!acquired.ok()) {
    // Another process may be running it: leave it alone until the lease can be read.
    log::Warn("cannot take the lease on a workflow",
              {{"workflow_id", workflow_id}, {"error", acquired.error().Describe()}});
    WaitForLease(workflow_id, "waiting for the lease on the workflow", "");
    return false;
  }
  if (*acquired) {
    std::lock_guard lock(mutex_);
    waiting_.erase(workflow_id);
    return true;
  }
  auto holder = leases_->Holder(workflow_id);
  WaitForLease(workflow_id, "another process holds the lease on the workflow; trying again when it is free",
               holder.ok() && holder->has_value() ? (*holder)->owner : "");
  return false;
}

void LocalEngine::WaitForLease(const std::string& workflow_id, std::string_view why,
                               const std::string& holder) {
  auto current = engine_.Get(workflow_id);
  bool ended = current.ok() && IsTerminal(current->workflow.status);
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    if (ended || shut_down_) {
      waiting_.erase(workflow_id);
      return;
    }
    first = waiting_.insert(workflow_id).second;
  }
  auto write = first ? log::Info : log::Debug;
  write(why, {{"workflow_id", workflow_id}, {"holder", holder}, {"owner", leases_->owner()}});
}

void LocalEngine::KeepLeases(std::stop_token stop) {
  while (leases_->WaitRenewInterval(stop)) {
    leases_->RenewAll();
    std::vector<std::string> waiting;
    {
      std::lock_guard lock(mutex_);
      waiting.assign(waiting_.begin(), waiting_.end());
    }
    for (const std::string& id : waiting)
      Schedule(id);
  }
}

void LocalEngine::StopLocalRun(const std::string& workflow_id) {
  std::unique_lock lock(mutex_);
  queue_.erase(std::remove(queue_.begin(), queue_.end(), workflow_id), queue_.end());
  waiting_.erase(workflow_id);
  auto it = running_.find(workflow_id);
  if (it == running_.end()) return;
  it->second.request_stop();
  changed_.wait(lock, [&] { return running_.count(workflow_id) == 0; });
}

}  // namespace reflector::engine
