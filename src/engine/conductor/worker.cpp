#include "engine/conductor/worker.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "engine/conductor/in_flight_tasks.hpp"
#include "engine/conductor/lease_keeper.hpp"
#include "engine/conductor/task_executor.hpp"
#include "engine/conductor/task_poller.hpp"
#include "engine/conductor/task_reporter.hpp"
#include "engine/conductor/task_server.hpp"

namespace reflector::engine {
namespace {

constexpr auto kStopWaitLogInterval = std::chrono::milliseconds(5000);

WorkerOptions WithWorkerId(WorkerOptions options) {
  if (options.worker_id.empty()) options.worker_id = DefaultWorkerId();
  return options;
}

Status CheckOptions(const WorkerOptions& options, const TaskRegistry& tasks) {
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

// Gives the tasks in flight `timeout` to finish and report, then stops them (a task that ends
// Cancelled is handed back) and waits for every one to end.
void Shutdown(InFlightTasks& in_flight, std::chrono::milliseconds timeout) {
  if (std::size_t tasks = in_flight.size(); tasks > 0) {
    log::Info("stopping: waiting for running tasks",
              {{"tasks", tasks}, {"deadline_s", timeout.count() / 1000.0}});
  }
  if (in_flight.WaitUntilEmpty(timeout)) return;
  in_flight.StopAllAndHandBack();
  while (!in_flight.WaitUntilEmpty(kStopWaitLogInterval)) {
    log::Warn("still waiting for tasks to stop", {{"tasks", in_flight.size()}});
  }
}

}  // namespace

std::string DefaultWorkerId() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::string name = host[0] != '\0' ? host : "localhost";
  return name + ":" + std::to_string(getpid());
}

struct ConductorWorker::State {
  State(ConductorClient& c, const TaskRegistry& t, WorkerOptions o, Clock* injected_clock)
      : client(c),
        tasks(t),
        options(WithWorkerId(std::move(o))),
        clock(injected_clock != nullptr ? *injected_clock : system_clock),
        server(c),
        in_flight(static_cast<std::size_t>(std::max(options.concurrency, 0)), clock),
        poller(server, in_flight, clock, options),
        executor(tasks, clock, options),
        reporter(server, clock, options),
        lease_keeper(server, in_flight, clock, options) {}

  // The loop of one executor thread: runs a task, reports it, frees its slot or runs the next
  // task the update's answer carried in it. After `polling` stopped, no next task is asked for.
  void ExecuteUntilClosed(std::stop_token polling) {
    while (auto taken = in_flight.TakeNext()) {
      std::optional<InFlightTasks::Taken> task = std::move(taken);
      while (task)
        task = RunAndReport(*task, polling);
    }
  }

  // The update is sent before the slot is freed: a finished task counts against the concurrency
  // until the server knows, and nothing is queued in memory that a crash could lose.
  std::optional<InFlightTasks::Taken> RunAndReport(const InFlightTasks::Taken& taken,
                                                   std::stop_token polling) {
    const std::string& id = taken.task.task_id;
    TaskUpdate update = executor.Execute(taken.task, taken.stop, [this] { return in_flight.handing_back(); });
    const bool ask_next = update.status != TaskStatus::kInProgress && !polling.stop_requested();
    if (!ask_next) {
      reporter.Send(update);  // a hand-back, or shutting down
      in_flight.Finish(id);
      return std::nullopt;
    }
    TaskReporter::Sent sent = reporter.SendAndTakeNext(update);
    if (!sent.next) {
      in_flight.Finish(id);
      return std::nullopt;
    }
    return in_flight.TakeOver(id, std::move(*sent.next));
  }

  ConductorClient& client;
  const TaskRegistry& tasks;
  const WorkerOptions options;
  SystemClock system_clock;
  Clock& clock;
  ConductorTaskServer server;
  InFlightTasks in_flight;
  TaskPoller poller;
  TaskExecutor executor;
  TaskReporter reporter;
  LeaseKeeper lease_keeper;
};

ConductorWorker::ConductorWorker(ConductorClient& client, const TaskRegistry& tasks, WorkerOptions options)
    : state_(std::make_unique<State>(client, tasks, std::move(options), nullptr)) {}

ConductorWorker::ConductorWorker(ConductorClient& client, const TaskRegistry& tasks, WorkerOptions options,
                                 Clock& clock)
    : state_(std::make_unique<State>(client, tasks, std::move(options), &clock)) {}

ConductorWorker::~ConductorWorker() = default;

const std::string& ConductorWorker::worker_id() const {
  return state_->options.worker_id;
}

WorkerStats ConductorWorker::Stats() const {
  WorkerStats stats;
  state_->poller.AddStats(stats);
  state_->executor.AddStats(stats);
  state_->reporter.AddStats(stats);
  state_->lease_keeper.AddStats(stats);
  return stats;
}

Status ConductorWorker::Run(std::stop_token stop) {
  State& s = *state_;
  REFLECTOR_TRY(CheckOptions(s.options, s.tasks));
  s.in_flight.Reopen();
  std::string types;
  for (const auto& type : s.options.task_types)
    types += (types.empty() ? "" : ",") + type;
  log::Info("worker started", {{"worker_id", s.options.worker_id},
                               {"server", s.client.base_url()},
                               {"task_types", types},
                               {"concurrency", s.options.concurrency},
                               {"next_task_from_update", s.options.next_task_from_update},
                               {"poll_only_queued_types", s.options.poll_only_queued_types}});

  std::jthread lease_keeper([&s](std::stop_token lease_stop) { s.lease_keeper.Run(lease_stop); });
  std::vector<std::jthread> executors;
  executors.reserve(static_cast<std::size_t>(s.options.concurrency));
  for (int i = 0; i < s.options.concurrency; ++i)
    executors.emplace_back([&s, stop] { s.ExecuteUntilClosed(stop); });

  s.poller.Run(stop);

  Shutdown(s.in_flight, s.options.shutdown_timeout);
  s.in_flight.CloseForExecutors();
  executors.clear();  // joins
  lease_keeper.request_stop();
  lease_keeper.join();
  WorkerStats stats = Stats();
  log::Info("worker stopped", {{"worker_id", s.options.worker_id},
                               {"completed", stats.completed},
                               {"failed", stats.failed},
                               {"handed_back", stats.handed_back},
                               {"tasks_from_updates", stats.tasks_from_updates},
                               {"updates_lost", stats.updates_lost},
                               {"polls", stats.polls},
                               {"empty_polls", stats.empty_polls},
                               {"queue_checks", stats.queue_checks}});
  return Ok();
}

}  // namespace reflector::engine
