#include "app/process_command.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "app/console_progress.hpp"
#include "app/rooms_command.hpp"
#include "app/runtime.hpp"
#include "app/track_option.hpp"
#include "app/transcript_export.hpp"
#include "core/log.hpp"
#include "engine/conductor/conductor_client.hpp"
#include "engine/conductor/registration.hpp"
#include "store/recordings.hpp"
#include "store/transcripts.hpp"

namespace reflector::app {
namespace {

namespace fs = std::filesystem;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;

struct ProcessOptions {
  std::vector<std::string> tracks;
  std::string language = "en";
  std::string output;
  bool json = false;
  int parallel = 2;
  std::string engine = "in-process";
  std::string room;
  std::string meeting;
};

void Fail(const std::string& what) {
  std::fprintf(stderr, "reflector: %s\n", what.c_str());
}

// The runtime, or nullptr after telling the user why it could not be built.
std::unique_ptr<Runtime> OpenRuntime(const Settings& settings, RuntimeOptions options = {}) {
  auto runtime = Runtime::Create(settings, options);
  if (!runtime) {
    Fail(runtime.error().message);
    return nullptr;
  }
  return std::move(runtime).value();
}

// Shows one PIPELINE_PROGRESS event: "[3/14] pad_track (track 2 of 3) ...".
void ShowProgress(const events::Event& event, ConsoleProgress& console) {
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
  console.Show(line, d.value("step_index", 0) / total);
}

// Shows PIPELINE_PROGRESS events of one transcript as they are published in this process.
class ProgressView {
 public:
  ProgressView(Runtime& runtime, const std::string& transcript_id, ConsoleProgress& console)
      : subscription_(runtime.bus().Subscribe(
            transcript_id, [&console](const events::Event& event) { ShowProgress(event, console); })) {}

