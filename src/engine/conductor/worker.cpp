#include "engine/conductor/worker.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "core/log.hpp"

namespace reflector::engine {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstIdleWait{10};
constexpr milliseconds kFirstPollErrorWait{1000};
constexpr milliseconds kMaxPollErrorWait{30000};
constexpr milliseconds kMaxUpdateWait{30000};
constexpr auto kStopWaitLogInterval = std::chrono::seconds(5);

// Sleeps for `duration` unless `stop` is requested first. Returns false when stopped.
bool SleepFor(milliseconds duration, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any cv;
  std::unique_lock lock(mutex);
  return !cv.wait_for(lock, stop, duration, [] { return false; }) && !stop.stop_requested();
}

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Records the last reported fraction; the lease is kept alive by time, not by reports (see the
// header), so a task that reports nothing for a while is not mistaken for a dead worker.
class TaskProgress final : public ProgressSink {
 public:
  void Report(double fraction, std::string_view /*detail*/) override { fraction_.store(fraction); }
  double fraction() const { return fraction_.load(); }

 private:
  std::atomic<double> fraction_{0};
};

struct Tracked {
  PolledTask task;
  std::stop_source stop;
  SteadyClock::time_point lease_from = SteadyClock::now();
  bool running = false;
};

}  // namespace

std::string DefaultWorkerId() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::string name = host[0] != '\0' ? host : "localhost";
  return name + ":" + std::to_string(getpid());
}

struct ConductorWorker::State {
  State(ConductorClient& c, const TaskRegistry& t, WorkerOptions o)
      : client(c), tasks(t), options(std::move(o)) {
    if (options.worker_id.empty()) options.worker_id = DefaultWorkerId();
  }

  ConductorClient& client;
  const TaskRegistry& tasks;
  WorkerOptions options;

  // Tasks polled and not yet finished: waiting for an executor or running.
  std::mutex mutex;
  std::condition_variable_any slots_changed;
  std::condition_variable work_available;
  std::deque<std::string> waiting;           // task ids in poll order
  std::map<std::string, Tracked> in_flight;  // by task id
  bool executors_exit = false;
  bool handing_back = false;

  struct Counters {
    std::atomic<std::uint64_t> polls{0}, empty_polls{0}, poll_errors{0}, started{0}, completed{0}, failed{0},
        handed_back{0}, leases_extended{0}, update_retries{0}, updates_lost{0};
  } counters;

  Status CheckOptions() const;
  void Poll(std::stop_token stop);
  void Execute();
  void RunOne(Tracked& tracked, TaskProgress& progress);
  void Report(const TaskUpdate& update);
  void KeepLeases(std::stop_token stop);
  bool SendWithRetries(const TaskUpdate& update);
  void Shutdown();
  std::size_t InFlight() {
    std::lock_guard lock(mutex);
    return in_flight.size();
  }
};

Status ConductorWorker::State::CheckOptions() const {
  if (options.task_types.empty()) return Error::InvalidInput("worker: no task types to poll");
  if (options.concurrency < 1) {
    return Error::InvalidInput("worker: concurrency must be at least 1 (got " +
                               std::to_string(options.concurrency) + ")");
  }
  for (const auto& type : options.task_types) {
    if (tasks.Find(type) == nullptr) {
      return Error::InvalidInput("worker: no task function is registered for task type '" + type + "'");
    }
  }
  if (options.lease_fraction <= 0 || options.lease_fraction >= 1) {
    return Error::InvalidInput("worker: lease_fraction must be between 0 and 1");
  }
  return Ok();
}

