#include "service/engine_modes.hpp"

#include "core/log.hpp"
#include "events/events.hpp"
#include "service/service_context.hpp"
#include "service/shadow.hpp"
#include "store/transcripts.hpp"

namespace reflector::service {
namespace {

Result<EngineStart> StartOn(ServiceContext& context, engine::Engine& engine,
                            const store::Transcript& transcript, const Json& input) {
  REFLECTOR_ASSIGN_OR_RETURN(std::string workflow_id,
                             engine.Start(context.pipeline_name, input, transcript.id));
  return EngineStart{std::move(workflow_id), std::string(engine.Name()), std::nullopt};
}

// The transcript's ENGINE_FALLBACK event, the hook and the log, before the in-process start.
void RecordFallback(ServiceContext& context, const store::Transcript& transcript, FallbackReason reason,
                    const Error& error) {
  const EngineModes& modes = *context.modes;
  const std::string from(modes.conductor->Name());
  const std::string to(modes.in_process->Name());
  log::Warn("Conductor cannot run the workflow; falling back to the in-process engine",
            {{"transcript_id", transcript.id},
             {"reason", std::string(ToString(reason))},
             {"error", error.message}});
  store::TranscriptEvents events(*context.database, *context.clock);
  const Json data = events::EngineFallbackData(from, to, ToString(reason), error.message);
  auto seq = events.Append(transcript.id, events::ToString(events::EventType::kEngineFallback), data);
  if (!seq) {
    log::Warn("fallback event not stored",
              {{"transcript_id", transcript.id}, {"error", seq.error().message}});
  } else if (context.bus != nullptr) {
    context.bus->Publish(
        events::Event{transcript.id, *seq, events::EventType::kEngineFallback, data, context.clock->Now()});
  }
  if (modes.hooks.fallback) modes.hooks.fallback(reason);
}

// kConductor: on Conductor, or on the in-process engine at once when Conductor cannot.
Result<EngineStart> StartOnConductor(ServiceContext& context, const store::Transcript& transcript,
                                     const Json& input) {
  const EngineModes& modes = *context.modes;
  std::optional<ConductorTrouble> trouble;
  if (modes.conductor_health) trouble = modes.conductor_health();
  if (!trouble) {
    auto started = StartOn(context, *modes.conductor, transcript, input);
    if (started) return started;
    trouble = ConductorTrouble{FallbackReason::kRefused, started.error()};
  }
  if (modes.in_process == nullptr) return trouble->error;
  RecordFallback(context, transcript, trouble->reason, trouble->error);
  REFLECTOR_ASSIGN_OR_RETURN(EngineStart fallen_back, StartOn(context, *modes.in_process, transcript, input));
  fallen_back.fallback = trouble->reason;
  return fallen_back;
}

}  // namespace

std::string_view ToString(EngineMode mode) {
  switch (mode) {
    case EngineMode::kInProcess:
      return "in_process";
    case EngineMode::kConductor:
      return "conductor";
    case EngineMode::kShadow:
      return "shadow";
  }
  return "in_process";
}

std::string_view ToString(FallbackReason reason) {
  switch (reason) {
    case FallbackReason::kUnreachable:
      return "unreachable";
    case FallbackReason::kUnhealthy:
      return "unhealthy";
    case FallbackReason::kRefused:
      return "refused";
  }
  return "refused";
}

engine::Engine* EngineNamed(const ServiceContext& context, std::string_view name) {
  if (context.modes != nullptr) {
    for (engine::Engine* engine : {context.modes->in_process, context.modes->conductor}) {
      if (engine != nullptr && engine->Name() == name) return engine;
    }
  }
  if (context.engine != nullptr && context.engine->Name() == name) return context.engine;
  return nullptr;
}

Result<EngineStart> StartWorkflow(ServiceContext& context, const store::Transcript& transcript,
                                  const Json& input) {
  if (context.modes == nullptr) return StartOn(context, *context.engine, transcript, input);
  const EngineModes& modes = *context.modes;
  switch (modes.mode) {
    case EngineMode::kConductor:
      return StartOnConductor(context, transcript, input);
    case EngineMode::kShadow: {
      REFLECTOR_ASSIGN_OR_RETURN(EngineStart primary, StartOn(context, *modes.in_process, transcript, input));
      if (auto shadow = StartShadowRun(context, transcript, input, primary); !shadow) {
        log::Warn("shadow run not started", {{"transcript_id", transcript.id},
                                             {"error", shadow.error().message}});  // never fails the primary
      }
      return primary;
    }
    case EngineMode::kInProcess:
      break;
  }
  return StartOn(context, *modes.in_process, transcript, input);
}

}  // namespace reflector::service