 private:
  events::EventBus::Subscription subscription_;
};

int ReportOutcome(Runtime& runtime, const std::string& transcript_id, engine::WorkflowStatus status,
                  const std::string& output_dir, bool json, ConsoleProgress& console);

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

// Runs (or resumes) the workflow of a transcript in the foreground and reports the outcome.
int RunToCompletion(Runtime& runtime, const std::string& transcript_id, const std::string& workflow_id,
                    const std::string& output_dir, bool json) {
  ConsoleProgress console;
  StopOnSignal stop;
  engine::WorkflowStatus status;
  {
    ProgressView view(runtime, transcript_id, console);
    auto result = runtime.engine().Run(workflow_id, stop.token());
    console.Done();
    if (!result) {
      if (result.error().kind == ErrorKind::kCancelled) {
        Fail("interrupted; finish it with: reflector resume " + transcript_id);
        return kExitInterrupted;
      }
      // The engine could not go on (database or storage gone): never leave it `processing`.
      store::Transcripts transcripts(runtime.database(), runtime.clock());
      (void)transcripts.SetFailure(transcript_id, "engine", result.error().message);
      (void)transcripts.SetStatus(transcript_id, store::TranscriptStatus::kError);
      Fail("the workflow stopped: " + result.error().message);
      return kExitFailed;
    }
    status = *result;
  }
  ReportCalls(runtime, workflow_id, console);
  return ReportOutcome(runtime, transcript_id, status, output_dir, json, console);
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

constexpr auto kFollowInterval = std::chrono::milliseconds(1000);
constexpr auto kWorkerHintAfter = std::chrono::seconds(15);
constexpr auto kFailureRecordWait = std::chrono::seconds(60);

// Follows a workflow on Conductor: shows the transcript's progress events (appended by the
// workers in the shared database) until the workflow ends. Interrupting stops following only.
int FollowConductor(Runtime& runtime, engine::ConductorClient& client, const std::string& transcript_id,
                    const std::string& workflow_id, const std::string& output_dir, bool json) {
  ConsoleProgress console;
  StopOnSignal stop;
  store::TranscriptEvents events(runtime.database(), runtime.clock());
  std::int64_t seen = 0;
  auto started = std::chrono::steady_clock::now();
  bool hinted = false;
  engine::WorkflowStatus status = engine::WorkflowStatus::kRunning;
  std::string reason;
  for (;;) {
    if (auto list = events.List(transcript_id, seen); list) {
      for (const auto& stored : *list) {
        seen = stored.seq;
        auto type = events::ParseEventType(stored.event);
        if (!type) continue;
        events::Event event;
        event.transcript_id = transcript_id;
        event.seq = stored.seq;
        event.type = *type;
        event.data = stored.data;
        ShowProgress(event, console);
      }
    }
    auto snapshot = client.GetWorkflow(workflow_id);
    if (snapshot) {
      status = snapshot->workflow.status;
      reason = snapshot->workflow.reason;
      if (engine::IsTerminal(status)) break;
      bool any_started = false;
      for (const auto& task : snapshot->tasks)
        any_started = any_started || task.start_time != WallTime{};
      if (!hinted && !any_started && std::chrono::steady_clock::now() - started > kWorkerHintAfter) {
        console.Print("waiting for a worker to take the first task: start one with `reflector worker`");
        hinted = true;
      }
    } else if (!snapshot.error().retryable) {
      console.Done();
      Fail("cannot follow workflow " + workflow_id + ": " + snapshot.error().message);
      return kExitFailed;
    }
    if (!runtime.clock().SleepFor(kFollowInterval, stop.token())) {
      console.Done();
      Fail("stopped following; the workflow keeps running on Conductor: reflector conductor status " +
           workflow_id);
      return kExitInterrupted;
    }
  }
  console.Done();
  store::Transcripts transcripts(runtime.database(), runtime.clock());
  if (status != engine::WorkflowStatus::kCompleted) {
    // The failure workflow (run by a worker) records the failed step and reason; give it time,
    // and record the workflow's reason ourselves if no worker does, so nothing stays `processing`.
    auto deadline = std::chrono::steady_clock::now() + kFailureRecordWait;
    for (;;) {
      auto transcript = transcripts.Get(transcript_id);
      if (transcript && transcript->status == store::TranscriptStatus::kError) break;
      if (std::chrono::steady_clock::now() > deadline || !runtime.clock().SleepFor(kFollowInterval, {})) {
        (void)transcripts.SetFailure(transcript_id, "workflow",
                                     reason.empty() ? std::string(engine::ToString(status)) : reason);
        (void)transcripts.SetStatus(transcript_id, store::TranscriptStatus::kError);
        break;
      }
    }
  }
  return ReportOutcome(runtime, transcript_id, status, output_dir, json, console);
}

// Starts the pipeline on Conductor and follows it.
int RunOnConductor(Runtime& runtime, const std::string& transcript_id, const std::string& recording_id,
                   const Json& input, const ProcessOptions& options) {
  const std::string& server = runtime.settings().conductor_server_url;
  engine::ConductorClient client(runtime.http(), {server});
  store::Transcripts transcripts(runtime.database(), runtime.clock());
  auto fail_start = [&](const std::string& message) {
    Fail(message);
    (void)transcripts.SetFailure(transcript_id, "start", message);
    (void)transcripts.SetStatus(transcript_id, store::TranscriptStatus::kError);
    return kExitFailed;
  };
  if (auto health = client.Health(); !health.ok()) {
    return fail_start("Conductor (CONDUCTOR_SERVER_URL=" + server +
                      ") is not available: " + health.error().message);
  }
  // Definitions are registered when the server does not know the workflow yet; changing them on
  // a server in use is an operator's step (`reflector conductor register`), not a side effect of
  // starting one meeting.
  const auto& definitions = runtime.definitions();
  auto known = client.GetWorkflowDef(definitions.pipeline.name, definitions.pipeline.version);
  if (!known)
    return fail_start("asking " + server + " for the workflow definition: " + known.error().message);
  if (!known->has_value()) {
    std::vector<engine::TaskDef> task_defs;
    for (const auto& [name, def] : definitions.task_defs)
      task_defs.push_back(def);
    auto changes =
        engine::RegisterDefinitions(client, task_defs, {definitions.failure, definitions.pipeline});
    if (!changes) return fail_start("registering the workflow on " + server + ": " + changes.error().message);
    for (const auto& change : *changes)
      log::Info("conductor definition registered", {{"change", engine::Describe(change)}});
  }
  auto workflow_id =
      client.StartWorkflow(definitions.pipeline.name, definitions.pipeline.version, input, transcript_id);
  if (!workflow_id)
    return fail_start("starting the workflow on " + server + ": " + workflow_id.error().message);
  (void)transcripts.SetWorkflow(transcript_id, *workflow_id, "conductor");
  store::Recordings recordings(runtime.database(), runtime.clock());
  (void)recordings.SetWorkflowId(recording_id, *workflow_id);
  std::printf("transcript: %s\n", transcript_id.c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "workflow: %s on %s\n", workflow_id->c_str(), server.c_str());
  return FollowConductor(runtime, client, transcript_id, *workflow_id, options.output, options.json);
}

int RunProcess(const Settings& settings, const ProcessOptions& options) {
  auto tracks = ParseTrackOptions(options.tracks);
  if (!tracks) {
    Fail(tracks.error().message);
    return kExitUsage;
  }
  const bool on_conductor = options.engine == "conductor";
  if (on_conductor) {
    if (auto shared = CheckSharedState(settings, "reflector process --engine conductor"); !shared.ok()) {
      Fail(shared.error().message);
      return kExitUsage;
    }
  }
  RuntimeOptions runtime_options;
  runtime_options.max_parallel_tasks = options.parallel;
  auto opened = OpenRuntime(settings, runtime_options);
  if (!opened) return kExitFailed;
  Runtime& runtime = *opened;
  std::string transcript_id = runtime.ids().NewId();
  std::string recording_id = runtime.ids().NewId();
  std::string workflow_id = runtime.ids().NewId();

  // The room (its Zulip stream and webhook) and the meeting (its consent answers).
  std::optional<store::Room> room;
  if (!options.room.empty()) {
    store::Rooms rooms(runtime.database(), runtime.clock());
    auto found = rooms.GetByName(options.room);
    if (!found) {
      Fail("--room: " + found.error().message + " (create it with `reflector rooms create " + options.room +
           "`)");
      return kExitUsage;
    }
    room = *found;
  }
  if (!options.meeting.empty()) {
    if (auto meeting = EnsureMeeting(runtime, options.meeting, options.room); !meeting.ok()) {
      Fail("--meeting " + options.meeting + ": " + meeting.error().message);
      return kExitFailed;
    }
  }

  // The files go into object storage first: tasks only ever see keys.
  auto bucket = runtime.storage().ForBucket(runtime.bucket());
  if (!bucket) {
    Fail(bucket.error().message);
    return kExitFailed;
  }
  Json workflow_tracks = Json::array();
  Json track_keys = Json::array();
  for (std::size_t i = 0; i < tracks->size(); ++i) {
    const TrackOption& track = (*tracks)[i];
    std::string key =
        "uploads/" + recording_id + "/" + std::to_string(i) + "-" + fs::path(track.file).filename().string();
    auto put = (*bucket)->PutFile(key, track.file);
    if (!put.ok()) {
      Fail("track " + track.name + " (" + track.file + "): " + put.error().message);
      return kExitFailed;
    }
    workflow_tracks.push_back({{"s3_key", key}, {"participant_name", track.name}});
    track_keys.push_back(key);
  }
  store::Recordings recordings(runtime.database(), runtime.clock());
  store::Recording recording;
  recording.id = recording_id;
  recording.bucket_name = runtime.bucket();
  recording.object_key = "uploads/" + recording_id;
  recording.recorded_at = std::chrono::duration<double>(runtime.clock().Now().time_since_epoch()).count();
  recording.track_keys = track_keys;
  if (!options.meeting.empty()) recording.meeting_id = options.meeting;
  if (auto created = recordings.Create(recording); !created) {
    Fail(created.error().message);
    return kExitFailed;
  }
  store::Transcripts transcripts(runtime.database(), runtime.clock());
  store::Transcript transcript;
  transcript.id = transcript_id;
  transcript.source_language = options.language;
  transcript.target_language = options.language;
  transcript.recording_id = recording_id;
  transcript.source_kind = "file";
  if (room) transcript.room_id = room->id;
  if (!options.meeting.empty()) transcript.meeting_id = options.meeting;
  if (auto created = transcripts.Create(transcript); !created) {
    Fail(created.error().message);
    return kExitFailed;
  }
  Json input = {{"recording_id", recording_id},
                {"room_name", room ? Json(room->name) : Json(nullptr)},
                {"room_id", room ? Json(room->id) : Json(nullptr)},
                {"transcript_id", transcript_id},
                {"bucket_name", runtime.bucket()},
                {"tracks", workflow_tracks},
                {"source_language", options.language},
                {"target_language", options.language},
                {"platform", "local"}};
  if (on_conductor) return RunOnConductor(runtime, transcript_id, recording_id, input, options);
  auto started =
      runtime.engine().Start(std::string(pipeline::kPipelineWorkflowName), input, transcript_id, workflow_id);
  if (!started) {
    Fail(started.error().message);
    (void)transcripts.SetFailure(transcript_id, "start", started.error().message);
    (void)transcripts.SetStatus(transcript_id, store::TranscriptStatus::kError);
    return kExitFailed;
  }
  (void)transcripts.SetWorkflow(transcript_id, workflow_id, "in_process");
  (void)recordings.SetWorkflowId(recording_id, workflow_id);
  std::printf("transcript: %s\n", transcript_id.c_str());
  std::fflush(stdout);
  return RunToCompletion(runtime, transcript_id, workflow_id, options.output, options.json);
}

int RunResume(const Settings& settings, const std::string& transcript_id, const std::string& output,
              bool json) {
  auto opened = OpenRuntime(settings);
  if (!opened) return kExitFailed;
  Runtime& runtime = *opened;
  store::Transcripts transcripts(runtime.database(), runtime.clock());
  auto transcript = transcripts.Get(transcript_id);
  if (!transcript) {
    Fail(transcript.error().message);
    return kExitUsage;
  }
  if (!transcript->workflow_id || transcript->engine.value_or("") != "in_process") {
    Fail("transcript " + transcript_id + " has no in-process workflow to resume");
    return kExitUsage;
  }
  std::printf("transcript: %s\n", transcript_id.c_str());
  std::fflush(stdout);
  return RunToCompletion(runtime, transcript_id, *transcript->workflow_id, output, json);
}

int RunList(const Settings& settings) {
  auto opened = OpenRuntime(settings);
  if (!opened) return kExitFailed;
  Runtime& runtime = *opened;
  store::Transcripts transcripts(runtime.database(), runtime.clock());
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

int RunShow(const Settings& settings, const std::string& transcript_id, bool json) {
  auto opened = OpenRuntime(settings);
  if (!opened) return kExitFailed;
  auto document = TranscriptJson(*opened, transcript_id, true);
  if (!document) {
    Fail(document.error().message);
    return document.error().kind == ErrorKind::kNotFound ? kExitUsage : kExitFailed;
  }
  const Json& d = *document;
  if (json) {
    std::printf("%s\n", d.dump(2).c_str());
    return 0;
  }
  std::printf("id: %s\nstatus: %s\ntitle: %s\nduration: %.2f s\n", d["id"].get<std::string>().c_str(),
              d["status"].get<std::string>().c_str(),
              d["title"].is_string() ? d["title"].get<std::string>().c_str() : "",
              d["duration"].get<double>());
  if (!d["failure"].is_null()) {
    std::printf("failed step: %s\nreason: %s\n",
                d["failure"]["step"].is_string() ? d["failure"]["step"].get<std::string>().c_str() : "?",
                d["failure"]["reason"].get<std::string>().c_str());
  }
  for (const auto& p : d["participants"]) {
    std::printf("speaker %d: %s\n", p["speaker"].get<int>(), p["name"].get<std::string>().c_str());
  }
  for (const auto& topic : d["topics"]) {
    std::printf("topic at %.1f s: %s\n", topic["timestamp"].get<double>(),
                topic["title"].get<std::string>().c_str());
  }
  if (d["short_summary"].is_string())
    std::printf("summary: %s\n", d["short_summary"].get<std::string>().c_str());
  std::printf("words: %zu, events: %zu\n", d["words"].size(), d["events"].size());
  return 0;
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
          "in-process (default: runs here) or conductor (starts the workflow on CONDUCTOR_SERVER_URL "
          "and follows it while `reflector worker` processes run the tasks; needs PostgreSQL and S3)")
      ->capture_default_str()
      ->check(CLI::IsMember({"in-process", "conductor"}));
  process->add_option(
      "--room", options->room,
      "attach the transcript to this room (see `reflector rooms`): its Zulip stream and webhook "
      "are notified");
  process->add_option("--meeting", options->meeting,
                      "the meeting the tracks were recorded in (see `reflector consent`); a consent denial "
                      "deletes the audio after processing");
  registry.Add(process, [options](const Settings& settings) { return RunProcess(settings, *options); });

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
