#pragma once
// Fakes of the ProgressSink seam (header-only) for tests that watch long work.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <string_view>
#include <vector>

#include "core/progress.hpp"

namespace reflector::testing {

// Records every fraction reported, in order. Not thread-safe: for work that reports from the
// calling thread only.
class RecordingSink final : public ProgressSink {
 public:
  void Report(double fraction, std::string_view /*detail*/) override { fractions.push_back(fraction); }
  std::vector<double> fractions;
};

// Asks to stop at the first report, which every long call makes once it has started.
class StopOnFirstReport final : public ProgressSink {
 public:
  explicit StopOnFirstReport(std::stop_source& source) : source_(source) {}
  void Report(double /*fraction*/, std::string_view /*detail*/) override { source_.request_stop(); }

 private:
  std::stop_source& source_;
};

// Counts reports and keeps the last fraction; thread-safe, as ProgressSink requires of sinks fed
// from heartbeat threads.
class CountingSink final : public ProgressSink {
 public:
  void Report(double fraction, std::string_view /*detail*/) override {
    std::lock_guard lock(mutex_);
    ++count_;
    last_ = fraction;
    changed_.notify_all();
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }
  // The last fraction reported; -1 before any report.
  double last() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  // Waits until at least `count` reports arrived; false when `timeout` passed first.
  bool WaitForCount(int count, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return count_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
  double last_ = -1;
};

}  // namespace reflector::testing
