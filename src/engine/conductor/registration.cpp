#include "engine/conductor/registration.hpp"

namespace reflector::engine {
namespace {

// A JSON value as the server stores it for comparison: empty strings and lists equal absent.
bool Same(const Json& ours, const Json* theirs) {
  if (theirs == nullptr || theirs->is_null()) {
    return ours.is_null() || (ours.is_string() && ours.get<std::string>().empty()) ||
           ((ours.is_array() || ours.is_object()) && ours.empty()) ||
           (ours.is_boolean() && !ours.get<bool>());
  }
  if (ours.is_object() && theirs->is_object()) {
    for (auto it = ours.begin(); it != ours.end(); ++it) {
      auto found = theirs->find(it.key());
      if (!Same(it.value(), found == theirs->end() ? nullptr : &*found)) return false;
    }
    return true;
  }
  if (ours.is_array() && theirs->is_array()) {
    if (ours.size() != theirs->size()) return false;
    for (std::size_t i = 0; i < ours.size(); ++i) {
      if (!Same(ours[i], &(*theirs)[i])) return false;
    }
    return true;
  }
  if (ours.is_number() && theirs->is_number()) return ours.get<double>() == theirs->get<double>();
  return ours == *theirs;
}

}  // namespace

std::vector<std::string> ChangedFields(const Json& ours, const Json& theirs) {
  std::vector<std::string> fields;
  for (auto it = ours.begin(); it != ours.end(); ++it) {
    auto found = theirs.find(it.key());
    if (!Same(it.value(), found == theirs.end() ? nullptr : &*found)) fields.push_back(it.key());
  }
  return fields;
}

Result<std::vector<RegistrationChange>> RegisterDefinitions(ConductorClient& client,
                                                            const std::vector<TaskDef>& tasks,
                                                            const std::vector<WorkflowDef>& workflows) {
  std::vector<RegistrationChange> changes;
  for (const auto& def : tasks) {
    REFLECTOR_ASSIGN_OR_RETURN(auto existing, client.GetTaskDef(def.name));
    RegistrationChange change;
    change.what = "task " + def.name;
    if (!existing) {
      change.kind = RegistrationChange::Kind::kCreated;
    } else {
      change.fields = ChangedFields(ToJson(def), *existing);
      change.kind =
          change.fields.empty() ? RegistrationChange::Kind::kUnchanged : RegistrationChange::Kind::kUpdated;
    }
    changes.push_back(std::move(change));
  }
  REFLECTOR_TRY(client.RegisterTaskDefs(tasks));
  for (const auto& def : workflows) {
    REFLECTOR_ASSIGN_OR_RETURN(auto existing, client.GetWorkflowDef(def.name, def.version));
    RegistrationChange change;
    change.what = "workflow " + def.name + " v" + std::to_string(def.version);
    if (!existing) {
      change.kind = RegistrationChange::Kind::kCreated;
    } else {
      change.fields = ChangedFields(ToJson(def), *existing);
      change.kind =
          change.fields.empty() ? RegistrationChange::Kind::kUnchanged : RegistrationChange::Kind::kUpdated;
    }
    REFLECTOR_TRY(client.RegisterWorkflow(def));
    changes.push_back(std::move(change));
  }
  return changes;
}

std::string Describe(const RegistrationChange& change) {
  switch (change.kind) {
    case RegistrationChange::Kind::kCreated:
      return "created   " + change.what;
    case RegistrationChange::Kind::kUpdated: {
      std::string fields;
      for (const auto& field : change.fields)
        fields += (fields.empty() ? "" : ", ") + field;
      return "updated   " + change.what + " (" + fields + ")";
    }
    case RegistrationChange::Kind::kUnchanged:
      return "unchanged " + change.what;
  }
  return change.what;
}

}  // namespace reflector::engine
