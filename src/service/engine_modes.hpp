#pragma once
// Where a new workflow runs (the seed's migration phases): the one decision every entry point
// shares, made in StartWorkflow, which service::StartPipeline calls.
//
//   kInProcess  the in-process engine runs it (CONDUCTOR_ENABLED=false).
//   kConductor  Conductor runs it (CONDUCTOR_ENABLED=true). When Conductor is unreachable,
//               reports itself unhealthy, or refuses the start, the in-process engine runs the
//               same workflow at once: the transcript gets an ENGINE_FALLBACK event
//               {from, to, reason, error}, `hooks.fallback` counts it (/metrics) and a warning is
//               logged (CUTOVER-002).
//   kShadow     the in-process engine runs it (the primary run users see), and a shadow run of
//               the same input starts on Conductor (CONDUCTOR_SHADOW_MODE=true; see shadow.hpp).
//               A shadow that cannot start is recorded and never fails the primary.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"
#include "engine/engine.hpp"
#include "store/transcripts.hpp"

namespace reflector::service {

struct ServiceContext;
struct ShadowComparison;

enum class EngineMode { kInProcess, kConductor, kShadow };
// "in_process", "conductor", "shadow".
std::string_view ToString(EngineMode mode);

// Why a start meant for Conductor ran on the in-process engine.
enum class FallbackReason {
  kUnreachable,  // no answer from the server (refused, timed out)
  kUnhealthy,    // the server answered its health check with an error or "healthy": false
  kRefused,      // the server was healthy but refused the registration or the start
};
// "unreachable", "unhealthy", "refused".
std::string_view ToString(FallbackReason reason);

// What the health check before a start on Conductor found: nullopt when healthy.
struct ConductorTrouble {
  FallbackReason reason = FallbackReason::kUnreachable;
  Error error;
};
using ConductorHealthCheck = std::function<std::optional<ConductorTrouble>()>;

// Observers of what the modes do (the server counts them in /metrics); each may be empty and
// is called on the thread that did it.
struct ModeHooks {
  std::function<void(FallbackReason)> fallback;
  // A shadow run started (true) or was refused (false).
  std::function<void(bool started)> shadow_started;
  std::function<void(const ShadowComparison&)> compared;
};

// Where a shadow run's objects go in the bucket by default ("shadow/<transcript id>/...").
inline constexpr std::string_view kShadowStoragePrefix = "shadow/";

struct EngineModes {
  EngineMode mode = EngineMode::kInProcess;
  // The in-process engine: the primary of kInProcess and kShadow, kConductor's fallback.
  engine::Engine* in_process = nullptr;
  // Conductor: kConductor's primary, kShadow's shadow. Null in kInProcess.
  engine::Engine* conductor = nullptr;
  // Asked before each start on Conductor; empty: the start itself finds out.
  ConductorHealthCheck conductor_health;
  // Where a shadow run's objects go in the bucket.
  std::string shadow_storage_prefix{kShadowStoragePrefix};
  ModeHooks hooks;
};

// Where StartWorkflow started the workflow.
struct EngineStart {
  std::string workflow_id;
  std::string engine;                      // Engine::Name() of the engine that runs it
  std::optional<FallbackReason> fallback;  // set when it fell back to the in-process engine
};

// Starts the pipeline workflow `input` for `transcript` per context.modes (see above); without
// modes, on context.engine. Returns the error of the engine that was to run it when no engine
// would (for kConductor: the in-process engine's, after the fallback was recorded).
Result<EngineStart> StartWorkflow(ServiceContext& context, const store::Transcript& transcript,
                                  const Json& input);

// The engine called `name` ("in_process", "conductor") among the context's engines, or null.
engine::Engine* EngineNamed(const ServiceContext& context, std::string_view name);

}  // namespace reflector::service
