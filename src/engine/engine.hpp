#pragma once
// The seam every entry point (the CLI, the API server, the Daily webhook and poller) starts and
// watches workflows through. Two implementations: LocalEngine (in_process/: runs the workflow
// in this process, state in the database) and ConductorEngine (conductor/: a Conductor OSS
// server schedules the tasks and `reflector worker` processes run them).
//
// Every method is thread-safe. A started workflow makes progress by itself: callers watch it
// with Get (and the transcript's events), they never drive it.

#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"
#include "engine/model.hpp"

namespace reflector::engine {

class Engine {
 public:
  virtual ~Engine() = default;

  // "in_process" or "conductor": recorded with each transcript's workflow id.
  virtual std::string_view Name() const = 0;

  // Starts the latest version of workflow `name` with `input` (a JSON object) and returns the
  // new workflow's id. Errors name the engine and what refused the start; a retryable error
  // means the same call may succeed later (a server that is down or overloaded).
  virtual Result<std::string> Start(const std::string& name, const Json& input,
                                    const std::string& correlation_id) = 0;

  // The workflow and every task run, ordered by seq. NotFound naming the id.
  virtual Result<WorkflowSnapshot> Get(const std::string& workflow_id) = 0;

  // Stops a running workflow for good (TERMINATED with `reason`). As on Conductor, a
  // terminated workflow does not start its failure workflow: the caller records the outcome.
  virtual Status Terminate(const std::string& workflow_id, const std::string& reason) = 0;

  // Runs a FAILED, TIMED_OUT or TERMINATED workflow again from its failed tasks; tasks that
  // completed are not run again.
  virtual Status Retry(const std::string& workflow_id) = 0;

  // Makes a RUNNING (or paused) workflow progress again when nothing drives it: on the
  // in-process engine, one left by a process that was killed; on Conductor, a paused one (a
  // running one is driven by the server already, so this changes nothing).
  virtual Status Resume(const std::string& workflow_id) = 0;
};

}  // namespace reflector::engine
