#include "engine/engine_router.hpp"

#include <optional>

namespace reflector::engine {

EngineRouter::EngineRouter(Engine& start_on, std::vector<Engine*> lookup_order)
    : start_on_(start_on), engines_(std::move(lookup_order)) {}

Result<std::string> EngineRouter::Start(const std::string& name, const Json& input,
                                        const std::string& correlation_id) {
  return start_on_.Start(name, input, correlation_id);
}

Result<EngineRouter::Located> EngineRouter::Locate(const std::string& workflow_id) {
  std::optional<Error> unanswered;
  for (Engine* engine : engines_) {
    auto snapshot = engine->Get(workflow_id);
    if (snapshot.ok()) return Located{engine, std::move(*snapshot)};
    if (snapshot.error().kind != ErrorKind::kNotFound && !unanswered) unanswered = snapshot.error();
  }
  if (unanswered) return *unanswered;
  return Error::Terminal(ErrorKind::kNotFound, "workflow " + workflow_id + " not found on any engine");
}

Result<Engine*> EngineRouter::EngineOf(const std::string& workflow_id) {
  REFLECTOR_ASSIGN_OR_RETURN(Located located, Locate(workflow_id));
  return located.engine;
}

Result<WorkflowSnapshot> EngineRouter::Get(const std::string& workflow_id) {
  REFLECTOR_ASSIGN_OR_RETURN(Located located, Locate(workflow_id));
  return std::move(located.snapshot);
}

Status EngineRouter::Terminate(const std::string& workflow_id, const std::string& reason) {
  REFLECTOR_ASSIGN_OR_RETURN(Engine * engine, EngineOf(workflow_id));
  return engine->Terminate(workflow_id, reason);
}

Status EngineRouter::Retry(const std::string& workflow_id) {
  REFLECTOR_ASSIGN_OR_RETURN(Engine * engine, EngineOf(workflow_id));
  return engine->Retry(workflow_id);
}

Status EngineRouter::Resume(const std::string& workflow_id) {
  REFLECTOR_ASSIGN_OR_RETURN(Engine * engine, EngineOf(workflow_id));
  return engine->Resume(workflow_id);
}

Engine* EngineRouter::Named(std::string_view name) const {
  for (Engine* engine : engines_) {
    if (engine->Name() == name) return engine;
  }
  return nullptr;
}

}  // namespace reflector::engine
