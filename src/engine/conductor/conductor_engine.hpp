#pragma once
// The Engine seam over a Conductor OSS server: workflows are started, read, retried and
// terminated through its REST API, and `reflector worker` processes run the tasks.
//
// Start checks the server's health first (so a server that is down gives a clear, retryable
// error at once), and registers the definitions it was given when the server does not know the
// workflow yet. Changing definitions on a server in use is an operator's step
// (`reflector conductor register`), never a side effect of starting one workflow.

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/conductor/conductor_client.hpp"
#include "engine/engine.hpp"

namespace reflector::engine {

// What a server that lacks a workflow gets registered: every task definition and the workflows
// (failure workflows first, so the workflows that name them validate).
struct ConductorDefinitions {
  std::vector<TaskDef> task_defs;
  std::vector<WorkflowDef> workflows;
};

class ConductorEngine final : public Engine {
 public:
  // `client` must outlive this object.
  ConductorEngine(ConductorClient& client, ConductorDefinitions definitions);

  std::string_view Name() const override { return "conductor"; }
  Result<std::string> Start(const std::string& name, const Json& input,
                            const std::string& correlation_id) override;
  Result<WorkflowSnapshot> Get(const std::string& workflow_id) override;
  Status Terminate(const std::string& workflow_id, const std::string& reason) override;
  Status Retry(const std::string& workflow_id) override;
  Status Resume(const std::string& workflow_id) override;

 private:
  // Registers the definitions when the server does not know version `version` of `name`.
  Status EnsureRegistered(const std::string& name, int version);
  std::string Where() const;

  ConductorClient& client_;
  ConductorDefinitions definitions_;
  std::mutex mutex_;
  std::set<std::string> known_;  // "name:version" the server is known to have
};

}  // namespace reflector::engine
