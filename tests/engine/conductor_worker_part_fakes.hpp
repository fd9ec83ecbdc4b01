#pragma once
// Test doubles for the parts of the Conductor worker runtime (engine/conductor/): a manual clock
// that records every wait and small builders; the scripted TaskServer is the seam's fake,
// tests/fakes/task_server_fake.hpp.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "engine/conductor/worker_options.hpp"
#include "fakes/task_server_fake.hpp"

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

using testing::FakeTaskServer;
using testing::PollCall;

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
