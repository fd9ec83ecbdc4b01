#include "engine/in_process/workflow_lease_keeper.hpp"

#include <unistd.h>

#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "core/log.hpp"

namespace reflector::engine {

std::string DefaultLeaseOwner() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + NewUuid4().substr(0, 8);
}

WorkflowLeaseKeeper::WorkflowLeaseKeeper(store::WorkflowLeases& leases, Clock& clock,
                                         WorkflowLeaseOptions options)
    : leases_(leases), clock_(clock), options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = DefaultLeaseOwner();
  if (options_.renew_interval >= options_.ttl || options_.renew_interval.count() <= 0)
    options_.renew_interval = options_.ttl / 3;
}

Result<bool> WorkflowLeaseKeeper::Acquire(const std::string& workflow_id, std::stop_source on_lost) {
  const WallTime asked_at = clock_.Now();
  REFLECTOR_ASSIGN_OR_RETURN(bool acquired, leases_.Acquire(workflow_id, options_.owner, options_.ttl));
  if (!acquired) return false;
  std::lock_guard lock(mutex_);
  held_[workflow_id] = Held{next_generation_++, std::move(on_lost), asked_at + options_.ttl};
  return true;
}

void WorkflowLeaseKeeper::Release(const std::string& workflow_id) {
  {
    std::lock_guard lock(mutex_);
    held_.erase(workflow_id);
  }
  if (auto released = leases_.Release(workflow_id, options_.owner); !released.ok()) {
    log::Warn("cannot release a workflow lease; it expires by itself",
              {{"workflow_id", workflow_id}, {"error", released.error().Describe()}});
  }
}

Result<std::optional<store::WorkflowLease>> WorkflowLeaseKeeper::Holder(const std::string& workflow_id) {
  return leases_.Get(workflow_id);
}

void WorkflowLeaseKeeper::RenewAll() {
  std::vector<std::pair<std::string, std::uint64_t>> due;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, held] : held_)
      due.emplace_back(id, held.generation);
  }
  for (const auto& [id, generation] : due) {
    const WallTime asked_at = clock_.Now();
    Settle(id, generation, leases_.Renew(id, options_.owner, options_.ttl), asked_at);
  }
}

void WorkflowLeaseKeeper::Settle(const std::string& workflow_id, std::uint64_t generation,
                                 const Result<bool>& renewed, WallTime asked_at) {
  std::stop_source lost;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(workflow_id);
    if (it == held_.end() || it->second.generation != generation) return;  // released meanwhile
    Held& held = it->second;
    if (renewed.ok() && *renewed) {
      held.expires = asked_at + options_.ttl;
      return;
    }
    if (renewed.ok()) {
      log::Warn("another process took the lease on a workflow; stopping its run here",
                {{"workflow_id", workflow_id}, {"owner", options_.owner}});
    } else if (clock_.Now() + options_.renew_interval >= held.expires) {
      // The next try would come too late: stop before another process may take the lease.
      log::Error("cannot renew a workflow lease before it expires; stopping its run here",
                 {{"workflow_id", workflow_id}, {"error", renewed.error().Describe()}});
    } else {
      log::Warn("cannot renew a workflow lease; trying again",
                {{"workflow_id", workflow_id}, {"error", renewed.error().Describe()}});
      return;
    }
    lost = std::move(held.on_lost);
    held_.erase(it);
  }
  lost.request_stop();  // outside the lock: stop callbacks may call back
}

bool WorkflowLeaseKeeper::WaitRenewInterval(std::stop_token stop) {
  return clock_.SleepFor(options_.renew_interval, stop);
}

}  // namespace reflector::engine
