#pragma once
// The leases of the workflows this process runs (store::WorkflowLeases), so that several
// processes sharing one database never run the same workflow: a run starts only after its lease
// was taken, the lease is renewed while the run goes on, and it is released when the run stops.
// A process that dies renews nothing, so its leases expire and another process can resume its
// workflows.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/workflow_leases.hpp"

namespace reflector::engine {

struct WorkflowLeaseOptions {
  std::string owner;                                 // who holds the leases; DefaultLeaseOwner() when empty
  std::chrono::milliseconds ttl{30'000};             // how long a lease lasts without renewal
  std::chrono::milliseconds renew_interval{10'000};  // how often held leases are renewed (< ttl)
};

// "<host>:<pid>:<random>", different for every call.
std::string DefaultLeaseOwner();

// Thread-safe.
class WorkflowLeaseKeeper {
 public:
  // `leases` and `clock` must outlive the keeper. A renew_interval that is not below the ttl
  // becomes a third of it.
  WorkflowLeaseKeeper(store::WorkflowLeases& leases, Clock& clock, WorkflowLeaseOptions options = {});

  [[nodiscard]] const std::string& owner() const { return options_.owner; }

  // Takes the lease on the workflow for this owner; true when it holds the lease now, false when
  // another owner's lease is live. While it is held, `on_lost` is stopped if a renewal finds the
  // lease taken by another owner, or if renewals fail until the next one would come after the
  // lease expired.
  Result<bool> Acquire(const std::string& workflow_id, std::stop_source on_lost);
  // Gives the lease up. A failure is only logged: the lease expires anyway.
  void Release(const std::string& workflow_id);
  // The lease on the workflow, for messages (whoever holds it).
  Result<std::optional<store::WorkflowLease>> Holder(const std::string& workflow_id);

  // Renews every lease held now, once; stops the runs whose lease was lost.
  void RenewAll();
  // Waits one renew_interval on the clock; false when `stop` was requested. The owner of the
  // keeper calls RenewAll after each wait (LocalEngine does, on its own thread).
  bool WaitRenewInterval(std::stop_token stop);

 private:
  struct Held {
    std::uint64_t generation = 0;  // tells a lease taken again apart from the one a renewal read
    std::stop_source on_lost;
    WallTime expires;  // as far as this process knows
  };
  // Applies one renewal's outcome to the lease, if it is still the one renewed.
  void Settle(const std::string& workflow_id, std::uint64_t generation, const Result<bool>& renewed,
              WallTime asked_at);

  store::WorkflowLeases& leases_;
  Clock& clock_;
  WorkflowLeaseOptions options_;
  std::mutex mutex_;
  std::map<std::string, Held> held_;
  std::uint64_t next_generation_ = 1;
};

}  // namespace reflector::engine
