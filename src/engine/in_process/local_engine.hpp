#pragma once
// The in-process engine behind the Engine seam: every started (or resumed, or retried) workflow
// runs on a background thread of this process through InProcessEngine, at most
// `max_running_workflows` at once (the rest wait in order). State lives in the EngineStore, so
// a workflow whose process stopped stays RUNNING and Resume continues it from its last
// finished task.
//
// Given a WorkflowLeaseKeeper, it runs a workflow (and its failure workflow) only while holding
// the workflow's lease, so several processes sharing one database never run the same workflow:
// a workflow whose lease another process holds is not run here but tried again every renewal
// interval until it ended or the lease is free (so the workflows of a process that died are
// taken over once its leases expired), and a run whose lease was lost is stopped. Without a
// keeper (tests, one process per database) it runs every workflow it is given.
//
// A run the engine cannot go on with (its store failed) is ended TERMINATED with the reason,
// except when the store is full (kNoSpace): with a keeper, that workflow stays RUNNING and is
// tried again every renewal interval, from what was recorded, until space is freed.

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/engine.hpp"
#include "engine/in_process/in_process_engine.hpp"
#include "engine/in_process/workflow_lease_keeper.hpp"

namespace reflector::engine {

struct LocalEngineOptions {
  int max_running_workflows = 2;
};

class LocalEngine final : public Engine {
 public:
  // `engine` and `leases` (optional: null runs without leases) must outlive this object. With
  // `leases`, a background thread renews the held leases and tries the waiting workflows again.
  explicit LocalEngine(InProcessEngine& engine, LocalEngineOptions options = {},
                       WorkflowLeaseKeeper* leases = nullptr);
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
  // later Resume, and their leases are released), drops the queue and the workflows waiting for
  // a lease, and joins the threads. Later
  // calls to Start, Retry and Resume change the stored state but run nothing. Idempotent.
  void Shutdown();

 private:
  // Queues the workflow unless it is queued or running here already.
  void Schedule(const std::string& workflow_id);
  void RunQueued(std::stop_token pool_stop);
  // Runs the workflow under its lease (when there are leases); a workflow whose lease is not
  // free waits instead (TakeLease).
  void RunOne(const std::string& workflow_id, const std::stop_source& run);
  // Runs a workflow whose lease is held (or without leases), and then its failure workflow, if
  // it failed, under that workflow's own lease.
  Result<WorkflowStatus> RunHeld(const std::string& workflow_id, const std::stop_source& run);
  void ReleaseLease(const std::string& workflow_id);
  // Takes the workflow's lease (always true without leases). When another process holds it, or
  // it cannot be read, the workflow waits (unless it ended) and false is returned.
  bool TakeLease(const std::string& workflow_id, const std::stop_source& run);
  // Notes that the workflow could not be run here for `why`, to be tried again (logged the
  // first time).
  void WaitForLease(const std::string& workflow_id, std::string_view why, const std::string& holder);
  // Renews the held leases and schedules the waiting workflows, every renewal interval.
  void KeepLeases(std::stop_token stop);
  // Stops the local run of the workflow, if any, and waits until it returned.
  void StopLocalRun(const std::string& workflow_id);

  InProcessEngine& engine_;
  LocalEngineOptions options_;
  WorkflowLeaseKeeper* leases_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<std::string> queue_;
  std::map<std::string, std::stop_source> running_;
  std::set<std::string> waiting_;  // held by another process (or unreadable): tried again
  bool shut_down_ = false;
  std::jthread lease_renewal_;         // renews leases_ while runs go on; stopped after threads_
  std::vector<std::jthread> threads_;  // last: joined first on destruction
};

}  // namespace reflector::engine
