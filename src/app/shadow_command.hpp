#pragma once
// `reflector shadow report [RECORDING_ID]`: the comparison of a recording's primary run and its
// shadow run (CONDUCTOR_SHADOW_MODE), or a line per recent shadow run; a finished pair not
// compared yet is compared first. And what `process` and `resume` show of their own shadow run.

#include <stop_token>
#include <string>

#include "app/commands.hpp"
#include "app/runtime.hpp"
#include "core/json.hpp"

namespace reflector::app {

void RegisterShadowCommands(CLI::App& cli, CommandRegistry& registry);

// The report of one shadow run (service::ShadowRunJson) for people.
std::string ShadowReportText(const Json& shadow_run);
// One line of the list of shadow runs, and its header.
std::string ShadowListHeader();
std::string ShadowListLine(const Json& shadow_run);

// After a run ended in the foreground: when it has a shadow run, waits for it (up to
// CONDUCTOR_SHADOW_WAIT_SECONDS, or until `stop`), compares them and prints the report on
// stderr, or says how to see it later. Nothing without a shadow run.
void ReportShadowOfRun(Runtime& runtime, const std::string& transcript_id, const std::string& workflow_id,
                       std::stop_token stop);

}  // namespace reflector::app
