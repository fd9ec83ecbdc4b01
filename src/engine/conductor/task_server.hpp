#pragma once
// The server calls of the worker runtime: ConductorTaskServer (over ConductorClient) in
// production, a small fake in unit tests of the worker's parts.

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "engine/conductor/conductor_client.hpp"

namespace reflector::engine {

// Implementations must be thread-safe: the poller, every executor thread and the lease keeper
// call at once.
class TaskServer {
 public:
  virtual ~TaskServer() = default;
  // Leases up to `count` tasks of `task_type`, waiting up to `long_poll` on the server for the
  // first one; an empty list when none. kCancelled when `stop` was requested.
  virtual Result<std::vector<PolledTask>> PollBatch(const std::string& task_type,
                                                    const std::string& worker_id, int count,
                                                    std::chrono::milliseconds long_poll,
                                                    std::stop_token stop) = 0;
  // Reports a task's status (or extends its lease). kNotFound when the task is gone.
  virtual Status UpdateTask(const TaskUpdate& update, std::stop_token stop) = 0;
  // Reports a task's final status and leases the next queued task of its type to
  // update.worker_id (Conductor's update-v2); nullopt when none is queued. A server without
  // update-v2 answers a terminal error (kNotFound, kExternal) and did not take the update.
  virtual Result<std::optional<PolledTask>> UpdateTaskAndPoll(const TaskUpdate& update,
                                                              std::stop_token stop) = 0;
  // How many tasks wait in each queue, not yet handed out, by task type (a queue never used may
  // be missing). A server that cannot tell answers a terminal error.
  virtual Result<QueueSizes> CountQueuedTasks(std::stop_token stop) = 0;
};

class ConductorTaskServer final : public TaskServer {
 public:
  // `client` must outlive this object.
  explicit ConductorTaskServer(ConductorClient& client) : client_(client) {}

  Result<std::vector<PolledTask>> PollBatch(const std::string& task_type, const std::string& worker_id,
                                            int count, std::chrono::milliseconds long_poll,
                                            std::stop_token stop) override {
    return client_.PollBatch(task_type, worker_id, count, long_poll, std::move(stop));
  }
  Status UpdateTask(const TaskUpdate& update, std::stop_token stop) override {
    return client_.UpdateTask(update, std::move(stop));
  }
  Result<std::optional<PolledTask>> UpdateTaskAndPoll(const TaskUpdate& update,
                                                      std::stop_token stop) override {
    return client_.UpdateTaskAndPoll(update, std::move(stop));
  }
  Result<QueueSizes> CountQueuedTasks(std::stop_token stop) override {
    return client_.CountQueuedTasks(std::move(stop));
  }

 private:
  ConductorClient& client_;
};

}  // namespace reflector::engine
