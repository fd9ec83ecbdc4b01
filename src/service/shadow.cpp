#include "service/shadow.hpp"

#include "core/log.hpp"
#include "service/service_context.hpp"
#include "service/shadow_compare.hpp"

namespace reflector::service {
namespace {

// The shadow transcript: the primary's owner, room, meeting, recording, languages and sharing.
store::Transcript ShadowTranscriptOf(ServiceContext& context, const store::Transcript& primary) {
  store::Transcript shadow;
  shadow.id = context.ids->NewId();
  shadow.name = primary.name;
  shadow.source_language = primary.source_language;
  shadow.target_language = primary.target_language;
  shadow.recording_id = primary.recording_id;
  shadow.room_id = primary.room_id;
  shadow.meeting_id = primary.meeting_id;
  shadow.user_id = primary.user_id;
  shadow.share_mode = primary.share_mode;
  shadow.source_kind = primary.source_kind;
  return shadow;
}

Json ShadowInputOf(const Json& primary_input, const std::string& shadow_transcript_id,
                   const std::string& prefix) {
  Json input = primary_input;
  input["transcript_id"] = shadow_transcript_id;
  input["notifications"] = false;
  input["storage_prefix"] = prefix;
  input["delete_source_audio"] = false;
  return input;
}

// Records a refused shadow start on the row and the shadow transcript.
void RecordShadowStartFailure(ServiceContext& context, const store::ShadowRun& run, const Error& error) {
  store::ShadowRuns runs(*context.database, *context.clock);
  (void)runs.SetStartFailed(run.id, error.message);
  store::Transcripts transcripts(*context.database, *context.clock);
  (void)transcripts.SetFailure(run.shadow_transcript_id, "start", error.message);
  (void)transcripts.SetStatus(run.shadow_transcript_id, store::TranscriptStatus::kError);
  if (context.modes != nullptr && context.modes->hooks.shadow_started)
    context.modes->hooks.shadow_started(false);
}

std::string TimeText(double seconds) {
  return FormatIso8601(
      WallTime{} + std::chrono::duration_cast<WallTime::duration>(std::chrono::duration<double>(seconds)),
      IsoFraction::kWhenNotZero);
}

// Both workflows when both have ended; nullopt while either runs.
struct EndedPair {
  engine::WorkflowSnapshot primary;
  engine::WorkflowSnapshot shadow;
};
Result<std::optional<EndedPair>> EndedWorkflows(ServiceContext& context, const store::ShadowRun& run) {
  engine::Engine* primary_engine = EngineNamed(context, run.primary_engine);
  engine::Engine* shadow_engine = EngineNamed(context, run.shadow_engine);
  if (primary_engine == nullptr || shadow_engine == nullptr) {
    return Error::Terminal(ErrorKind::kConflict, "shadow run " + run.id + " ran on " + run.primary_engine +
                                                     " and " + run.shadow_engine +
                                                     "; this process does not have both engines");
  }
  REFLECTOR_ASSIGN_OR_RETURN(engine::WorkflowSnapshot primary, primary_engine->Get(run.primary_workflow_id));
  if (!engine::IsTerminal(primary.workflow.status)) return std::optional<EndedPair>();
  REFLECTOR_ASSIGN_OR_RETURN(engine::WorkflowSnapshot shadow, shadow_engine->Get(*run.shadow_workflow_id));
  if (!engine::IsTerminal(shadow.workflow.status)) return std::optional<EndedPair>();
  return std::optional<EndedPair>(EndedPair{std::move(primary), std::move(shadow)});
}

}  // namespace

Result<store::ShadowRun> StartShadowRun(ServiceContext& context, const store::Transcript& primary,
                                        const Json& primary_input, const EngineStart& primary_start) {
  if (context.modes == nullptr || context.modes->conductor == nullptr)
    return Error::Internal("shadow run without a shadow engine");
  engine::Engine& shadow_engine = *context.modes->conductor;
  if (!primary.recording_id || primary.recording_id->empty())
    return Error::InvalidInput("transcript " + primary.id + " has no recording to run a shadow of");
  store::Transcript transcript = ShadowTranscriptOf(context, primary);
  store::ShadowRun run;
  run.id = context.ids->NewId();
  run.recording_id = *primary.recording_id;
  run.primary_transcript_id = primary.id;
  run.primary_workflow_id = primary_start.workflow_id;
  run.primary_engine = primary_start.engine;
  run.shadow_transcript_id = transcript.id;
  run.shadow_engine = std::string(shadow_engine.Name());
  // In one transaction, so the shadow transcript is never listed, not even for a moment.
  REFLECTOR_TRY(
      context.database->WithTransaction("create shadow run", [&](store::Session& session) -> Status {
        store::Transcripts transcripts(session, *context.clock);
        if (auto created = transcripts.Create(transcript); !created) return created.error();
        store::ShadowRuns runs(session, *context.clock);
        if (auto created = runs.Create(run); !created) return created.error();
        return Ok();
      }));
  const Json input = ShadowInputOf(primary_input, transcript.id, context.modes->shadow_storage_prefix);
  auto workflow_id = shadow_engine.Start(context.pipeline_name, input, transcript.id);
  if (!workflow_id) {
    RecordShadowStartFailure(context, run, workflow_id.error());
    return workflow_id.error().WithContext("shadow run of transcript " + primary.id);
  }
  store::ShadowRuns runs(*context.database, *context.clock);
  REFLECTOR_TRY(runs.SetStarted(run.id, *workflow_id));
  store::Transcripts transcripts(*context.database, *context.clock);
  REFLECTOR_TRY(transcripts.SetWorkflow(transcript.id, *workflow_id, run.shadow_engine));
  log::Info("shadow run started", {{"recording_id", run.recording_id},
                                   {"primary_workflow_id", run.primary_workflow_id},
                                   {"shadow_transcript_id", transcript.id},
                                   {"shadow_workflow_id", *workflow_id},
                                   {"engine", run.shadow_engine}});
  if (context.modes->hooks.shadow_started) context.modes->hooks.shadow_started(true);
  return runs.Get(run.id);
}

Result<store::ShadowRun> CompareIfEnded(ServiceContext& context, const store::ShadowRun& run) {
  if (run.status != store::kShadowRunning || !run.shadow_workflow_id) return run;
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<EndedPair> ended, EndedWorkflows(context, run));
  if (!ended) return run;
  store::Transcripts transcripts(*context.database, *context.clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript primary, transcripts.Get(run.primary_transcript_id));
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript shadow, transcripts.Get(run.shadow_transcript_id));
  ShadowComparison comparison = CompareRuns(FactsOf(primary, ended->primary, run.primary_engine),
                                            FactsOf(shadow, ended->shadow, run.shadow_engine));
  store::ShadowRuns runs(*context.database, *context.clock);
  REFLECTOR_ASSIGN_OR_RETURN(bool stored, runs.SetCompared(run.id, comparison.ToJson(), comparison.agreed));
  if (stored) {
    std::string differences;
    for (const auto& what : comparison.differences)
      differences += (differences.empty() ? "" : ", ") + what;
    log::Info("shadow comparison stored", {{"recording_id", run.recording_id},
                                           {"agreed", comparison.agreed},
                                           {"word_error_rate", comparison.words.word_error_rate},
                                           {"differences", differences}});
    if (context.modes != nullptr && context.modes->hooks.compared) context.modes->hooks.compared(comparison);
  }
  return runs.Get(run.id);
}

