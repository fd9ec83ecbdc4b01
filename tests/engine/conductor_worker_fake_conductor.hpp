#pragma once
// A scripted fake Conductor on the test HTTP server, for tests of the worker loop: it serves
// GET /api/tasks/poll/batch/{type} from queues the test fills and GET /api/tasks/queue/all (their
// sizes; can be turned off), answers POST /api/tasks (updates) with scripted statuses,
// optionally serves POST /api/tasks/update-v2 (the update, then the next queued task of the
// updated task's type), and records every request. With a gate for task
// functions and a clock that runs faster than real time.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "fakes/clock_fake.hpp"
#include "support/http_test_server.hpp"

namespace reflector::engine::worker_fakes {

inline constexpr std::chrono::seconds kDeadline{20};

// The value of `name` in a query string ("count=1&timeout=0"), or "".
inline std::string QueryValue(const std::string& query, const std::string& name) {
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = std::min(query.find('&', start), query.size());
    std::string pair = query.substr(start, end - start);
    if (pair.starts_with(name + "=")) return pair.substr(name.size() + 1);
    start = end + 1;
  }
  return "";
}

// A Conductor task as the server hands it out.
inline Json TaskJson(const std::string& id, const std::string& type, Json input = Json::object(),
                     int response_timeout_seconds = 3600) {
  return {{"taskId", id},
          {"workflowInstanceId", "wf-" + id},
          {"taskDefName", type},
          {"referenceTaskName", type + "_ref"},
          {"retryCount", 0},
          {"responseTimeoutSeconds", response_timeout_seconds},
          {"inputData", std::move(input)}};
}

class FakeConductor {
 public:
  struct Poll {
    std::string type;
    int count = 0;
    int timeout_ms = 0;
    std::size_t outstanding = 0;  // tasks handed out and not yet finished when the poll came
  };

  FakeConductor()
      : server_([this](const reflector::testing::TestHttpRequest& request) { return Handle(request); }) {}

  std::string ApiUrl() const { return server_.BaseUrl() + "/api"; }

  void Queue(const std::string& type, Json task) {
    std::lock_guard lock(mutex_);
    queues_[type].push_back(std::move(task));
  }
  // Statuses for the next update answers, in order; 200 once they are used up.
  void ScriptUpdateStatuses(std::vector<int> statuses) {
    std::lock_guard lock(mutex_);
    update_statuses_.assign(statuses.begin(), statuses.end());
  }
  // How POST /api/tasks/update-v2 is answered: kNoUpdateV2 (the default) as a server without it
  // (404 with an empty body); 200 served (the update is answered as POST /api/tasks is,
  // scripted statuses included, then the next queued task of its type or 204); another status
  // refuses every call with it. Every call is recorded in UpdatesV2; Updates has the updates
  // of served calls.
  static constexpr int kNoUpdateV2 = 0;
  void SetUpdateV2Status(int status) {
    std::lock_guard lock(mutex_);
    update_v2_status_ = status;
  }
  // Whether GET /api/tasks/queue/all is served (the queued tasks per type; the default), or
  // answered 404 as by a server without it.
  void ServeQueueSizes(bool served) {
    std::lock_guard lock(mutex_);
    serve_queue_sizes_ = served;
  }
  std::size_t QueueChecks() const {
    std::lock_guard lock(mutex_);
    return queue_checks_;
  }
  // Every poll is answered with `status` (200: served from the queues).
  void SetPollStatus(int status) {
    std::lock_guard lock(mutex_);
    poll_status_ = status;
  }

  std::vector<Poll> Polls() const {
    std::lock_guard lock(mutex_);
    return polls_;
  }
  // The updates taken through either endpoint (each try of a retried one), in arrival order.
  std::vector<Json> Updates() const {
    std::lock_guard lock(mutex_);
    return updates_;
  }
  // The bodies of the update-v2 calls, whatever their answer.
  std::vector<Json> UpdatesV2() const {
    std::lock_guard lock(mutex_);
    return updates_v2_;
  }
  // The ids of the tasks handed out in update-v2 answers, in order.
  std::vector<std::string> TasksFromUpdates() const {
    std::lock_guard lock(mutex_);
    return tasks_from_updates_;
  }
  std::size_t Queued(const std::string& type) const {
    std::lock_guard lock(mutex_);
    auto it = queues_.find(type);
    return it == queues_.end() ? 0 : it->second.size();
  }
  // The updates for one task, in arrival order.
  std::vector<Json> UpdatesOf(const std::string& task_id) const {
    std::vector<Json> out;
    for (const auto& update : Updates()) {
      if (update.value("taskId", "") == task_id) out.push_back(update);
    }
    return out;
  }

  bool WaitForUpdates(std::size_t count) {
    return WaitUntil([&] { return updates_.size() >= count; });
  }
  bool WaitForPolls(std::size_t count) {
    return WaitUntil([&] { return polls_.size() >= count; });
  }
  // Waits for an update of `task_id` with `status` (and extendLease when `extend_lease`).
  bool WaitForUpdate(const std::string& task_id, const std::string& status, bool extend_lease = false) {
    return WaitUntil([&] {
      return std::any_of(updates_.begin(), updates_.end(), [&](const Json& update) {
        return update.value("taskId", "") == task_id && update.value("status", "") == status &&
               update.value("extendLease", false) == extend_lease;
      });
    });
  }

