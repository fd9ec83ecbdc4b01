#include "engine/conductor/in_flight_tasks.hpp"

#include <utility>

#include "core/log.hpp"

namespace reflector::engine {

InFlightTasks::InFlightTasks(std::size_t capacity, Clock& clock) : capacity_(capacity), clock_(clock) {}

void InFlightTasks::Reopen() {
  std::lock_guard lock(mutex_);
  executors_exit_ = false;
  handing_back_ = false;
}

std::size_t InFlightTasks::size() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

std::size_t InFlightTasks::WaitForFreeSlots(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  slots_changed_.wait(lock, stop, [&] { return tasks_.size() < capacity_; });
  if (stop.stop_requested()) return 0;
  return capacity_ - tasks_.size();
}

void InFlightTasks::Add(std::vector<PolledTask> tasks) {
  {
    std::lock_guard lock(mutex_);
    const SteadyTime now = clock_.Monotonic();
    for (auto& task : tasks) {
      std::string id = task.task_id;
      tasks_.emplace(id, Tracked{std::move(task), std::stop_source(), now});
      waiting_.push_back(std::move(id));
    }
  }
  work_available_.notify_all();
}

std::optional<InFlightTasks::Taken> InFlightTasks::TakeNext() {
  std::unique_lock lock(mutex_);
  work_available_.wait(lock, [&] { return !waiting_.empty() || executors_exit_; });
  if (waiting_.empty()) return std::nullopt;
  std::string id = std::move(waiting_.front());
  waiting_.pop_front();
  Tracked& tracked = tasks_.at(id);
  tracked.lease_from = clock_.Monotonic();
  return Taken{tracked.task, tracked.stop.get_token()};
}

void InFlightTasks::Finish(const std::string& task_id) {
  {
    std::lock_guard lock(mutex_);
    tasks_.erase(task_id);
  }
  slots_changed_.notify_all();
}

std::optional<InFlightTasks::Taken> InFlightTasks::TakeOver(const std::string& finished, PolledTask next) {
  std::optional<Taken> taken;
  {
    std::lock_guard lock(mutex_);
    tasks_.erase(finished);
    std::string id = next.task_id;
    auto [it, added] =
        tasks_.try_emplace(id, Tracked{std::move(next), std::stop_source(), clock_.Monotonic()});
    if (added) {
      if (handing_back_) it->second.stop.request_stop();
      taken = Taken{it->second.task, it->second.stop.get_token()};
    }
  }
  if (!taken) slots_changed_.notify_all();
  return taken;
}

void InFlightTasks::CloseForExecutors() {
  {
    std::lock_guard lock(mutex_);
    executors_exit_ = true;
  }
  work_available_.notify_all();
}

std::vector<InFlightTasks::LeaseDue> InFlightTasks::TakeDueLeases(double fraction) {
  std::vector<LeaseDue> due;
  std::lock_guard lock(mutex_);
  const SteadyTime now = clock_.Monotonic();
  for (auto& [id, tracked] : tasks_) {
    auto lease = std::chrono::duration<double>(tracked.task.response_timeout_seconds * fraction);
    if (now - tracked.lease_from < lease) continue;
    tracked.lease_from = now;
    due.push_back({id, tracked.task.workflow_id});
  }
  return due;
}

bool InFlightTasks::WaitUntilEmpty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return slots_changed_.wait_for(lock, timeout, [&] { return tasks_.empty(); });
}

void InFlightTasks::StopAllAndHandBack() {
  std::lock_guard lock(mutex_);
  handing_back_ = true;
  for (auto& [id, tracked] : tasks_) {
    log::Warn(
        "stopping a task that did not finish in time",
        {{"task_id", id}, {"workflow_id", tracked.task.workflow_id}, {"task_type", tracked.task.task_type}});
    tracked.stop.request_stop();
  }
}

bool InFlightTasks::handing_back() const {
  std::lock_guard lock(mutex_);
  return handing_back_;
}

}  // namespace reflector::engine
