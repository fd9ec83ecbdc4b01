#include "app/serve_command.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "api/event_hub.hpp"
#include "api/routes.hpp"
#include "app/runtime.hpp"
#include "app/serve_support.hpp"
#include "app/track_option.hpp"
#include "core/log.hpp"
#include "http/server.hpp"

namespace reflector::app {
namespace {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 1250;
  int parallel = 2;
  // In-process tasks at once over every workflow: twice the cores, at least 4.
  int max_tasks = std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  std::string engine;
};

int Serve(const Settings& settings, const ServeOptions& options) {
  if (auto allowed = CheckServeSettings(settings, options.host); !allowed.ok()) {
    std::fprintf(stderr, "reflector: %s\n", allowed.error().message.c_str());
    return 2;
  }
  RuntimeOptions runtime_options;
  runtime_options.max_parallel_tasks = options.parallel;
  runtime_options.max_tasks_in_process = options.max_tasks;
  runtime_options.engine = ParseEngineChoice(options.engine);
  auto runtime = Runtime::Create(settings, runtime_options);
  if (!runtime) {
    std::fprintf(stderr, "reflector: %s\n", runtime.error().message.c_str());
    return 1;
  }
  Runtime& rt = **runtime;
  ServeParts parts(rt);
  if (auto built = parts.Build(); !built.ok()) {
    std::fprintf(stderr, "reflector: %s\n", built.error().message.c_str());
    return 1;
  }
  http::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.max_body_bytes = static_cast<std::uint64_t>(settings.max_upload_mb) << 20;
  server_options.max_connections_per_client = settings.max_connections_per_client;
  http::Server server(server_options, parts.router());
  parts.Observe(server);
  auto port = server.Listen();
  if (!port) {
    std::fprintf(stderr, "reflector: %s\n", port.error().message.c_str());
    return 1;
  }
  parts.ResumeInterruptedRuns();
  parts.StartDailyLoop();
  StopOnSignal stop;
  // On SIGTERM the in-process runs stop first (so no task starts while requests finish), then
  // the server.
  std::stop_callback on_stop(stop.token(), [&server, &rt] {
    rt.StopInProcessRuns();
    server.Stop();
  });
  std::printf("listening on http://%s:%d\n", options.host.c_str(), *port);
  std::fflush(stdout);
  log::Info("serving", {{"host", options.host},
                        {"port", *port},
                        {"engine", std::string(rt.engine().Name())},
                        {"mode", std::string(service::ToString(rt.modes().mode))}});
  server.Run();
  log::Info("server stopped; in-process workflows stay resumable");
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& cli, CommandRegistry& registry) {
  auto options = std::make_shared<ServeOptions>();
  auto* serve = cli.add_subcommand(
      "serve", "serve Reflector's HTTP and WebSocket API until SIGTERM or Ctrl-C (see src/api/README.md)");
  serve->add_option("--host", options->host, "address to listen on (AUTH_BACKEND=none: loopback only)")
      ->capture_default_str();
  serve->add_option("--port", options->port, "port to listen on (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  serve->add_option("--parallel", options->parallel, "in-process engine: tasks of one workflow run at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve
      ->add_option("--max-tasks", options->max_tasks,
                   "in-process engine: tasks run at once over all workflows (more wait for a free slot)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  std::string engines;
  for (const auto& name : EngineChoiceNames())
    engines += (engines.empty() ? "" : ", ") + name;
  serve->add_option("--engine", options->engine,
                    "engine that runs new workflows: " + engines + " (default: CONDUCTOR_ENABLED decides)");
  registry.Add(serve, [options](const Settings& settings) { return Serve(settings, *options); });
}

}  // namespace reflector::app