void ConductorWorker::State::Poll(std::stop_token stop) {
  const auto& types = options.task_types;
  const bool single_type = types.size() == 1;
  std::size_t first_type = 0;
  milliseconds idle_wait{0};
  milliseconds error_wait{0};
  while (!stop.stop_requested()) {
    std::size_t free_slots = 0;
    {
      std::unique_lock lock(mutex);
      slots_changed.wait(lock, stop,
                         [&] { return in_flight.size() < static_cast<std::size_t>(options.concurrency); });
      if (stop.stop_requested()) break;
      free_slots = options.concurrency - in_flight.size();
    }
    bool received = false;
    bool failed = false;
    bool waited_on_server = false;
    for (std::size_t i = 0; i < types.size() && free_slots > 0 && !stop.stop_requested(); ++i) {
      const std::string& type = types[(first_type + i) % types.size()];
      // A single type waits on the server for one task (the server answers as soon as one is
      // there), then takes what else is queued without waiting. Several types never wait there.
      bool wait_on_server = single_type && !received;
      milliseconds long_poll = wait_on_server ? options.long_poll : milliseconds{0};
      int count = wait_on_server ? 1 : static_cast<int>(free_slots);
      auto poll_start = SteadyClock::now();
      auto polled = client.PollBatch(type, options.worker_id, count, long_poll, stop);
      counters.polls++;
      if (!polled) {
        if (polled.error().kind == ErrorKind::kCancelled) break;
        counters.poll_errors++;
        error_wait =
            error_wait.count() == 0 ? kFirstPollErrorWait : std::min(error_wait * 2, kMaxPollErrorWait);
        log::Warn("poll failed", {{"task_type", type},
                                  {"error", polled.error().message},
                                  {"retry_in_s", error_wait.count() / 1000.0}});
        failed = true;
        break;
      }
      error_wait = milliseconds{0};
      if (polled->empty()) {
        counters.empty_polls++;
        if (long_poll.count() > 0 && SteadyClock::now() - poll_start >= long_poll / 2)
          waited_on_server = true;
        continue;
      }
      received = true;
      {
        std::lock_guard lock(mutex);
        for (auto& task : *polled) {
          std::string id = task.task_id;
          Tracked tracked;
          tracked.task = std::move(task);
          in_flight.emplace(id, std::move(tracked));
          waiting.push_back(id);
        }
        free_slots = polled->size() >= free_slots ? 0 : free_slots - polled->size();
      }
      work_available.notify_all();
      if (single_type && free_slots > 0) --i;  // the same type again, without waiting
    }
    first_type = (first_type + 1) % types.size();
    if (failed) {
      SleepFor(error_wait, stop);
    } else if (received) {
      idle_wait = milliseconds{0};
    } else if (!waited_on_server) {
      idle_wait =
          idle_wait.count() == 0 ? kFirstIdleWait : std::min(idle_wait * 2, options.max_idle_interval);
      SleepFor(idle_wait, stop);
    }
  }
}

void ConductorWorker::State::Execute() {
  for (;;) {
    Tracked* tracked = nullptr;
    {
      std::unique_lock lock(mutex);
      work_available.wait(lock, [&] { return !waiting.empty() || executors_exit; });
      if (waiting.empty()) return;
      std::string id = waiting.front();
      waiting.pop_front();
      tracked = &in_flight.at(id);  // map nodes are stable; only this thread erases it
      tracked->running = true;
      tracked->lease_from = SteadyClock::now();
    }
    TaskProgress progress;
    RunOne(*tracked, progress);
    {
      std::lock_guard lock(mutex);
      in_flight.erase(tracked->task.task_id);
    }
    slots_changed.notify_all();
  }
}

