#include "app/process_command.hpp"

#include <cstdio>
#include <memory>

#include "app/run_report.hpp"
#include "app/track_option.hpp"
#include "service/processing.hpp"

namespace reflector::app {
namespace {

struct ProcessOptions {
  std::vector<std::string> tracks;
  std::string language = "en";
  std::string output;
  bool json = false;
  int parallel = 2;
  std::string engine;  // empty: CONDUCTOR_ENABLED decides
  std::string room;
  std::string meeting;
};

int RunProcess(const Settings& settings, const ProcessOptions& options) {
  auto tracks = ParseTrackOptions(options.tracks);
  if (!tracks) {
    Fail(tracks.error().message);
    return kExitUsage;
  }
  int exit_code = 0;
  auto runtime = OpenRuntime(settings, {options.parallel, ParseEngineChoice(options.engine)}, exit_code);
  if (!runtime) return exit_code;

  service::ProcessRequest request;
  for (const auto& track : *tracks)
    request.tracks.push_back({track.name, track.file});
  request.language = options.language;
  request.room_name = options.room;
  request.meeting_id = options.meeting;
  auto started = service::ProcessFiles(runtime->service(), request);
  if (!started) {
    Fail(started.error().message);
    return ExitCodeFor(started.error());
  }
  std::printf("transcript: %s\n", started->transcript_id.c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "workflow: %s (%s engine)\n", started->workflow_id.c_str(), started->engine.c_str());
  return FollowAndReport(*runtime, started->transcript_id, started->workflow_id, options.output,
                         options.json);
}

}  // namespace

void RegisterProcessCommands(CLI::App& cli, CommandRegistry& registry) {
  auto options = std::make_shared<ProcessOptions>();
  auto* process = cli.add_subcommand("process", "turn per-speaker tracks into a transcript");
  process->add_option("--track", options->tracks, "NAME=FILE, one per participant (any audio FFmpeg reads)")
      ->required();
  process->add_option("--language", options->language, "spoken language")->capture_default_str();
  process->add_option("--output", options->output,
                      "directory for transcript.json, audio.mp3, waveform.json and transcript.vtt");
  process->add_flag("--json", options->json, "print the transcript as JSON on stdout");
  process->add_option("--parallel", options->parallel, "tasks run at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  process
      ->add_option(
          "--engine", options->engine,
          "in-process (runs here) or conductor (starts the workflow on CONDUCTOR_SERVER_URL and follows "
          "it while `reflector worker` processes run the tasks; needs PostgreSQL and S3); default: "
          "conductor when CONDUCTOR_ENABLED=true, else in-process")
      ->check(CLI::IsMember(EngineChoiceNames()));
  process->add_option(
      "--room", options->room,
      "attach the transcript to this room (see `reflector rooms`): its Zulip stream and webhook "
      "are notified");
  process->add_option("--meeting", options->meeting,
                      "the meeting the tracks were recorded in (see `reflector consent`); a consent denial "
                      "deletes the audio after processing");
  registry.Add(process, [options](const Settings& settings) { return RunProcess(settings, *options); });
}

}  // namespace reflector::app