 private:
  // Waits until `condition` (called with the lock held, after each request) holds; false after
  // the deadline.
  bool WaitUntil(const std::function<bool()>& condition) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kDeadline, condition);
  }

  reflector::testing::TestHttpResponse Handle(const reflector::testing::TestHttpRequest& request) {
    reflector::testing::TestHttpResponse response;
    {
      std::lock_guard lock(mutex_);
      const std::string poll_prefix = "/api/tasks/poll/batch/";
      if (request.method == "GET" && request.path.starts_with(poll_prefix)) {
        response = AnswerPoll(request.path.substr(poll_prefix.size()), request.query);
      } else if (request.method == "GET" && request.path == "/api/tasks/queue/all") {
        response = AnswerQueueSizes();
      } else if (request.method == "POST" && request.path == "/api/tasks") {
        response = AnswerUpdate(request.body);
      } else if (request.method == "POST" && request.path == "/api/tasks/update-v2") {
        response = AnswerUpdateV2(request.body);
      } else {
        response.status = 404;
      }
    }
    changed_.notify_all();
    return response;
  }

  reflector::testing::TestHttpResponse AnswerPoll(const std::string& type, const std::string& query) {
    int count = std::stoi(QueryValue(query, "count"));
    polls_.push_back({type, count, std::stoi(QueryValue(query, "timeout")), outstanding_.size()});
    if (poll_status_ != 200) return {poll_status_, {}, R"({"message": "poll refused"})", {}};
    Json tasks = Json::array();
    auto& queue = queues_[type];
    while (!queue.empty() && static_cast<int>(tasks.size()) < count)
      tasks.push_back(HandOut(type));
    return {200, {{"Content-Type", "application/json"}}, tasks.dump(), {}};
  }

  reflector::testing::TestHttpResponse AnswerQueueSizes() {
    queue_checks_++;
    if (!serve_queue_sizes_) return {404, {}, "", {}};
    Json sizes = Json::object();
    for (const auto& [type, queue] : queues_)
      sizes[type] = queue.size();
    return {200, {{"Content-Type", "application/json"}}, sizes.dump(), {}};
  }

  // Takes the first queued task of `type` (the queue must not be empty).
  Json HandOut(const std::string& type) {
    auto& queue = queues_[type];
    Json task = std::move(queue.front());
    queue.pop_front();
    const std::string id = task["taskId"].get<std::string>();
    outstanding_.insert(id);
    types_[id] = type;
    return task;
  }

  reflector::testing::TestHttpResponse AnswerUpdateV2(const std::string& body) {
    updates_v2_.push_back(Json::parse(body));
    if (update_v2_status_ == kNoUpdateV2) return {404, {}, "", {}};
    if (update_v2_status_ != 200) return {update_v2_status_, {}, R"({"message": "no update-v2 here"})", {}};
    reflector::testing::TestHttpResponse response = AnswerUpdate(body);
    if (response.status != 200) return response;
    auto type = types_.find(updates_v2_.back().value("taskId", ""));
    if (type == types_.end() || queues_[type->second].empty()) return {204, {}, "", {}};
    Json next = HandOut(type->second);
    tasks_from_updates_.push_back(next["taskId"].get<std::string>());
    return {200, {{"Content-Type", "application/json"}}, next.dump(), {}};
  }

  reflector::testing::TestHttpResponse AnswerUpdate(const std::string& body) {
    Json update = Json::parse(body);
    updates_.push_back(update);
    int status = 200;
    if (!update_statuses_.empty()) {
      status = update_statuses_.front();
      update_statuses_.pop_front();
    }
    if (status != 200) return {status, {}, R"({"message": "update refused"})", {}};
    const std::string state = update.value("status", "");
    if (state != "IN_PROGRESS" || !update.value("extendLease", false)) {
      outstanding_.erase(update.value("taskId", ""));  // finished or handed back
    }
    return {200, {{"Content-Type", "text/plain"}}, update.value("taskId", ""), {}};
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::deque<Json>> queues_;
  std::deque<int> update_statuses_;
  int poll_status_ = 200;
  int update_v2_status_ = kNoUpdateV2;
  bool serve_queue_sizes_ = true;
  std::size_t queue_checks_ = 0;
  std::set<std::string> outstanding_;
  std::map<std::string, std::string> types_;  // task id -> type, of every task handed out
  std::vector<Poll> polls_;
  std::vector<Json> updates_;
  std::vector<Json> updates_v2_;
  std::vector<std::string> tasks_from_updates_;
  reflector::testing::HttpTestServer server_;  // last: its handler uses the members above
};

// A gate task functions wait at until the test opens it (or their stop token is requested).
class Gate {
 public:
  void Open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  // True when opened; false when `stop` was requested or the deadline passed first.
  bool Wait(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, stop, kDeadline, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable_any changed_;
  bool open_ = false;
};

using testing::FastClock;

// Waits for a condition the fake server is not told about (state of the task functions).
inline bool WaitFor(const std::function<bool()>& condition) {
  auto end = std::chrono::steady_clock::now() + kDeadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace reflector::engine::worker_fakes
