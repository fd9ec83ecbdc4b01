#include "app/worker_command.hpp"

#include <cstdio>
#include <memory>
#include <sstream>

#include "app/runtime.hpp"
#include "app/track_option.hpp"
#include "engine/conductor/worker.hpp"

namespace reflector::app {
namespace {

struct WorkerCommandOptions {
  std::string tasks;  // comma-separated; empty = every pipeline task
  int concurrency = 2;
  double shutdown_timeout_seconds = 30;
  int max_idle_ms = 250;
  bool poll_every_type = false;
  std::string worker_id;
};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    auto begin = item.find_first_not_of(" \t");
    auto end = item.find_last_not_of(" \t");
    if (begin != std::string::npos) items.push_back(item.substr(begin, end - begin + 1));
  }
  return items;
}

int RunWorker(const Settings& settings, const WorkerCommandOptions& options) {
  if (auto shared = CheckSharedState(settings, "reflector worker"); !shared.ok()) {
    std::fprintf(stderr, "reflector: %s\n", shared.error().message.c_str());
    return 2;
  }
  auto runtime = Runtime::Create(settings);
  if (!runtime) {
    std::fprintf(stderr, "reflector: %s\n", runtime.error().message.c_str());
    return 1;
  }
  const engine::TaskRegistry& tasks = (*runtime)->tasks();
  engine::WorkerOptions worker_options;
  worker_options.task_types = options.tasks.empty() ? tasks.Names() : SplitList(options.tasks);
  for (const auto& type : worker_options.task_types) {
    if (tasks.Find(type) == nullptr) {
      std::string known;
      for (const auto& name : tasks.Names())
        known += (known.empty() ? "" : ", ") + name;
      std::fprintf(stderr, "reflector: --tasks: unknown task type '%s' (known: %s)\n", type.c_str(),
                   known.c_str());
      return 2;
    }
  }
  worker_options.concurrency = options.concurrency;
  worker_options.shutdown_timeout =
      std::chrono::milliseconds(static_cast<long>(options.shutdown_timeout_seconds * 1000));
  worker_options.max_idle_interval = std::chrono::milliseconds(options.max_idle_ms);
  worker_options.poll_only_queued_types = !options.poll_every_type;
  worker_options.worker_id = options.worker_id;

  engine::ConductorClient client((*runtime)->http(), {settings.conductor_server_url});
  if (auto health = client.Health(); !health.ok()) {
    // Not fatal: the server may come up later, and the poller backs off until it does.
    std::fprintf(stderr, "reflector: warning: %s\n", health.error().message.c_str());
  }
  engine::ConductorWorker worker(client, tasks, worker_options);
  StopOnSignal stop;
  Status ran = worker.Run(stop.token());
  if (!ran.ok()) {
    std::fprintf(stderr, "reflector: %s\n", ran.error().message.c_str());
    return 2;
  }
  return 0;
}

}  // namespace

void RegisterWorkerCommand(CLI::App& cli, CommandRegistry& registry) {
  auto options = std::make_shared<WorkerCommandOptions>();
  auto* worker = cli.add_subcommand(
      "worker",
      "run pipeline tasks for the Conductor server at CONDUCTOR_SERVER_URL until SIGTERM or Ctrl-C "
      "(needs PostgreSQL and S3 shared with the other processes)");
  worker->add_option("--tasks", options->tasks,
                     "comma-separated task types to serve (default: every pipeline task), e.g. "
                     "pad_track,mixdown_tracks,generate_waveform for an audio-only worker");
  worker->add_option("--concurrency", options->concurrency, "tasks run at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  worker
      ->add_option("--shutdown-timeout", options->shutdown_timeout_seconds,
                   "seconds running tasks get to finish after SIGTERM before they are stopped and handed "
                   "back to the server")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  worker
      ->add_option("--max-idle-ms", options->max_idle_ms,
                   "longest pause between polls while every queue is empty")
      ->capture_default_str()
      ->check(CLI::Range(1, 60000));
  worker->add_flag("--poll-every-type", options->poll_every_type,
                   "poll each task type in turn instead of first asking the server which queues hold "
                   "tasks (one call for all types)");
  worker->add_option("--worker-id", options->worker_id, "id reported to the server (default: host:pid)");
  registry.Add(worker, [options](const Settings& settings) { return RunWorker(settings, *options); });
}

}  // namespace reflector::app
