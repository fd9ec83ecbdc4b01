#pragma once
// Small builders for the tests of the Conductor worker runtime's parts (engine/conductor/), and
// the fakes they use: the scripted TaskServer (tests/fakes/task_server_fake.hpp) and a manual
// clock that records every wait (tests/fakes/clock_fake.hpp).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/conductor/worker_options.hpp"
#include "fakes/clock_fake.hpp"
#include "fakes/task_server_fake.hpp"

namespace reflector::engine::worker_fakes {

using testing::FakeTaskServer;
using testing::PollCall;
using testing::RecordingClock;

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
