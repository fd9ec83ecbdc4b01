// engine/definitions.hpp on one JSON document (see fuzz_inputs.hpp).

#include <map>
#include <string>

#include "core/json.hpp"
#include "engine/definitions.hpp"
#include "fuzz_inputs.hpp"

namespace reflector::fuzz {
namespace {

std::map<std::string, engine::TaskDef> ParseTaskDefs(const Json& list) {
  std::map<std::string, engine::TaskDef> defs;
  if (!list.is_array()) return defs;
  for (const Json& item : list) {
    auto def = engine::ParseTaskDef(item);
    if (!def) continue;
    // A parsed definition says the same after a round trip through its JSON.
    auto again = engine::ParseTaskDef(engine::ToJson(*def));
    FuzzRequire(again.ok(), "a parsed TaskDef reads back from its own JSON");
    FuzzRequire(engine::ToJson(*again) == engine::ToJson(*def), "TaskDef JSON round trip is stable");
    for (int attempts = 0; attempts < 40; ++attempts)
      FuzzRequire(def->RetryDelaySeconds(attempts) >= 0, "a retry delay is never negative");
    defs.emplace(def->name, std::move(*def));
  }
  return defs;
}

}  // namespace

void WorkflowDefinitionInput(std::string_view data) {
  auto json = ParseJson(data, "input");
  if (!json) return;
  const bool wrapped = json->is_object() && json->contains("workflow");
  const Json& workflow = wrapped ? (*json)["workflow"] : *json;
  std::map<std::string, engine::TaskDef> task_defs;
  std::vector<std::string> dynamic_names;
  if (wrapped) {
    task_defs = ParseTaskDefs(json->value("taskDefs", Json::array()));
    for (const auto& [name, def] : task_defs)
      if (name.size() % 2 == 0) dynamic_names.push_back(name);
  }
  auto def = engine::ParseWorkflowDef(workflow);
  if (!def) return;
  (void)engine::ValidateWorkflow(*def, task_defs, dynamic_names);
  (void)engine::AllTasks(*def);
  const Json out = engine::ToJson(*def);
  auto again = engine::ParseWorkflowDef(out);
  FuzzRequire(again.ok(), "a parsed WorkflowDef reads back from its own JSON");
  FuzzRequire(engine::ToJson(*again) == out, "WorkflowDef JSON round trip is stable");
  FuzzRequire(engine::AllTasks(*again).size() == engine::AllTasks(*def).size(),
              "the round trip keeps every task");
}

}  // namespace reflector::fuzz
