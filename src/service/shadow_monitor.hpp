#pragma once
// Compares shadow runs as they end, for a long-lived process (`reflector serve`): every
// `interval` it looks at the running shadow runs of the database (its own and those other
// processes started) and calls CompareIfEnded on each. So the comparison is stored even when
// nobody waits for it, and after a restart.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <thread>

#include "service/service_context.hpp"

namespace reflector::service {

struct ShadowMonitorOptions {
  std::chrono::milliseconds interval{5000};
  std::size_t batch = 100;  // running shadow runs looked at per round, oldest first
};

class ShadowMonitor {
 public:
  // Starts the background thread; `context` (with modes holding both engines) must outlive it.
  ShadowMonitor(ServiceContext& context, ShadowMonitorOptions options = {});
  // Stops the thread (a round in progress finishes its current comparison first).
  ~ShadowMonitor();
  ShadowMonitor(const ShadowMonitor&) = delete;
  ShadowMonitor& operator=(const ShadowMonitor&) = delete;

  // One round now, on the caller's thread; returns how many comparisons it stored.
  std::size_t CheckOnce();

 private:
  void Loop(std::stop_token stop);

  ServiceContext& context_;
  ShadowMonitorOptions options_;
  std::mutex mutex_;  // one round at a time
  std::jthread thread_;
};

}  // namespace reflector::service