Result<store::ShadowRun> WaitForComparison(ServiceContext& context, const std::string& shadow_run_id,
                                           std::chrono::milliseconds limit, std::stop_token stop,
                                           std::chrono::milliseconds poll) {
  store::ShadowRuns runs(*context.database, *context.clock);
  const auto deadline = context.clock->Monotonic() + limit;
  for (;;) {
    REFLECTOR_ASSIGN_OR_RETURN(store::ShadowRun run, runs.Get(shadow_run_id));
    auto compared = CompareIfEnded(context, run);
    // An engine that cannot answer now (a server restarting) may answer at the next poll.
    if (!compared && !compared.error().retryable) return compared.error();
    if (compared && compared->status != store::kShadowRunning) return compared;
    if (context.clock->Monotonic() >= deadline || stop.stop_requested()) return compared ? *compared : run;
    if (!context.clock->SleepFor(poll, stop)) return compared ? *compared : run;
  }
}

Json ShadowRunJson(const store::ShadowRun& run) {
  return Json{{"id", run.id},
              {"recording_id", run.recording_id},
              {"status", run.status},
              {"error", run.error ? Json(*run.error) : Json(nullptr)},
              {"agreed", run.agreed ? Json(*run.agreed) : Json(nullptr)},
              {"created_at", TimeText(run.created_at)},
              {"compared_at", run.compared_at ? Json(TimeText(*run.compared_at)) : Json(nullptr)},
              {"primary",
               {{"transcript_id", run.primary_transcript_id},
                {"workflow_id", run.primary_workflow_id},
                {"engine", run.primary_engine}}},
              {"shadow",
               {{"transcript_id", run.shadow_transcript_id},
                {"workflow_id", run.shadow_workflow_id ? Json(*run.shadow_workflow_id) : Json(nullptr)},
                {"engine", run.shadow_engine}}},
              {"comparison", run.comparison ? *run.comparison : Json(nullptr)}};
}

}  // namespace reflector::service
