#include "app/transcripts_command.hpp"

#include <cstdio>
#include <memory>

#include "app/run_report.hpp"
#include "app/transcript_export.hpp"
#include "service/follow.hpp"
#include "store/transcripts.hpp"

namespace reflector::app {
namespace {

int RunResume(const Settings& settings, const std::string& transcript_id, const std::string& output,
              bool json) {
  int exit_code = 0;
  auto runtime = OpenRuntime(settings, {}, exit_code);
  if (!runtime) return exit_code;
  auto workflow_id = service::ResumeRun(runtime->service(), transcript_id);
  if (!workflow_id) {
    Fail(workflow_id.error().message);
    return ExitCodeFor(workflow_id.error());
  }
  std::printf("transcript: %s\n", transcript_id.c_str());
  std::fflush(stdout);
  return FollowAndReport(*runtime, transcript_id, *workflow_id, output, json);
}

int RunList(const Settings& settings) {
  int exit_code = 0;
  RuntimeOptions options;
  options.read_only = true;
  auto runtime = OpenRuntime(settings, options, exit_code);
  if (!runtime) return exit_code;
  store::Transcripts transcripts(runtime->database(), runtime->clock());
  auto list = transcripts.List(50);
  if (!list) {
    Fail(list.error().message);
    return kExitFailed;
  }
  std::printf("%-36s  %-10s  %9s  %s\n", "ID", "STATUS", "DURATION", "TITLE");
  for (const auto& t : *list) {
    std::printf("%-36s  %-10s  %8.1fs  %s\n", t.id.c_str(), std::string(store::ToString(t.status)).c_str(),
                t.duration, t.title.value_or("").c_str());
  }
  return 0;
}

// The text of a JSON string value, or "" for anything else.
std::string Text(const Json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

int RunShow(const Settings& settings, const std::string& transcript_id, bool json) {
  int exit_code = 0;
  RuntimeOptions options;
  options.read_only = true;
  auto runtime = OpenRuntime(settings, options, exit_code);
  if (!runtime) return exit_code;
  auto document = TranscriptJson(*runtime, transcript_id, true);
  if (!document) {
    Fail(document.error().message);
    return ExitCodeFor(document.error());
  }
  const Json& d = *document;
  if (json) {
    std::printf("%s\n", d.dump(2).c_str());
    return 0;
  }
  std::printf("id: %s\nstatus: %s\ntitle: %s\nduration: %.2f s\n", Text(d["id"]).c_str(),
              Text(d["status"]).c_str(), Text(d["title"]).c_str(), d["duration"].get<double>());
  if (!d["failure"].is_null()) {
    std::string step = Text(d["failure"]["step"]);
    std::printf("failed step: %s\nreason: %s\n", step.empty() ? "?" : step.c_str(),
                Text(d["failure"]["reason"]).c_str());
  }
  for (const auto& p : d["participants"])
    std::printf("speaker %d: %s\n", p["speaker"].get<int>(), Text(p["name"]).c_str());
  for (const auto& topic : d["topics"])
    std::printf("topic at %.1f s: %s\n", topic["timestamp"].get<double>(), Text(topic["title"]).c_str());
  if (d["short_summary"].is_string()) std::printf("summary: %s\n", Text(d["short_summary"]).c_str());
  std::printf("words: %zu, events: %zu\n", d["words"].size(), d["events"].size());
  return 0;
}

}  // namespace

void RegisterTranscriptsCommands(CLI::App& cli, CommandRegistry& registry) {
  auto resume_id = std::make_shared<std::string>();
  auto resume_output = std::make_shared<std::string>();
  auto resume_json = std::make_shared<bool>(false);
  auto* resume = cli.add_subcommand("resume", "finish an interrupted run in the foreground");
  resume->add_option("transcript_id", *resume_id, "the transcript")->required();
  resume->add_option("--output", *resume_output, "directory for the results");
  resume->add_flag("--json", *resume_json, "print the transcript as JSON on stdout");
  registry.Add(resume, [resume_id, resume_output, resume_json](const Settings& settings) {
    return RunResume(settings, *resume_id, *resume_output, *resume_json);
  });

  auto* transcripts = cli.add_subcommand("transcripts", "list and show transcripts");
  transcripts->require_subcommand(1);
  auto* list = transcripts->add_subcommand("list", "the 50 newest transcripts");
  registry.Add(list, [](const Settings& settings) { return RunList(settings); });
  auto show_id = std::make_shared<std::string>();
  auto show_json = std::make_shared<bool>(false);
  auto* show = transcripts->add_subcommand("show", "one transcript, with its failure and events");
  show->add_option("transcript_id", *show_id, "the transcript")->required();
  show->add_flag("--json", *show_json, "JSON, with the full events log");
  registry.Add(show, [show_id, show_json](const Settings& settings) {
    return RunShow(settings, *show_id, *show_json);
  });
}

}  // namespace reflector::app
