#pragma once
// The tasks of diarization_pipeline (PIPELINE.md gives each contract), and their registration
// with an engine. Each task is a function of its TaskContext; RegisterPipelineTasks wraps them
// with what every task does: check transcript_id, emit PIPELINE_PROGRESS, record the step.

#include "engine/task_worker.hpp"
#include "pipeline/task_context.hpp"
#include "pipeline/words.hpp"

namespace reflector::pipeline {

Result<Json> GetRecording(TaskContext& context);
Result<Json> GetParticipants(TaskContext& context);
Result<Json> GenerateDynamicForkTasks(TaskContext& context);
Result<Json> PadTrack(TaskContext& context);
Result<Json> MixdownTracks(TaskContext& context);
Result<Json> GenerateWaveform(TaskContext& context);
Result<Json> TranscribeTrack(TaskContext& context);
Result<Json> MergeTranscripts(TaskContext& context);
Result<Json> DetectTopics(TaskContext& context);
Result<Json> GenerateTitle(TaskContext& context);
Result<Json> GenerateSummary(TaskContext& context);
Result<Json> Finalize(TaskContext& context);
Result<Json> CleanupConsent(TaskContext& context);
Result<Json> PostZulip(TaskContext& context);
Result<Json> SendWebhook(TaskContext& context);
Result<Json> RecordPipelineFailure(TaskContext& context);

// Registers every task above under its task definition name.
void RegisterPipelineTasks(engine::TaskRegistry& registry, PipelineServices& services);

// Input helpers whose errors name the field (and are terminal).
Result<int> TrackIndex(const Json& input);

}  // namespace reflector::pipeline
