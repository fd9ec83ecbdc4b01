// generate_dynamic_fork_tasks: one branch per track for a FORK_JOIN_DYNAMIC (standard form:
// a task list and a map of inputs keyed by reference name). Each branch gets the run's
// storage_prefix, when it has one.

#include "pipeline/tasks.hpp"

namespace reflector::pipeline {

Result<Json> GenerateDynamicForkTasks(TaskContext& context) {
  const Json& input = context.input();
  REFLECTOR_ASSIGN_OR_RETURN(Json tracks, GetArray(input, "tracks"));
  if (tracks.empty()) return Error::InvalidInput("field 'tracks' is empty: there is no track to process");
  REFLECTOR_ASSIGN_OR_RETURN(std::string task_type, GetString(input, "task_type"));
  if (task_type != "pad_track" && task_type != "transcribe_track") {
    return Error::InvalidInput("field 'task_type' must be pad_track or transcribe_track, got '" + task_type +
                               "'");
  }
  REFLECTOR_ASSIGN_OR_RETURN(auto bucket, GetOptionalString(input, "bucket_name"));
  REFLECTOR_ASSIGN_OR_RETURN(std::string storage_prefix, CheckStoragePrefix(input));
  Json tasks = Json::array();
  Json inputs = Json::object();
  const int count = static_cast<int>(tracks.size());
  for (int i = 0; i < count; ++i) {
    std::string ref = task_type + "_" + std::to_string(i);
    tasks.push_back({{"name", task_type}, {"taskReferenceName", ref}, {"type", "SIMPLE"}});
    Json branch = {{"track_index", i}, {"track_count", count}, {"transcript_id", context.transcript_id()}};
    if (!storage_prefix.empty()) branch["storage_prefix"] = storage_prefix;
    if (task_type == "pad_track") {
      auto key = GetString(tracks[i], "s3_key");
      if (!key) return key.error().WithContext("tracks[" + std::to_string(i) + "]");
      branch["s3_key"] = *key;
      branch["bucket_name"] = bucket.value_or("");
    } else {
      const Json& padded = input.contains("padded") ? input["padded"] : Json();
      std::string pad_ref = "pad_track_" + std::to_string(i);
      if (!padded.is_object() || !padded.contains(pad_ref) || !padded[pad_ref].contains("padded")) {
        return Error::InvalidInput("field 'padded' has no result for track " + std::to_string(i) + " (" +
                                   pad_ref + ")");
      }
      branch["padded"] = padded[pad_ref]["padded"];
      auto language = GetOptionalString(input, "language");
      if (!language) return language.error();
      branch["language"] = language->value_or("en");
    }
    inputs[ref] = std::move(branch);
  }
  return Json{{"tasks", tasks}, {"inputs", inputs}};
}

}  // namespace reflector::pipeline
