#include "app/process_command.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "app/console_progress.hpp"
#include "app/runtime.hpp"
#include "app/track_option.hpp"
#include "app/transcript_export.hpp"
#include "core/log.hpp"
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

// Shows PIPELINE_PROGRESS events of one transcript as they are appended.
class ProgressView {
 public:
  ProgressView(Runtime& runtime, const std::string& transcript_id, ConsoleProgress& console)
      : subscription_(runtime.bus().Subscribe(transcript_id, [&console](const events::Event& event) {
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
        })) {}

 private:
  events::EventBus::Subscription subscription_;
};

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

int RunProcess(const Settings& settings, const ProcessOptions& options) {
  auto tracks = ParseTrackOptions(options.tracks);
  if (!tracks) {
    Fail(tracks.error().message);
    return kExitUsage;
  }
  RuntimeOptions runtime_options;
  runtime_options.max_parallel_tasks = options.parallel;
  auto opened = OpenRuntime(settings, runtime_options);
  if (!opened) return kExitFailed;
  Runtime& runtime = *opened;
  std::string transcript_id = runtime.ids().NewId();
  std::string recording_id = runtime.ids().NewId();
  std::string workflow_id = runtime.ids().NewId();

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
  if (auto created = transcripts.Create(transcript); !created) {
    Fail(created.error().message);
    return kExitFailed;
  }
  Json input = {{"recording_id", recording_id},
                {"room_name", nullptr},
                {"room_id", nullptr},
                {"transcript_id", transcript_id},
                {"bucket_name", runtime.bucket()},
                {"tracks", workflow_tracks},
                {"source_language", options.language},
                {"target_language", options.language},
                {"platform", "local"}};
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
  auto* process =
      cli.add_subcommand("process", "turn per-speaker tracks into a transcript (in-process engine)");
  process->add_option("--track", options->tracks, "NAME=FILE, one per participant (any audio FFmpeg reads)")
      ->required();
  process->add_option("--language", options->language, "spoken language")->capture_default_str();
  process->add_option("--output", options->output,
                      "directory for transcript.json, audio.mp3, waveform.json and transcript.vtt");
  process->add_flag("--json", options->json, "print the transcript as JSON on stdout");
  process->add_option("--parallel", options->parallel, "tasks run at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
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
