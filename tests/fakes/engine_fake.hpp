#pragma once
// A fake of the Engine seam whose answers the test sets: Start records the call (or refuses
// with `refuse_start`) and answers "<id_prefix>N" for the N-th start ("wf-N"), Get reports
// `status`, `reason` and `tasks` (with the name, input and correlation id of a workflow it
// started, or `workflow_name`; with `only_known_ids`, NotFound for an id it did not start; the
// version is `version`; the errors of `get_errors` first, one per call), Terminate, Retry and
// Resume record the id (or refuse with `refuse_change`).

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace reflector::testing {

class ScriptedEngine final : public engine::Engine {
 public:
  std::string_view Name() const override { return name; }
  Result<std::string> Start(const std::string& workflow, const Json& input,
                            const std::string& correlation_id) override {
    std::lock_guard lock(mutex);
    if (refuse_start) return *refuse_start;
    started.push_back({workflow, input, correlation_id});
    return id_prefix + std::to_string(started.size());
  }
  Result<engine::WorkflowSnapshot> Get(const std::string& workflow_id) override {
    std::lock_guard lock(mutex);
    ++gets;
    if (!get_errors.empty()) {
      Error error = get_errors.front();
      get_errors.erase(get_errors.begin());
      return error;
    }
    if (only_known_ids && !Knows(workflow_id))
      return Error::Terminal(ErrorKind::kNotFound, "workflow " + workflow_id + " not found");
    engine::WorkflowSnapshot snapshot;
    snapshot.workflow.id = workflow_id;
    snapshot.workflow.status = status;
    snapshot.workflow.reason = reason;
    snapshot.workflow.name = workflow_name;
    snapshot.workflow.version = version;
    for (std::size_t i = 0; i < started.size(); ++i) {
      if (workflow_id != id_prefix + std::to_string(i + 1)) continue;
      snapshot.workflow.name = started[i].workflow;
      snapshot.workflow.input = started[i].input;
      snapshot.workflow.correlation_id = started[i].correlation_id;
    }
    snapshot.tasks = tasks;
    return snapshot;
  }
  Status Terminate(const std::string& workflow_id, const std::string&) override {
    std::lock_guard lock(mutex);
    if (refuse_change) return *refuse_change;
    terminated.push_back(workflow_id);
    return Ok();
  }
  Status Retry(const std::string& workflow_id) override {
    std::lock_guard lock(mutex);
    if (refuse_change) return *refuse_change;
    retried.push_back(workflow_id);
    return Ok();
  }
  Status Resume(const std::string& workflow_id) override {
    std::lock_guard lock(mutex);
    if (refuse_change) return *refuse_change;
    resumed.push_back(workflow_id);
    return Ok();
  }
  // Whether this engine started `workflow_id` (call with `mutex` held).
  bool Knows(const std::string& workflow_id) const {
    for (std::size_t i = 0; i < started.size(); ++i) {
      if (workflow_id == id_prefix + std::to_string(i + 1)) return true;
    }
    return false;
  }

  struct StartCall {
    std::string workflow;
    Json input;
    std::string correlation_id;
  };
  std::mutex mutex;
  std::string name = "in_process";
  std::string id_prefix = "wf-";
  bool only_known_ids = false;
  std::optional<Error> refuse_start;
  std::optional<Error> refuse_change;  // of Terminate, Retry and Resume
  std::vector<Error> get_errors;
  int gets = 0;  // calls of Get
  std::vector<StartCall> started;
  std::vector<std::string> resumed;
  std::vector<std::string> retried;
  std::vector<std::string> terminated;
  std::string workflow_name;  // of a workflow this engine did not start
  int version = 1;
  engine::WorkflowStatus status = engine::WorkflowStatus::kRunning;
  std::string reason;
  std::vector<engine::TaskRun> tasks;
};

}  // namespace reflector::testing
