#pragma once
// Following a run in the foreground and reporting it to a person: live progress on stderr, the
// outcome (title, status, duration, or the failed step and reason) on stdout, the results
// written to a folder. Shared by `process` and `resume`.

#include <string>

#include "app/runtime.hpp"
#include "service/processing.hpp"

namespace reflector::app {

inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

// Prints "reflector: <what>" on stderr.
void Fail(const std::string& what);

// The exit code for an error that stopped a command before any work: 2 for bad input, unknown
// names and settings to change, 1 otherwise.
int ExitCodeFor(const Error& error);

// The runtime, or nullptr after telling the user why it could not be built (`exit_code` set).
std::unique_ptr<Runtime> OpenRuntime(const Settings& settings, RuntimeOptions options, int& exit_code);

// Follows the transcript's workflow until it ends (Ctrl-C stops following), then reports it:
// writes the results into `output_dir` when given, prints the transcript as JSON (`json`) or
// a short summary; in shadow mode then waits for the shadow run and prints the comparison on
// stderr (ReportShadowOfRun). Returns the process exit code (0, 1, or 130 when interrupted),
// which the shadow run never changes.
int FollowAndReport(Runtime& runtime, const std::string& transcript_id, const std::string& workflow_id,
                    const std::string& output_dir, bool json);

// What `process` and `reprocess` do with a run they started: a refusal is reported (its exit
// code returned); otherwise "transcript: ID" on stdout, the workflow and engine on stderr, then
// FollowAndReport.
int ReportStartedAndFollow(Runtime& runtime, const Result<service::StartedRun>& started,
                           const std::string& output_dir, bool json);

}  // namespace reflector::app
