#pragma once
// Shadow runs (CONDUCTOR_SHADOW_MODE=true, SHADOW-001/002): beside each primary run on the
// in-process engine, the same input runs on Conductor into a hidden shadow transcript, and
// once both ended their comparison is stored (store::ShadowRuns).
//
// The shadow run's workflow input is the primary's with: its own transcript_id,
// `notifications: false` (no Zulip message, no webhook), `storage_prefix` (its objects under
// "shadow/<transcript id>/"), and `delete_source_audio: false` (a consent denial deletes only
// its own copies; the raw tracks belong to the primary). The shadow transcript copies the
// primary's owner, room, meeting, recording, languages and sharing, so the same people may read
// it by id; lists and search never show it.
//
// Who compares: whoever finds both ended first. `reflector serve` checks every running shadow
// run every few seconds (ShadowMonitor), `reflector process` waits for its own shadow after its
// primary ended (WaitForComparison), and `reflector shadow report` and GET /v1/shadow/{id}
// compare a finished pair they find uncompared. The store keeps the first comparison only, so
// processes racing to compare agree.

#include <chrono>
#include <stop_token>
#include <string>

#include "core/json.hpp"
#include "core/result.hpp"
#include "service/engine_modes.hpp"
#include "store/shadow_runs.hpp"

namespace reflector::service {

struct ServiceContext;

// Starts the shadow run of a primary run that just started: creates the shadow transcript and
// the shadow_runs row in one transaction, then starts the workflow on context.modes->conductor.
// A refused start is recorded on the row (start_failed) and the shadow transcript (error), and
// returned; the primary is never affected. Needs context.modes with a conductor engine.
Result<store::ShadowRun> StartShadowRun(ServiceContext& context, const store::Transcript& primary,
                                        const Json& primary_input, const EngineStart& primary_start);

// When the row is running and both workflows have ended, compares the two transcripts and
// stores the comparison (once; hooks.compared is told when this call stored it). Returns the
// row as it is afterwards (still running when a workflow has not ended, or an engine could not
// be asked).
Result<store::ShadowRun> CompareIfEnded(ServiceContext& context, const store::ShadowRun& run);

// Calls CompareIfEnded every `poll` until the row is no longer running, `limit` passed or `stop`
// is requested; returns the row as it is then.
Result<store::ShadowRun> WaitForComparison(ServiceContext& context, const std::string& shadow_run_id,
                                           std::chrono::milliseconds limit, std::stop_token stop,
                                           std::chrono::milliseconds poll = std::chrono::milliseconds(1000));

// The JSON the API and `reflector shadow report --json` show for a row.
Json ShadowRunJson(const store::ShadowRun& run);

}  // namespace reflector::service
