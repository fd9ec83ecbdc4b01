#pragma once
// A fake of the worker runtime's TaskServer seam (engine/conductor/task_server.hpp), header-only:
// the server side of the Conductor worker, scripted by the test.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/conductor/task_server.hpp"

namespace reflector::testing {

struct PollCall {
  std::string type;
  int count = 0;
  std::chrono::milliseconds long_poll{0};
};

// The server side of the worker, scripted by the test: `poll`, `update`, `update_v2` and
// `queue_sizes` answer each call (on the caller's thread); every call is recorded first (updates
// and update-v2 calls apart; queue checks counted).
class FakeTaskServer final : public engine::TaskServer {
 public:
  std::function<Result<std::vector<engine::PolledTask>>(const PollCall&)> poll = [](const PollCall&) {
    return Result<std::vector<engine::PolledTask>>(std::vector<engine::PolledTask>{});
  };
  std::function<Status(const engine::TaskUpdate&)> update = [](const engine::TaskUpdate&) {
    return Status(Ok());
  };
  std::function<Result<std::optional<engine::PolledTask>>(const engine::TaskUpdate&)> update_v2 =
      [](const engine::TaskUpdate&) {
        return Result<std::optional<engine::PolledTask>>(std::optional<engine::PolledTask>{});
      };
  // By default the server cannot tell which queues hold tasks (as one without GET /tasks/queue/all).
  std::function<Result<engine::QueueSizes>()> queue_sizes = [] {
    return Result<engine::QueueSizes>(Error::NotFound("no queue sizes here"));
  };

  Result<std::vector<engine::PolledTask>> PollBatch(const std::string& task_type,
                                                    const std::string& /*worker_id*/, int count,
                                                    std::chrono::milliseconds long_poll,
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
  Status UpdateTask(const engine::TaskUpdate& task_update, std::stop_token /*stop*/) override {
    {
      std::lock_guard lock(mutex_);
      updates_.push_back(task_update);
    }
    changed_.notify_all();
    return update(task_update);
  }

  Result<std::optional<engine::PolledTask>> UpdateTaskAndPoll(const engine::TaskUpdate& task_update,
                                                              std::stop_token /*stop*/) override {
    {
      std::lock_guard lock(mutex_);
      updates_v2_.push_back(task_update);
    }
    changed_.notify_all();
    return update_v2(task_update);
  }

  Result<engine::QueueSizes> CountQueuedTasks(std::stop_token stop) override {
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
  std::vector<engine::TaskUpdate> Updates() const {
    std::lock_guard lock(mutex_);
    return updates_;
  }
  std::vector<engine::TaskUpdate> UpdatesV2() const {
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
  std::vector<engine::TaskUpdate> updates_;
  std::vector<engine::TaskUpdate> updates_v2_;
  int queue_checks_ = 0;
};

}  // namespace reflector::testing
