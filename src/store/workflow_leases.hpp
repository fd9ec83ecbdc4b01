#pragma once
// Leases on workflows: which process may run a workflow of the in-process engine when several
// processes share one database. A lease has one owner until it expires; the owner renews it
// while it runs the workflow and releases it when the run stops, and a lease whose owner died
// expires, so another process can take the workflow over.
//
// Times come from the Clock given here, so the processes sharing a database must have clocks
// that agree to well within a lease's time to live.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace reflector::store {

struct WorkflowLease {
  std::string workflow_id;
  std::string owner;      // who holds it, e.g. "host:pid:random"
  double expires_at = 0;  // Unix seconds
};

class WorkflowLeases {
 public:
  WorkflowLeases(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Gives `owner` the lease on the workflow until now + ttl when nobody holds it, its lease
  // expired, or `owner` holds it already (then it is extended); returns whether `owner` holds it
  // now. One statement, atomic on both backends: of several owners asking at once, exactly one
  // gets it. An empty id or owner, or a ttl that is not positive, is kInvalidInput.
  Result<bool> Acquire(std::string_view workflow_id, std::string_view owner, std::chrono::milliseconds ttl);
  // Extends `owner`'s lease to now + ttl (even when it expired, as long as nobody took it);
  // false when `owner` does not hold it.
  Result<bool> Renew(std::string_view workflow_id, std::string_view owner, std::chrono::milliseconds ttl);
  // Gives the lease up; nothing happens when `owner` does not hold it.
  Status Release(std::string_view workflow_id, std::string_view owner);
  // The lease on the workflow, expired or not, or nullopt when there is none.
  Result<std::optional<WorkflowLease>> Get(std::string_view workflow_id);

 private:
  Executor executor_;
  const Clock& clock_;
};

}  // namespace reflector::store
