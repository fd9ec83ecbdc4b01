#pragma once
// What the tests of background runs share (local_engine_test, workflow_lease_test,
// in_process_store_outage_test): the workflow "two" of tasks "first" then "second", a gate the
// tasks wait on, and a bounded wait on a counter.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

#include "engine/definitions.hpp"

namespace reflector::engine {

// Definitions of the workflow "two": task "first" (reference "a"), then "second" ("b").
inline DefinitionRegistry TwoTaskDefinitions() {
  DefinitionRegistry registry;
  registry.workflows["two"] = ParseWorkflowDef(Json::parse(R"({"name": "two", "schemaVersion": 2, "tasks": [
      {"name": "first", "taskReferenceName": "a"},
      {"name": "second", "taskReferenceName": "b"}]})"))
                                  .value();
  for (const char* name : {"first", "second"}) {
    TaskDef task;
    task.name = name;
    registry.task_defs[name] = task;
  }
  return registry;
}

// A latch the tasks wait on, so a test decides when they finish.
class Gate {
 public:
  void Open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    cv_.notify_all();
  }
  // Waits until open; false when `stop` came first.
  bool Wait(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    return cv_.wait(lock, stop, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable_any cv_;
  bool open_ = false;
};

// Polls until `count` reaches `value`; false after 20 s.
inline bool WaitFor(const std::atomic<int>& count, int value) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (count.load() < value) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace reflector::engine
