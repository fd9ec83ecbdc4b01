// worker_bench: runs our Conductor worker runtime (ConductorWorker) with a no-op task function
// for one task type until SIGTERM or SIGINT, then prints the worker's counters as one JSON
// object on stdout. Driven by `scripts/bench conductor` (bench/conductor/conductor_bench.py),
// which starts the workflows and reads the timings from the server.
//
//   worker_bench --server http://127.0.0.1:8080/api --task-type bench_noop_ours
//                [--concurrency 8] [--long-poll-ms N] [--max-idle-ms N] [--update-v2 on|off]
//                [--log-level info]
//
// Without --long-poll-ms / --max-idle-ms / --update-v2 the WorkerOptions defaults are used, as
// in `reflector worker` (--update-v2 off: every task is polled, as before update-v2 was used).

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "core/json.hpp"
#include "core/log.hpp"
#include "engine/conductor/conductor_client.hpp"
#include "engine/conductor/worker.hpp"
#include "net/http_client.hpp"

using namespace reflector;  // NOLINT(google-build-using-namespace): a benchmark's main file

namespace {

volatile std::sig_atomic_t g_signalled = 0;

extern "C" void OnSignal(int /*signal*/) {
  g_signalled = 1;
}

int Usage(std::string_view problem) {
  std::cerr << "worker_bench: " << problem << "\n"
            << "usage: worker_bench --server URL --task-type NAME [--concurrency N] [--long-poll-ms N]\n"
            << "                    [--max-idle-ms N] [--update-v2 on|off]\n"
            << "                    [--log-level trace|debug|info|warn|error|off]\n";
  return 2;
}

bool ParseInt(std::string_view text, int minimum, int& value) {
  char* end = nullptr;
  std::string copy(text);
  long parsed = std::strtol(copy.c_str(), &end, 10);
  if (copy.empty() || *end != '\0' || parsed < minimum || parsed > 1000000) return false;
  value = static_cast<int>(parsed);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string server;
  std::string task_type;
  std::string log_level = "info";
  engine::WorkerOptions options;
  options.concurrency = 8;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc) return Usage("missing value after " + std::string(arg));
    std::string_view value = argv[++i];
    int number = 0;
    if (arg == "--server") {
      server = value;
    } else if (arg == "--task-type") {
      task_type = value;
    } else if (arg == "--log-level") {
      log_level = value;
    } else if (arg == "--concurrency" && ParseInt(value, 1, number)) {
      options.concurrency = number;
    } else if (arg == "--long-poll-ms" && ParseInt(value, 0, number)) {
      options.long_poll = std::chrono::milliseconds(number);
    } else if (arg == "--max-idle-ms" && ParseInt(value, 1, number)) {
      options.max_idle_interval = std::chrono::milliseconds(number);
    } else if (arg == "--update-v2" && (value == "on" || value == "off")) {
      options.next_task_from_update = value == "on";
    } else {
      return Usage("bad option or value: " + std::string(arg) + " " + std::string(value));
    }
  }
  if (server.empty() || task_type.empty()) return Usage("--server and --task-type are required");
  auto level = log::ParseLevel(log_level);
  if (!level) return Usage(level.error().message);
  log::SetLevel(*level);

  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);

  engine::TaskRegistry tasks;
  tasks.Register(task_type, [](const engine::TaskExecution&) -> Result<Json> { return Json{{"ok", true}}; });
  options.task_types = {task_type};

  net::HttpClient http;
  engine::ConductorClient client(http, {server});
  engine::ConductorWorker worker(client, tasks, options);

  Status ran = Ok();
  std::atomic<bool> finished{false};
  std::jthread runner([&](std::stop_token stop) {
    ran = worker.Run(stop);
    finished = true;
  });
  while (!finished && g_signalled == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  runner.request_stop();
  runner.join();
  if (!ran.ok()) {
    std::cerr << "worker_bench: " << ran.error().message << "\n";
    return 1;
  }

  engine::WorkerStats stats = worker.Stats();
  Json report = {{"worker_id", worker.worker_id()},
                 {"concurrency", options.concurrency},
                 {"long_poll_ms", options.long_poll.count()},
                 {"max_idle_ms", options.max_idle_interval.count()},
                 {"update_v2", options.next_task_from_update},
                 {"polls", stats.polls},
                 {"empty_polls", stats.empty_polls},
                 {"poll_errors", stats.poll_errors},
                 {"started", stats.started},
                 {"completed", stats.completed},
                 {"failed", stats.failed},
                 {"update_retries", stats.update_retries},
                 {"updates_lost", stats.updates_lost},
                 {"tasks_from_updates", stats.tasks_from_updates}};
  std::cout << report.dump() << std::endl;
  return 0;
}
