#pragma once
// Test doubles for the parts of the Conductor worker runtime (engine/conductor/): a manual clock
// that records every wait, a scripted TaskServer, and small builders.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "engine/conductor/task_server.hpp"
#include "engine/conductor/worker_options.hpp"

namespace reflector::engine::worker_fakes {

// A ManualClock that also records each wait it was asked for (stopped waits are not recorded).
// A wait that would take it past a day returns false as if stopped, so that a broken loop fails
// its test instead of hanging it.
class RecordingClock final : public Clock {
 public:
  WallTime Now() const override { return clock_.Now(); }
  SteadyTime Monotonic() const override { return clock_.Monotonic(); }
  bool SleepFor(std::chrono::milliseconds duration, std::stop_token stop) override {
    if (Elapsed() + duration > std::chrono::hours(24)) return false;
    if (!clock_.SleepFor(duration, stop)) return false;
    std::lock_guard lock(mutex_);
    sleeps_.push_back(duration);
    return true;
  }
  void Advance(std::chrono::milliseconds duration) { clock_.Advance(duration); }
  std::vector<std::chrono::milliseconds> Sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }
  // Time since the clock was created.
  std::chrono::milliseconds Elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Monotonic() - start_);
  }

 private:
  ManualClock clock_;
  const SteadyTime start_ = clock_.Monotonic();
  mutable std::mutex mutex_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

struct PollCall {
  std::string type;
  int count = 0;
  std::chrono::milliseconds long_poll{0};
};

// The server side of the worker, scripted by the test: `poll`, `update`, `update_v2` and
// `queue_sizes` answer each call (on the caller's thread); every call is recorded first (updates
// and update-v2 calls apart; queue checks counted).
class FakeTaskServer final : public TaskServer {
 public:
  std::function<Result<std::vector<PolledTask>>(const PollCall&)> poll = [](const PollCall&) {
    return Result<std::vector<PolledTask>>(std::vector<PolledTask>{});
  };
  std::function<Status(const TaskUpdate&)> update = [](const TaskUpdate&) { return Status(Ok()); };
  std::function<Result<std::optional<PolledTask>>(const TaskUpdate&)> update_v2 = [](const TaskUpdate&) {
    return Result<std::optional<PolledTask>>(std::optional<PolledTask>{});
  };
  // By default the server cannot tell which queues hold tasks (as one without GET /tasks/queue/all).
  std::function<Result<QueueSizes>()> queue_sizes = [] {
    return Result<QueueSizes>(Error::NotFound("no queue sizes here"));
  };

  Result<std::vector<PolledTask>> PollBatch(const std::string& task_type, const std::string& /*worker_id*/,
                                            int count, std::chrono::milliseconds long_poll,
                                            std::stop_token stop) override {
    if (stop.stop_requested()) return Error::Cancelled();
    PollCall call{task_type, count, long_poll};
    {
      std::lock_guard lock(mutex_);
      polls_.push_back(call);
    }
    changed_.notify_all();
    return poll(call);
  }
  Status UpdateTask(const TaskUpdate& task_update, std::stop_token /*stop*/) override {
    {
      std::lock_guard lock(mutex_);
      updates_.push_back(task_update);
    }
    changed_.notify_all();
    return update(task_update);
  }

  Result<std::optional<PolledTask>> UpdateTaskAndPoll(const TaskUpdate& task_update,
                                                      std::stop_token /*stop*/) override {
    {
      std::lock_guard lock(mutex_);
      updates_v2_.push_back(task_update);
    }
    changed_.notify_all();
    return update_v2(task_update);
  }

  Result<QueueSizes> CountQueuedTasks(std::stop_token stop) override {
    if (stop.stop_requested()) return Error::Cancelled();
    {
      std::lock_guard lock(mutex_);
      queue_checks_++;
    }
    return queue_sizes();
  }

  std::vector<PollCall> Polls() const {
    std::lock_guard lock(mutex_);
    return polls_;
  }
  std::vector<TaskUpdate> Updates() const {
    std::lock_guard lock(mutex_);
    return updates_;
  }
  std::vector<TaskUpdate> UpdatesV2() const {
    std::lock_guard lock(mutex_);
    return updates_v2_;
  }
  int QueueChecks() const {
    std::lock_guard lock(mutex_);
    return queue_checks_;
  }
  // Waits (real time, bounded) until at least `count` polls were made.
  bool WaitForPolls(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return polls_.size() >= count; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<PollCall> polls_;
  std::vector<TaskUpdate> updates_;
  std::vector<TaskUpdate> updates_v2_;
  int queue_checks_ = 0;
};

inline PolledTask Task(const std::string& id, int response_timeout_seconds = 3600,
                       const std::string& type = "echo") {
  PolledTask task;
  task.task_id = id;
  task.workflow_id = "wf-" + id;
  task.task_type = type;
  task.reference_name = type + "_ref";
  task.response_timeout_seconds = response_timeout_seconds;
  task.input = {{"id", id}};
  return task;
}

inline WorkerOptions Options(std::vector<std::string> types = {"echo"}, int concurrency = 2) {
  WorkerOptions options;
  options.task_types = std::move(types);
  options.concurrency = concurrency;
  options.worker_id = "parts";
  return options;
}

inline WorkerStats StatsOf(const auto& part) {
  WorkerStats stats;
  part.AddStats(stats);
  return stats;
}

}  // namespace reflector::engine::worker_fakes
