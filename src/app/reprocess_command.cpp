#include "app/reprocess_command.hpp"

#include <cstdio>
#include <memory>

#include "app/run_report.hpp"
#include "service/processing.hpp"

namespace reflector::app {
namespace {

struct ReprocessOptions {
  std::string transcript_id;
  std::string output;
  bool json = false;
  int parallel = DefaultParallelTasks();
};

int RunReprocess(const Settings& settings, const ReprocessOptions& options) {
  int exit_code = 0;
  auto runtime = OpenRuntime(settings, {options.parallel, std::nullopt}, exit_code);
  if (!runtime) return exit_code;
  return ReportStartedAndFollow(*runtime, service::RerunTranscript(runtime->service(), options.transcript_id),
                                options.output, options.json);
}

}  // namespace

void RegisterReprocessCommand(CLI::App& cli, CommandRegistry& registry) {
  auto options = std::make_shared<ReprocessOptions>();
  auto* reprocess = cli.add_subcommand(
      "reprocess",
      "run a transcript that ended or failed again, from the tracks of its last run, and follow it (as POST "
      "/v1/transcripts/{id}/process); transcription and LLM answers come from their caches");
  reprocess->add_option("transcript_id", options->transcript_id, "the transcript")->required();
  reprocess->add_option("--output", options->output, "directory for the results");
  reprocess->add_flag("--json", options->json, "print the transcript as JSON on stdout");
  reprocess->add_option("--parallel", options->parallel, "tasks run at once (default: the cores, 2-16)")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  registry.Add(reprocess, [options](const Settings& settings) { return RunReprocess(settings, *options); });
}

}  // namespace reflector::app
