#include "app/conductor_command.hpp"

#include <cstdio>
#include <memory>

#include "core/clock.hpp"
#include "engine/conductor/registration.hpp"
#include "pipeline/workflow_definitions.hpp"

namespace reflector::app {
namespace {

std::string TimeText(WallTime time) {
  return time == WallTime{} ? "-" : FormatIso8601(time).substr(11, 12);
}

int RunRegister(const Settings& settings) {
  const auto& definitions = pipeline::LoadPipelineDefinitions();
  if (!definitions) {
    std::fprintf(stderr, "reflector: %s\n", definitions.error().message.c_str());
    return 1;
  }
  net::HttpClient http;
  engine::ConductorClient client(http, {settings.conductor_server_url});
  std::vector<engine::TaskDef> tasks;
  for (const auto& [name, def] : definitions->task_defs)
    tasks.push_back(def);
  auto changes = engine::RegisterDefinitions(client, tasks, {definitions->failure, definitions->pipeline});
  if (!changes) {
    std::fprintf(stderr, "reflector: registering on %s failed: %s\n", settings.conductor_server_url.c_str(),
                 changes.error().message.c_str());
    return 1;
  }
  for (const auto& change : *changes)
    std::printf("%s\n", engine::Describe(change).c_str());
  return 0;
}

int RunStatus(const Settings& settings, const std::string& workflow_id) {
  net::HttpClient http;
  engine::ConductorClient client(http, {settings.conductor_server_url});
  auto snapshot = client.GetWorkflow(workflow_id);
  SystemClock clock;
  for (int attempt = 1; !snapshot && snapshot.error().retryable && attempt < 4; ++attempt) {
    clock.SleepFor(std::chrono::milliseconds(500 * attempt), {});  // a busy server answers 5xx now and then
    snapshot = client.GetWorkflow(workflow_id);
  }
  if (!snapshot) {
    std::fprintf(stderr, "reflector: %s\n", snapshot.error().message.c_str());
    return snapshot.error().kind == ErrorKind::kNotFound ? 2 : 1;
  }
  const auto& workflow = snapshot->workflow;
  std::printf("workflow %s (%s v%d): %s\n", workflow.id.c_str(), workflow.name.c_str(), workflow.version,
              std::string(engine::ToString(workflow.status)).c_str());
  if (!workflow.correlation_id.empty()) std::printf("correlation id: %s\n", workflow.correlation_id.c_str());
  if (!workflow.reason.empty()) std::printf("reason: %s\n", workflow.reason.c_str());
  std::printf("%-32s %-26s %7s %-28s %-12s %-12s\n", "TASK", "STATUS", "ATTEMPT", "WORKER", "STARTED",
              "ENDED");
  for (const auto& task : snapshot->tasks) {
    std::printf("%-32s %-26s %7d %-28s %-12s %-12s\n", task.reference_name.c_str(),
                std::string(engine::ToString(task.status)).c_str(), task.retry_count + 1,
                task.worker_id.empty() ? "-" : task.worker_id.c_str(), TimeText(task.start_time).c_str(),
                TimeText(task.end_time).c_str());
    if (!task.reason.empty()) std::printf("    reason: %s\n", task.reason.c_str());
  }
  return 0;
}

}  // namespace

void RegisterConductorCommands(CLI::App& cli, CommandRegistry& registry) {
  auto* conductor = cli.add_subcommand("conductor", "work with the Conductor server at CONDUCTOR_SERVER_URL");
  conductor->require_subcommand(1);
  auto* reg = conductor->add_subcommand("register", "upsert the task and workflow definitions (idempotent)");
  registry.Add(reg, [](const Settings& settings) { return RunRegister(settings); });
  auto workflow_id = std::make_shared<std::string>();
  auto* status =
      conductor->add_subcommand("status", "a workflow's tasks with status, attempts, worker and times");
  status->add_option("workflow_id", *workflow_id, "the workflow")->required();
  registry.Add(status, [workflow_id](const Settings& settings) { return RunStatus(settings, *workflow_id); });
}

}  // namespace reflector::app
