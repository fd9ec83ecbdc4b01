#include "app/conductor_command.hpp"

#include <cstdio>
#include <memory>

#include "core/clock.hpp"
#include "engine/conductor/conductor_engine.hpp"
#include "engine/conductor/registration.hpp"
#include "pipeline/workflow_definitions.hpp"
#include "service/run_control.hpp"

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
  engine::ConductorEngine conductor(client, {});
  SystemClock clock;
  auto snapshot = service::ReadRun(conductor, clock, workflow_id);
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

// Retries or terminates the workflow, then says what became of it and of its transcript.
int ChangeWorkflow(const Settings& settings, service::RunChange change, const std::string& workflow_id,
                   const std::string& reason) {
  net::HttpClient http;
  engine::ConductorClient client(http, {settings.conductor_server_url});
  engine::ConductorEngine conductor(client, {});
  SystemClock clock;
  auto before = service::ReadRun(conductor, clock, workflow_id);
  if (!before) {
    std::fprintf(stderr, "reflector: %s\n", before.error().message.c_str());
    return before.error().kind == ErrorKind::kNotFound ? 2 : 1;
  }
  const std::string was(engine::ToString(before->workflow.status));
  const bool retry = change == service::RunChange::kRetry;
  auto changed =
      service::ChangeRun(conductor, before->workflow, change, reason, settings.EffectiveDatabaseUrl(), clock);
  if (!changed) {
    std::fprintf(stderr, "reflector: %s (the workflow is %s)\n", changed.error().message.c_str(),
                 was.c_str());
    return changed.error().kind == ErrorKind::kInvalidInput || changed.error().kind == ErrorKind::kExternal
               ? 2
               : 1;
  }
  std::printf("workflow %s (%s): %s\n", workflow_id.c_str(), was.c_str(),
              retry ? "retried from its failed tasks" : "terminated");
  if (changed->transcript_error) {
    std::fprintf(stderr, "reflector: the transcript of workflow %s was not updated: %s\n",
                 workflow_id.c_str(), changed->transcript_error->message.c_str());
    return 1;
  }
  if (!changed->transcript_id.empty())
    std::printf("transcript %s: %s\n", changed->transcript_id.c_str(), retry ? "processing" : "error");
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
  auto* retry = conductor->add_subcommand("retry",
                                          "run a FAILED, TIMED_OUT or TERMINATED workflow again from its "
                                          "failed tasks (completed tasks are kept); "
                                          "its transcript is processing again");
  retry->add_option("workflow_id", *workflow_id, "the workflow")->required();
  registry.Add(retry, [workflow_id](const Settings& settings) {
    return ChangeWorkflow(settings, service::RunChange::kRetry, *workflow_id, "");
  });
  auto reason = std::make_shared<std::string>("terminated by an operator");
  auto* terminate = conductor->add_subcommand(
      "terminate", "stop a running workflow for good; its transcript becomes error (step terminated)");
  terminate->add_option("workflow_id", *workflow_id, "the workflow")->required();
  terminate->add_option("--reason", *reason, "why (kept on the workflow and the transcript)")
      ->capture_default_str();
  registry.Add(terminate, [workflow_id, reason](const Settings& settings) {
    return ChangeWorkflow(settings, service::RunChange::kTerminate, *workflow_id, *reason);
  });
}

}  // namespace reflector::app
