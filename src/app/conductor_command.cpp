#include "app/conductor_command.hpp"

#include <cstdio>
#include <memory>

#include "core/clock.hpp"
#include "engine/conductor/registration.hpp"
#include "pipeline/workflow_definitions.hpp"
#include "store/transcripts.hpp"

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

// The workflow, asked up to four times (a busy server answers 5xx now and then).
Result<engine::WorkflowSnapshot> ReadWorkflow(engine::ConductorClient& client,
                                              const std::string& workflow_id) {
  auto snapshot = client.GetWorkflow(workflow_id);
  SystemClock clock;
  for (int attempt = 1; !snapshot && snapshot.error().retryable && attempt < 4; ++attempt) {
    clock.SleepFor(std::chrono::milliseconds(500 * attempt), {});
    snapshot = client.GetWorkflow(workflow_id);
  }
  return snapshot;
}

// The transcript whose workflow this is (its correlation id, when that transcript's workflow is
// this one): processing again after a retry (its failure forgotten), or error after a termination
// (Conductor starts no failure workflow for a terminated one). Returns its id, "" when none.
Result<std::string> RecordOnTranscript(const Settings& settings, bool retried,
                                       const engine::WorkflowRun& workflow, const std::string& reason) {
  if (workflow.correlation_id.empty()) return std::string();
  SystemClock clock;
  REFLECTOR_ASSIGN_OR_RETURN(auto database, store::Database::Open(settings.EffectiveDatabaseUrl()));
  store::Transcripts transcripts(*database, clock);
  auto transcript = transcripts.Get(workflow.correlation_id);
  if (!transcript) {
    if (transcript.error().kind == ErrorKind::kNotFound) return std::string();
    return transcript.error();
  }
  if (transcript->workflow_id != workflow.id) return std::string();  // a re-run replaced it
  if (retried) {
    REFLECTOR_TRY(transcripts.ClearFailure(transcript->id));
    REFLECTOR_TRY(transcripts.SetStatus(transcript->id, store::TranscriptStatus::kProcessing));
  } else {
    REFLECTOR_TRY(transcripts.SetFailure(transcript->id, "terminated", reason));
    REFLECTOR_TRY(transcripts.SetStatus(transcript->id, store::TranscriptStatus::kError));
  }
  return transcript->id;
}

int RunStatus(const Settings& settings, const std::string& workflow_id) {
  net::HttpClient http;
  engine::ConductorClient client(http, {settings.conductor_server_url});
  auto snapshot = ReadWorkflow(client, workflow_id);
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

enum class Action { kRetry, kTerminate };

// Runs `action` on the workflow, then records it on the workflow's transcript (the correlation
// id), when that transcript's workflow is this one.
int RunAction(const Settings& settings, Action action, const std::string& workflow_id,
              const std::string& reason) {
  net::HttpClient http;
  engine::ConductorClient client(http, {settings.conductor_server_url});
  auto before = ReadWorkflow(client, workflow_id);
  if (!before) {
    std::fprintf(stderr, "reflector: %s\n", before.error().message.c_str());
    return before.error().kind == ErrorKind::kNotFound ? 2 : 1;
  }
  const std::string was(engine::ToString(before->workflow.status));
  Status done = action == Action::kRetry ? client.RetryWorkflow(workflow_id)
                                         : client.TerminateWorkflow(workflow_id, reason);
  if (!done.ok()) {
    std::fprintf(stderr, "reflector: %s (the workflow is %s)\n", done.error().message.c_str(), was.c_str());
    return done.error().kind == ErrorKind::kInvalidInput || done.error().kind == ErrorKind::kExternal ? 2 : 1;
  }
  std::printf("workflow %s (%s): %s\n", workflow_id.c_str(), was.c_str(),
              action == Action::kRetry ? "retried from its failed tasks" : "terminated");
  auto recorded = RecordOnTranscript(settings, action == Action::kRetry, before->workflow, reason);
  if (!recorded) {
    std::fprintf(stderr, "reflector: the transcript of workflow %s was not updated: %s\n",
                 workflow_id.c_str(), recorded.error().message.c_str());
    return 1;
  }
  if (!recorded->empty())
    std::printf("transcript %s: %s\n", recorded->c_str(), action == Action::kRetry ? "processing" : "error");
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
    return RunAction(settings, Action::kRetry, *workflow_id, "");
  });
  auto reason = std::make_shared<std::string>("terminated by an operator");
  auto* terminate = conductor->add_subcommand(
      "terminate", "stop a running workflow for good; its transcript becomes error (step terminated)");
  terminate->add_option("workflow_id", *workflow_id, "the workflow")->required();
  terminate->add_option("--reason", *reason, "why (kept on the workflow and the transcript)")
      ->capture_default_str();
  registry.Add(terminate, [workflow_id, reason](const Settings& settings) {
    return RunAction(settings, Action::kTerminate, *workflow_id, *reason);
  });
}

}  // namespace reflector::app
