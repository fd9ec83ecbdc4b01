#include "app/process_command.hpp"

#include <cstdio>
#include <memory>

#include "app/run_report.hpp"
#include "app/runtime_factories.hpp"
#include "app/track_option.hpp"
#include "service/daily_recordings.hpp"
#include "service/processing.hpp"

namespace reflector::app {
namespace {

struct ProcessOptions {
  std::vector<std::string> tracks;
  std::string language = "en";
  std::string output;
  bool json = false;
  int parallel = DefaultParallelTasks();
  std::string engine;  // empty: CONDUCTOR_ENABLED decides
  std::string room;
  std::string meeting;
  std::string recording_id;  // a Daily.co recording instead of --track files
};

// --recording-id: the Daily.co recording, taken in as the webhook and the poller take it in.
int RunProcessRecording(const Settings& settings, const ProcessOptions& options) {
  int exit_code = 0;
  auto runtime = OpenRuntime(settings, {options.parallel, ParseEngineChoice(options.engine)}, exit_code);
  if (!runtime) return exit_code;
  if (runtime->daily_client() == nullptr) {
    Fail(
        "--recording-id asks Daily.co for the recording: set DAILY_API_KEY (and "
        "DAILYCO_STORAGE_AWS_BUCKET_NAME)");
    return kExitUsage;
  }
  auto started = service::StartDailyRecordingById(runtime->service(), MakeDailyOptions(settings),
                                                  *runtime->daily_client(), options.recording_id);
  if (!started) {
    Fail(started.error().message);
    return ExitCodeFor(started.error());
  }
  std::printf("transcript: %s\n", started->transcript_id.c_str());
  std::fflush(stdout);
  if (!started->started_here) {
    std::fprintf(stderr, "recording %s was taken in before; following its run\n",
                 options.recording_id.c_str());
  }
  if (started->start_error) {
    Fail(started->start_error->message);
    return kExitFailed;
  }
  if (!started->workflow_id) {
    Fail("transcript " + started->transcript_id + " has no workflow yet; see `reflector transcripts show`");
    return kExitFailed;
  }
  std::fprintf(stderr, "workflow: %s (%s engine)\n", started->workflow_id->c_str(), started->engine.c_str());
  return FollowAndReport(*runtime, started->transcript_id, *started->workflow_id, options.output,
                         options.json);
}

int RunProcess(const Settings& settings, const ProcessOptions& options) {
  if (!options.recording_id.empty()) return RunProcessRecording(settings, options);
  if (options.tracks.empty()) {
    Fail(
        "give the participants' audio (--track NAME=FILE, one per participant) or a Daily.co --recording-id");
    return kExitUsage;
  }
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
  return ReportStartedAndFollow(*runtime, service::ProcessFiles(runtime->service(), request), options.output,
                                options.json);
}

}  // namespace

void RegisterProcessCommands(CLI::App& cli, CommandRegistry& registry) {
  auto options = std::make_shared<ProcessOptions>();
  auto* process = cli.add_subcommand("process", "turn per-speaker tracks into a transcript");
  auto* track = process->add_option("--track", options->tracks,
                                    "NAME=FILE, one per participant (any audio FFmpeg reads)");
  process->add_option("--language", options->language, "spoken language")->capture_default_str();
  process->add_option("--output", options->output,
                      "directory for transcript.json, audio.mp3, waveform.json and transcript.vtt");
  process->add_flag("--json", options->json, "print the transcript as JSON on stdout");
  process->add_option("--parallel", options->parallel, "tasks run at once (default: the cores, 2-16)")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  process
      ->add_option(
          "--engine", options->engine,
          "in-process (runs here) or conductor (starts the workflow on CONDUCTOR_SERVER_URL and follows "
          "it while `reflector worker` processes run the tasks; needs PostgreSQL and S3); default: "
          "conductor when CONDUCTOR_ENABLED=true, else in-process")
      ->check(CLI::IsMember(EngineChoiceNames()));
  auto* room = process->add_option(
      "--room", options->room,
      "attach the transcript to this room (see `reflector rooms`): its Zulip stream and webhook "
      "are notified");
  auto* meeting = process->add_option("--meeting", options->meeting,
                                      "the meeting the tracks were recorded in (see `reflector consent`); a "
                                      "consent denial deletes the audio after processing");
  process
      ->add_option(
          "--recording-id", options->recording_id,
          "a finished Daily.co raw-tracks recording instead of --track: its camera audio tracks are read "
          "from DAILYCO_STORAGE_AWS_BUCKET_NAME and named after Daily's participants, in the room of "
          "the Daily room's name (needs DAILY_API_KEY); a recording taken in before is followed, not "
          "run again")
      ->excludes(track)
      ->excludes(room)
      ->excludes(meeting);
  registry.Add(process, [options](const Settings& settings) { return RunProcess(settings, *options); });
}

}  // namespace reflector::app
