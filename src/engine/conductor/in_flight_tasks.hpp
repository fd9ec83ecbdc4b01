#pragma once
// The tasks a worker has leased and not yet finished: waiting for an executor thread or
// running. Shared by the worker's parts (poller, executor threads, lease keeper, shutdown).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "engine/conductor/conductor_client.hpp"

namespace reflector::engine {

// At most `capacity` tasks are in flight once the poller respects WaitForFreeSlots. Each task
// has its own stop source and the time its lease was last renewed (on `clock`). Thread-safe.
class InFlightTasks {
 public:
  // `clock` must outlive this object.
  InFlightTasks(std::size_t capacity, Clock& clock);

  // Ready for a new Run: executor threads wait again and tasks are not handed back.
  void Reopen();
  [[nodiscard]] std::size_t size() const;

  // Poller. Blocks until fewer than `capacity` tasks are in flight and returns the number of
  // free slots, or 0 once `stop` is requested.
  std::size_t WaitForFreeSlots(std::stop_token stop);
  // Adds polled tasks, to be taken in this order; their leases count from now.
  void Add(std::vector<PolledTask> tasks);

  // Executor threads. The next waiting task with its stop token (its lease counts from now),
  // or nullopt once CloseForExecutors was called and no task waits.
  struct Taken {
    PolledTask task;
    std::stop_token stop;
  };
  std::optional<Taken> TakeNext();
  // Frees the slot of a task returned by TakeNext (or TakeOver).
  void Finish(const std::string& task_id);
  // Gives the slot of `finished` (returned by TakeNext or TakeOver, and reported) to `next`, the
  // task its update's answer carried, for the same executor thread to run at once: it never
  // waits in the queue, and the free slots do not change. Its lease counts from now; while the
  // worker hands back, its stop is requested at once. nullopt (and the slot freed) when `next`
  // is in flight already.
  std::optional<Taken> TakeOver(const std::string& finished, PolledTask next);
  void CloseForExecutors();

  // Lease keeper. The tasks (waiting or running) whose lease was renewed at least
  // `fraction` x responseTimeoutSeconds ago; their leases count from now.
  struct LeaseDue {
    std::string task_id;
    std::string workflow_id;
  };
  std::vector<LeaseDue> TakeDueLeases(double fraction);

  // Shutdown. Waits up to `timeout` (real time) until no task is in flight; true when none is.
  bool WaitUntilEmpty(std::chrono::milliseconds timeout);
  // Requests the stop of every task in flight; from now on a task that ends Cancelled is
  // handed back to the server (see handing_back).
  void StopAllAndHandBack();
  [[nodiscard]] bool handing_back() const;

 private:
  struct Tracked {
    PolledTask task;
    std::stop_source stop;
    SteadyTime lease_from;
  };

  const std::size_t capacity_;
  Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable_any slots_changed_;
  std::condition_variable work_available_;
  std::deque<std::string> waiting_;       // task ids in poll order
  std::map<std::string, Tracked> tasks_;  // by task id
  bool executors_exit_ = false;
  bool handing_back_ = false;
};

}  // namespace reflector::engine
