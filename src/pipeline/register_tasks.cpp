#include <algorithm>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "pipeline/tasks.hpp"
#include "store/transcripts.hpp"

namespace reflector::pipeline {
namespace {

using TaskBody = Result<Json> (*)(TaskContext&);

struct TaskEntry {
  const char* name = nullptr;
  TaskBody body = nullptr;
  bool reports_progress = false;  // a step of the progress list
  bool starts_run = false;        // the first step: the transcript becomes `processing` before it starts
};

constexpr TaskEntry kTasks[] = {
    {"get_recording", &GetRecording, true, true},
    {"get_participants", &GetParticipants, true},
    {"generate_dynamic_fork_tasks", &GenerateDynamicForkTasks, false},
    {"pad_track", &PadTrack, true},
    {"mixdown_tracks", &MixdownTracks, true},
    {"generate_waveform", &GenerateWaveform, true},
    {"transcribe_track", &TranscribeTrack, true},
    {"merge_transcripts", &MergeTranscripts, true},
    {"detect_topics", &DetectTopics, true},
    {"generate_title", &GenerateTitle, true},
    {"generate_summary", &GenerateSummary, true},
    {"finalize", &Finalize, true},
    {"cleanup_consent", &CleanupConsent, true},
    {"post_zulip", &PostZulip, true},
    {"send_webhook", &SendWebhook, true},
    {"record_pipeline_failure", &RecordPipelineFailure, false},
};

void EmitProgress(TaskContext& context, const std::string& step, events::StepStatus status) {
  const auto& steps = context.services().step_names;
  auto it = std::find(steps.begin(), steps.end(), step);
  events::PipelineProgress progress;
  progress.workflow_id = context.execution().workflow_id;
  progress.current_step = step;
  progress.step_index = it == steps.end() ? 0 : static_cast<int>(it - steps.begin()) + 1;
  progress.total_steps = static_cast<int>(steps.size());
  progress.step_status = status;
  const Json& input = context.input();
  if (input.contains("track_index") && input["track_index"].is_number_integer()) {
    progress.track_index = input["track_index"].get<int>();
  }
  if (input.contains("track_count") && input["track_count"].is_number_integer()) {
    progress.track_count = input["track_count"].get<int>();
  }
  auto emitted = context.Emit(events::EventType::kPipelineProgress, events::PipelineProgressData(progress));
  if (!emitted.ok())
    log::Warn("progress event not stored", {{"step", step}, {"error", emitted.error().message}});
}

Result<Json> RunTask(const TaskEntry& entry, const engine::TaskExecution& execution,
                     PipelineServices& services) {
  TaskContext context(execution, services);
  auto transcript_id = GetString(execution.input, "transcript_id");
  if (!transcript_id) return transcript_id.error().WithContext(entry.name);
  if (!IsUuid(*transcript_id)) {
    return Error::InvalidInput(std::string(entry.name) + ": transcript_id '" + *transcript_id +
                               "' is not a uuid");
  }
  context.set_transcript_id(*transcript_id);
  auto storage_prefix = CheckStoragePrefix(execution.input);
  if (!storage_prefix) return storage_prefix.error().WithContext(entry.name);
  context.set_storage_prefix(*storage_prefix);
  log::Info("task started", {{"task", entry.name},
                             {"workflow_id", execution.workflow_id},
                             {"task_id", execution.task_id},
                             {"transcript_id", *transcript_id},
                             {"attempt", execution.retry_count + 1}});
  if (entry.starts_run) REFLECTOR_TRY(context.SetStatus(store::TranscriptStatus::kProcessing));
  if (entry.reports_progress) {
    store::Transcripts transcripts(*services.database, *services.clock);
    (void)transcripts.SetCurrentStep(*transcript_id, std::string(entry.name));
    EmitProgress(context, entry.name, events::StepStatus::kInProgress);
  }
  Result<Json> result = entry.body(context);
  if (entry.reports_progress) {
    EmitProgress(context, entry.name,
                 result.ok() ? events::StepStatus::kCompleted : events::StepStatus::kFailed);
  }
  if (result.ok()) {
    log::Info("task completed",
              {{"task", entry.name}, {"workflow_id", execution.workflow_id}, {"task_id", execution.task_id}});
  } else {
    log::Warn("task failed", {{"task", entry.name},
                              {"workflow_id", execution.workflow_id},
                              {"task_id", execution.task_id},
                              {"retryable", result.error().retryable},
                              {"error", result.error().message}});
  }
  return result;
}

}  // namespace

void RegisterPipelineTasks(engine::TaskRegistry& registry, PipelineServices& services) {
  for (const TaskEntry& entry : kTasks) {
    registry.Register(entry.name, [&entry, &services](const engine::TaskExecution& execution) {
      return RunTask(entry, execution, services);
    });
  }
}

Result<int> TrackIndex(const Json& input) {
  auto index = GetInt(input, "track_index");
  if (!index) return index.error();
  if (*index < 0) return Error::InvalidInput("field 'track_index' must be >= 0");
  return static_cast<int>(*index);
}

}  // namespace reflector::pipeline
