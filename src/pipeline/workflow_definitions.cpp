#include "pipeline/workflow_definitions.hpp"

#include <algorithm>

#include "pipeline/embedded_definitions.hpp"

namespace reflector::pipeline {
namespace {

Result<PipelineDefinitions> Load() {
  PipelineDefinitions definitions;
  REFLECTOR_ASSIGN_OR_RETURN(Json pipeline_json,
                             ParseJson(DiarizationPipelineJson(), "diarization_pipeline.json"));
  REFLECTOR_ASSIGN_OR_RETURN(definitions.pipeline, engine::ParseWorkflowDef(pipeline_json));
  REFLECTOR_ASSIGN_OR_RETURN(
      Json failure_json, ParseJson(DiarizationPipelineFailureJson(), "diarization_pipeline_failure.json"));
  REFLECTOR_ASSIGN_OR_RETURN(definitions.failure, engine::ParseWorkflowDef(failure_json));
  REFLECTOR_ASSIGN_OR_RETURN(Json task_json, ParseJson(TaskDefinitionsJson(), "task_definitions.json"));
  if (!task_json.is_array()) return Error::Internal("task_definitions.json must be an array");
  for (const auto& item : task_json) {
    REFLECTOR_ASSIGN_OR_RETURN(engine::TaskDef def, engine::ParseTaskDef(item));
    definitions.task_defs[def.name] = std::move(def);
  }
  definitions.dynamic_task_names = {"pad_track", "transcribe_track"};
  REFLECTOR_TRY(
      engine::ValidateWorkflow(definitions.pipeline, definitions.task_defs, definitions.dynamic_task_names));
  REFLECTOR_TRY(engine::ValidateWorkflow(definitions.failure, definitions.task_defs));
  return definitions;
}

}  // namespace

std::string_view DiarizationPipelineJson() {
  return embedded::DiarizationPipeline();
}
std::string_view DiarizationPipelineFailureJson() {
  return embedded::DiarizationPipelineFailure();
}
std::string_view TaskDefinitionsJson() {
  return embedded::TaskDefinitions();
}

const Result<PipelineDefinitions>& LoadPipelineDefinitions() {
  static const Result<PipelineDefinitions> kDefinitions = Load();
  return kDefinitions;
}

std::vector<std::string> PipelineStepNames(const PipelineDefinitions& definitions) {
  std::vector<std::string> names;
  auto add = [&](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const engine::WorkflowTask* task : engine::AllTasks(definitions.pipeline)) {
    if (task->type != engine::TaskType::kSimple) {
      // A dynamic fork's generated tasks take its place in the step list.
      if (task->type == engine::TaskType::kForkJoinDynamic) {
        add(task->reference_name == "fork_track_padding" ? "pad_track" : "transcribe_track");
      }
      continue;
    }
    if (task->name == "generate_dynamic_fork_tasks") continue;
    add(task->name);
  }
  return names;
}

}  // namespace reflector::pipeline