void ConductorWorker::State::RunOne(Tracked& tracked, TaskProgress& progress) {
  const PolledTask& task = tracked.task;
  counters.started++;
  log::Info("task started", {{"task_type", task.task_type},
                             {"task_id", task.task_id},
                             {"workflow_id", task.workflow_id},
                             {"attempt", task.retry_count + 1}});
  auto start = SteadyClock::now();

  TaskExecution execution;
  execution.workflow_id = task.workflow_id;
  execution.task_id = task.task_id;
  execution.reference_name = task.reference_name;
  execution.task_name = task.task_type;
  execution.retry_count = task.retry_count;
  execution.input = task.input;
  execution.stop = tracked.stop.get_token();
  execution.progress = &progress;

  Result<Json> result = Error::Internal("task did not run");
  const TaskFunction* function = tasks.Find(task.task_type);
  if (function == nullptr) {
    result = Error::Terminal(ErrorKind::kInvalidInput,
                             "this worker has no function for task type '" + task.task_type + "'");
  } else {
    try {
      result = (*function)(execution);
    } catch (const std::exception& e) {
      result = Error::Transient(ErrorKind::kInternal, "task " + task.task_type + " threw: " + e.what());
    } catch (...) {
      result = Error::Transient(ErrorKind::kInternal,
                                "task " + task.task_type + " threw a non-standard exception");
    }
  }

  TaskUpdate update;
  update.task_id = task.task_id;
  update.workflow_id = task.workflow_id;
  update.worker_id = options.worker_id;
  bool hand_back = false;
  {
    std::lock_guard lock(mutex);
    hand_back = handing_back && !result && result.error().kind == ErrorKind::kCancelled;
  }
  if (hand_back) {
    update.status = TaskStatus::kInProgress;
    update.callback_after_seconds = 0;
    update.reason = "worker " + options.worker_id + " shut down; task handed back";
    counters.handed_back++;
  } else {
    TaskOutcome outcome = ToOutcome(result);
    std::string output = outcome.output.dump();
    if (outcome.status == TaskStatus::kCompleted && output.size() > options.max_output_bytes) {
      outcome.status = TaskStatus::kFailedWithTerminalError;
      outcome.reason = "task " + task.task_type + " output is " + std::to_string(output.size()) +
                       " bytes; outputs must stay under " + std::to_string(options.max_output_bytes) +
                       " bytes (large data belongs in storage)";
      outcome.output = Json::object();
    }
    update.status = outcome.status;
    update.output = std::move(outcome.output);
    update.reason = outcome.reason;
    (outcome.status == TaskStatus::kCompleted ? counters.completed : counters.failed)++;
  }
  if (!update.reason.empty()) update.logs.push_back(update.reason);
  const bool completed = update.status == TaskStatus::kCompleted;
  log::Write(completed ? log::Level::kInfo : log::Level::kWarn, "task finished",
             {{"task_type", task.task_type},
              {"task_id", task.task_id},
              {"workflow_id", task.workflow_id},
              {"attempt", task.retry_count + 1},
              {"status", ToString(update.status)},
              {"seconds", SecondsSince(start)},
              {"reason", update.reason}});
  Report(update);
}

bool ConductorWorker::State::SendWithRetries(const TaskUpdate& update) {
  milliseconds wait = options.update_backoff;
  for (int attempt = 1; attempt <= options.update_attempts; ++attempt) {
    Status sent = client.UpdateTask(update);
    if (sent.ok()) return true;
    const Error& error = sent.error();
    if (error.kind == ErrorKind::kNotFound || !error.retryable) {
      log::Warn("task update refused; dropped",
                {{"task_id", update.task_id}, {"workflow_id", update.workflow_id}, {"error", error.message}});
      return false;
    }
    if (attempt == options.update_attempts) break;
    counters.update_retries++;
    log::Warn("task update failed; retrying", {{"task_id", update.task_id},
                                               {"workflow_id", update.workflow_id},
                                               {"attempt", attempt},
                                               {"retry_in_s", wait.count() / 1000.0},
                                               {"error", error.message}});
    std::this_thread::sleep_for(wait);
    wait = std::min(wait * 2, kMaxUpdateWait);
  }
  counters.updates_lost++;
  log::Error("task update lost after every attempt; the server will time the task out",
             {{"task_id", update.task_id}, {"workflow_id", update.workflow_id}});
  return false;
}

void ConductorWorker::State::Report(const TaskUpdate& update) {
  // Sent by the executor thread before its slot is freed: a finished task counts against the
  // concurrency until the server knows, and nothing is queued in memory that a crash could lose.
  SendWithRetries(update);
}

