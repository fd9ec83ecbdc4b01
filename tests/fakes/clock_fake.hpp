#pragma once
// Fakes of the Clock seam beyond core's ManualClock (header-only, thread-safe): RecordingClock, a
// ManualClock that records every wait, and FastClock, real time sped up, for loops that must
// really run on their own threads.

#include <chrono>
#include <mutex>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace reflector::testing {

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

// A clock that runs `kSpeed` times faster than real time and records every wait with the
// thread that asked for it.
class FastClock final : public Clock {
 public:
  static constexpr int kSpeed = 100;

  WallTime Now() const override { return start_wall_ + Scaled(); }
  SteadyTime Monotonic() const override { return start_steady_ + Scaled(); }
  bool SleepFor(std::chrono::milliseconds duration, std::stop_token stop) override {
    {
      std::lock_guard lock(mutex_);
      sleeps_.emplace_back(std::this_thread::get_id(), duration);
    }
    return real_.SleepFor(std::max(duration / kSpeed, std::chrono::milliseconds(1)), stop);
  }
  // The waits asked for by `thread`, in order.
  std::vector<std::chrono::milliseconds> SleepsOf(std::thread::id thread) const {
    std::lock_guard lock(mutex_);
    std::vector<std::chrono::milliseconds> out;
    for (const auto& [id, duration] : sleeps_) {
      if (id == thread) out.push_back(duration);
    }
    return out;
  }

 private:
  std::chrono::nanoseconds Scaled() const {
    return (std::chrono::steady_clock::now() - start_steady_) * kSpeed;
  }

  SystemClock real_;
  const WallTime start_wall_ = std::chrono::system_clock::now();
  const SteadyTime start_steady_ = std::chrono::steady_clock::now();
  mutable std::mutex mutex_;
  std::vector<std::pair<std::thread::id, std::chrono::milliseconds>> sleeps_;
};

}  // namespace reflector::testing
