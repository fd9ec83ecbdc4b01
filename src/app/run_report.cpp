#include "app/run_report.hpp"

#include <cstdio>
#include <filesystem>

#include "app/console_progress.hpp"
#include "app/shadow_command.hpp"
#include "app/track_option.hpp"
#include "app/transcript_export.hpp"
#include "core/log.hpp"
#include "service/follow.hpp"
#include "store/transcripts.hpp"

namespace reflector::app {
namespace {

namespace fs = std::filesystem;

// Shows PIPELINE_PROGRESS events as "[3/14] pad_track (track 2 of 3) ..." and notices as lines.
class ConsoleObserver final : public service::RunObserver {
 public:
  explicit ConsoleObserver(ConsoleProgress& console) : console_(console) {}

  void OnEvent(const events::Event& event) override {
    if (event.type != events::EventType::kPipelineProgress) return;
    const Json& d = event.data;
    std::string line = "[" + std::to_string(d.value("step_index", 0)) + "/" +
                       std::to_string(d.value("total_steps", 0)) + "] " + d.value("current_step", "");
    if (d.contains("track_index") && d.contains("track_count")) {
      line += " (track " + std::to_string(d["track_index"].get<int>() + 1) + " of " +
              std::to_string(d["track_count"].get<int>()) + ")";
    }
    std::string status = d.value("step_status", "");
    line += " " + (status == "in_progress" ? std::string("...") : status);
    double total = std::max(1, d.value("total_steps", 1));
    console_.Show(line, d.value("step_index", 0) / total);
  }

  void OnNotice(std::string_view notice) override { console_.Print(notice); }

 private:
  ConsoleProgress& console_;
};

// One line on the expensive calls this run made and the ones the result cache answered, e.g.
// "calls: transcription 0 made, 3 cached; llm 0 made, 4 cached".
void ReportCalls(Runtime& runtime, const std::string& workflow_id, ConsoleProgress& console) {
  int made = 0;
  int cached = 0;
  if (auto snapshot = runtime.engine().Get(workflow_id); snapshot) {
    for (const auto& task : snapshot->tasks) {
      if (task.task_name != "transcribe_track" || task.status != engine::TaskStatus::kCompleted) continue;
      (task.output.value("cached", false) ? cached : made)++;
    }
  }
  auto llm = runtime.llm_calls();
  console.Print("calls: transcription " + std::to_string(made) + " made, " + std::to_string(cached) +
                " cached; llm " + std::to_string(llm.calls) + " made, " + std::to_string(llm.hits) +
                " cached");
}

// Prints the outcome of a finished workflow, writes the results, and returns the exit code.
int ReportOutcome(Runtime& runtime, const std::string& transcript_id, engine::WorkflowStatus status,
                  const std::string& output_dir, bool json, ConsoleProgress& console) {
  store::Transcripts transcripts(runtime.database(), runtime.clock());
  auto transcript = transcripts.Get(transcript_id);
  if (!transcript) {
    Fail(transcript.error().message);
    return kExitFailed;
  }
  if (status != engine::WorkflowStatus::kCompleted || transcript->status != store::TranscriptStatus::kEnded) {
    Fail("failed at step " + transcript->failed_step.value_or("?") + ": " +
         transcript->failure_reason.value_or(std::string(engine::ToString(status))));
    return kExitFailed;
  }
  if (!output_dir.empty()) {
    auto exported = ExportTranscript(runtime, transcript_id, output_dir);
    if (!exported.ok()) {
      Fail("cannot write the results: " + exported.error().message);
      return kExitFailed;
    }
    console.Print("results: " + fs::absolute(output_dir).string());
  }
  if (json) {
    auto document = TranscriptJson(runtime, transcript_id, false);
    if (!document) {
      Fail(document.error().message);
      return kExitFailed;
    }
    std::printf("%s\n", document->dump(2).c_str());
  } else {
    std::printf("title: %s\nstatus: %s\nduration: %.2f s\n", transcript->title.value_or("").c_str(),
                std::string(store::ToString(transcript->status)).c_str(), transcript->duration);
  }
  return 0;
}

}  // namespace

void Fail(const std::string& what) {
  std::fprintf(stderr, "reflector: %s\n", what.c_str());
}

int ExitCodeFor(const Error& error) {
  return error.kind == ErrorKind::kInvalidInput || error.kind == ErrorKind::kNotFound ? kExitUsage
                                                                                      : kExitFailed;
}

std::unique_ptr<Runtime> OpenRuntime(const Settings& settings, RuntimeOptions options, int& exit_code) {
  auto runtime = Runtime::Create(settings, options);
  if (!runtime) {
    Fail(runtime.error().message);
    exit_code = ExitCodeFor(runtime.error());
    return nullptr;
  }
  return std::move(runtime).value();
}

int FollowAndReport(Runtime& runtime, const std::string& transcript_id, const std::string& workflow_id,
                    const std::string& output_dir, bool json) {
  ConsoleProgress console;
  StopOnSignal stop;
  ConsoleObserver observer(console);
  auto status = service::FollowRun(runtime.service(), transcript_id, workflow_id, observer, stop.token());
  console.Done();
  if (!status) {
    Fail(status.error().message);
    return status.error().kind == ErrorKind::kCancelled ? kExitInterrupted : kExitFailed;
  }
  ReportCalls(runtime, workflow_id, console);
  const int exit_code = ReportOutcome(runtime, transcript_id, *status, output_dir, json, console);
  std::fflush(stdout);
  ReportShadowOfRun(runtime, transcript_id, workflow_id, stop.token());  // shadow mode: the comparison
  return exit_code;
}

int ReportStartedAndFollow(Runtime& runtime, const Result<service::StartedRun>& started,
                           const std::string& output_dir, bool json) {
  if (!started) {
    Fail(started.error().message);
    return ExitCodeFor(started.error());
  }
  std::printf("transcript: %s\n", started->transcript_id.c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "workflow: %s (%s engine)\n", started->workflow_id.c_str(), started->engine.c_str());
  return FollowAndReport(runtime, started->transcript_id, started->workflow_id, output_dir, json);
}

}  // namespace reflector::app