void ConductorWorker::State::KeepLeases(std::stop_token stop) {
  while (SleepFor(options.lease_check_interval, stop)) {
    std::vector<TaskUpdate> due;
    {
      std::lock_guard lock(mutex);
      auto now = SteadyClock::now();
      for (auto& [id, tracked] : in_flight) {
        auto lease =
            std::chrono::duration<double>(tracked.task.response_timeout_seconds * options.lease_fraction);
        if (now - tracked.lease_from < lease) continue;
        tracked.lease_from = now;
        TaskUpdate update;
        update.task_id = id;
        update.workflow_id = tracked.task.workflow_id;
        update.worker_id = options.worker_id;
        update.status = TaskStatus::kInProgress;
        update.extend_lease = true;
        due.push_back(std::move(update));
      }
    }
    for (const auto& update : due) {
      Status sent = client.UpdateTask(update, stop);
      if (!sent.ok() && sent.error().kind != ErrorKind::kCancelled) {
        sent = client.UpdateTask(update, stop);  // one more try; the next check comes soon
      }
      if (sent.ok()) {
        counters.leases_extended++;
        log::Debug("lease extended", {{"task_id", update.task_id}, {"workflow_id", update.workflow_id}});
      } else {
        log::Warn("lease extension failed", {{"task_id", update.task_id},
                                             {"workflow_id", update.workflow_id},
                                             {"error", sent.error().message}});
      }
    }
  }
}

void ConductorWorker::State::Shutdown() {
  std::unique_lock lock(mutex);
  if (!in_flight.empty()) {
    log::Info("stopping: waiting for running tasks",
              {{"tasks", in_flight.size()}, {"deadline_s", options.shutdown_timeout.count() / 1000.0}});
  }
  bool finished = slots_changed.wait_for(lock, options.shutdown_timeout, [&] { return in_flight.empty(); });
  if (finished) return;
  handing_back = true;
  for (auto& [id, tracked] : in_flight) {
    log::Warn(
        "stopping a task that did not finish in time",
        {{"task_id", id}, {"workflow_id", tracked.task.workflow_id}, {"task_type", tracked.task.task_type}});
    tracked.stop.request_stop();
  }
  while (!slots_changed.wait_for(lock, kStopWaitLogInterval, [&] { return in_flight.empty(); })) {
    log::Warn("still waiting for tasks to stop", {{"tasks", in_flight.size()}});
  }
}

ConductorWorker::ConductorWorker(ConductorClient& client, const TaskRegistry& tasks, WorkerOptions options)
    : state_(std::make_unique<State>(client, tasks, std::move(options))) {}

ConductorWorker::~ConductorWorker() = default;

const std::string& ConductorWorker::worker_id() const {
  return state_->options.worker_id;
}

WorkerStats ConductorWorker::Stats() const {
  const auto& c = state_->counters;
  WorkerStats stats;
  stats.polls = c.polls;
  stats.empty_polls = c.empty_polls;
  stats.poll_errors = c.poll_errors;
  stats.started = c.started;
  stats.completed = c.completed;
  stats.failed = c.failed;
  stats.handed_back = c.handed_back;
  stats.leases_extended = c.leases_extended;
  stats.update_retries = c.update_retries;
  stats.updates_lost = c.updates_lost;
  return stats;
}

Status ConductorWorker::Run(std::stop_token stop) {
  State& s = *state_;
  REFLECTOR_TRY(s.CheckOptions());
  {
    std::lock_guard lock(s.mutex);
    s.executors_exit = false;
    s.handing_back = false;
  }
  std::string types;
  for (const auto& type : s.options.task_types)
    types += (types.empty() ? "" : ",") + type;
  log::Info("worker started", {{"worker_id", s.options.worker_id},
                               {"server", s.client.base_url()},
                               {"task_types", types},
                               {"concurrency", s.options.concurrency}});

  std::jthread lease_keeper([&s](std::stop_token lease_stop) { s.KeepLeases(lease_stop); });
  std::vector<std::jthread> executors;
  for (int i = 0; i < s.options.concurrency; ++i)
    executors.emplace_back([&s] { s.Execute(); });

  s.Poll(stop);

  s.Shutdown();
  {
    std::lock_guard lock(s.mutex);
    s.executors_exit = true;
  }
  s.work_available.notify_all();
  executors.clear();  // joins
  lease_keeper.request_stop();
  lease_keeper.join();
  WorkerStats stats = Stats();
  log::Info("worker stopped", {{"worker_id", s.options.worker_id},
                               {"completed", stats.completed},
                               {"failed", stats.failed},
                               {"handed_back", stats.handed_back},
                               {"updates_lost", stats.updates_lost}});
  return Ok();
}

}  // namespace reflector::engine
