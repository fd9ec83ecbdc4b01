#include "engine/conductor/conductor_engine.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "engine/conductor/registration.hpp"

namespace reflector::engine {

ConductorEngine::ConductorEngine(ConductorClient& client, ConductorDefinitions definitions)
    : client_(client), definitions_(std::move(definitions)) {}

std::string ConductorEngine::Where() const {
  return "Conductor at " + client_.base_url();
}

Status ConductorEngine::EnsureRegistered(const std::string& name, int version) {
  std::string key = name + ":" + std::to_string(version);
  {
    std::lock_guard lock(mutex_);
    if (known_.count(key) != 0) return Ok();
  }
  auto known = client_.GetWorkflowDef(name, version);
  if (!known) return known.error().WithContext("asking " + Where() + " for workflow " + name);
  if (!known->has_value()) {
    auto changes = RegisterDefinitions(client_, definitions_.task_defs, definitions_.workflows);
    if (!changes) return changes.error().WithContext("registering the workflow definitions on " + Where());
    for (const auto& change : *changes)
      log::Info("conductor definition registered", {{"change", Describe(change)}});
  }
  std::lock_guard lock(mutex_);
  known_.insert(key);
  return Ok();
}

Result<std::string> ConductorEngine::Start(const std::string& name, const Json& input,
                                           const std::string& correlation_id) {
  if (auto health = client_.Health(); !health.ok())
    return health.error().WithContext(Where() + " is not available");
  int version = 1;
  for (const auto& def : definitions_.workflows) {
    if (def.name == name) version = std::max(version, def.version);
  }
  REFLECTOR_TRY(EnsureRegistered(name, version));
  auto id = client_.StartWorkflow(name, version, input, correlation_id);
  if (!id) return id.error().WithContext("starting workflow " + name + " on " + Where());
  return id;
}

Result<WorkflowSnapshot> ConductorEngine::Get(const std::string& workflow_id) {
  REFLECTOR_ASSIGN_OR_RETURN(WorkflowSnapshot snapshot, client_.GetWorkflow(workflow_id));
  std::stable_sort(snapshot.tasks.begin(), snapshot.tasks.end(),
                   [](const TaskRun& a, const TaskRun& b) { return a.seq < b.seq; });
  return snapshot;
}

Status ConductorEngine::Terminate(const std::string& workflow_id, const std::string& reason) {
  return client_.TerminateWorkflow(workflow_id, reason);
}

Status ConductorEngine::Retry(const std::string& workflow_id) {
  return client_.RetryWorkflow(workflow_id);
}

Status ConductorEngine::Resume(const std::string& workflow_id) {
  REFLECTOR_ASSIGN_OR_RETURN(WorkflowSnapshot snapshot, client_.GetWorkflow(workflow_id));
  if (snapshot.workflow.status != WorkflowStatus::kPaused) return Ok();  // the server drives it
  return client_.ResumeWorkflow(workflow_id);
}

}  // namespace reflector::engine
