#pragma once
// Idempotent registration of task and workflow definitions on a Conductor server, reporting
// what it created, changed or left alone.

#include <string>
#include <vector>

#include "engine/conductor/conductor_client.hpp"

namespace reflector::engine {

struct RegistrationChange {
  enum class Kind { kCreated, kUpdated, kUnchanged } kind = Kind::kUnchanged;
  std::string what;                 // "task pad_track", "workflow diarization_pipeline v1"
  std::vector<std::string> fields;  // for kUpdated: the fields that differed
};

// Fields of `ours` (our JSON of a definition) whose value differs on the server's copy.
// Fields the server adds (createTime, ...) are ignored.
std::vector<std::string> ChangedFields(const Json& ours, const Json& theirs);

// Upserts every task definition, then every workflow definition; returns one change per
// definition, in that order.
Result<std::vector<RegistrationChange>> RegisterDefinitions(ConductorClient& client,
                                                            const std::vector<TaskDef>& tasks,
                                                            const std::vector<WorkflowDef>& workflows);

std::string Describe(const RegistrationChange& change);

}  // namespace reflector::engine
