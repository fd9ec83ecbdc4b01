#pragma once
// One Engine over several: new workflows start on the first; Get, Terminate, Retry and Resume
// go to whichever engine knows the workflow id. So a process that starts workflows on Conductor
// but ran some on the in-process engine (a fallback), or runs a shadow on a second engine,
// still follows, re-runs and resumes every one of them through the one seam.
//
// Engines are asked in the order given (put the in-process engine, a database read, before a
// remote server). An engine "knows" an id unless it answers NotFound. When none knows it: the
// first non-NotFound error of an engine that could not answer (a server that is down: retryable),
// else NotFound naming the id.

#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace reflector::engine {

class EngineRouter final : public Engine {
 public:
  // `start_on` runs new workflows; `lookup_order` holds every engine (start_on among them), each
  // outliving the router.
  EngineRouter(Engine& start_on, std::vector<Engine*> lookup_order);

  std::string_view Name() const override { return start_on_.Name(); }
  Result<std::string> Start(const std::string& name, const Json& input,
                            const std::string& correlation_id) override;
  Result<WorkflowSnapshot> Get(const std::string& workflow_id) override;
  Status Terminate(const std::string& workflow_id, const std::string& reason) override;
  Status Retry(const std::string& workflow_id) override;
  Status Resume(const std::string& workflow_id) override;

  // The engine that knows the workflow, or the error described above.
  Result<Engine*> EngineOf(const std::string& workflow_id);
  // The engine called `name` (Engine::Name()), or null.
  Engine* Named(std::string_view name) const;

 private:
  struct Located {
    Engine* engine = nullptr;
    WorkflowSnapshot snapshot;
  };
  Result<Located> Locate(const std::string& workflow_id);

  Engine& start_on_;
  std::vector<Engine*> engines_;
};

}  // namespace reflector::engine
