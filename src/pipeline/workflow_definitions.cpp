#include "pipeline/workflow_definitions.hpp"

#include <algorithm>

#include "pipeline/embedded_definitions.hpp"

namespace reflector::pipeline {
namespace {

// The reference name an expression such as "${generate_padding_tasks.output.tasks}" reads.
std::string ReferencedTask(const Json& expression) {
  if (!expression.is_string()) return "";
  const std::string& text = expression.get_ref<const std::string&>();
  const std::size_t dot = text.find('.');
  if (text.rfind("${", 0) != 0 || dot == std::string::npos) return "";
  return text.substr(2, dot - 2);
}

Result<std::map<std::string, std::string>> DynamicForkTaskTypes(const engine::WorkflowDef& def) {
  const std::vector<const engine::WorkflowTask*> all = engine::AllTasks(def);
  std::map<std::string, std::string> types;
  for (const engine::WorkflowTask* fork : all) {
    if (fork->type != engine::TaskType::kForkJoinDynamic) continue;
    const std::string generator_ref =
        ReferencedTask(fork->input_parameters.value(fork->dynamic_fork_tasks_param, Json()));
    auto generator = std::find_if(all.begin(), all.end(), [&](const engine::WorkflowTask* task) {
      return task->reference_name == generator_ref;
    });
    const Json type =
        generator == all.end() ? Json() : (*generator)->input_parameters.value("task_type", Json());
    if (!type.is_string() || type.get_ref<const std::string&>().rfind("${", 0) == 0) {
      return Error::Internal("dynamic fork '" + fork->reference_name +
                             "': the task listing its tasks has no literal task_type input");
    }
    types[fork->reference_name] = type.get<std::string>();
  }
  return types;
}

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
  REFLECTOR_ASSIGN_OR_RETURN(definitions.dynamic_fork_task_types, DynamicForkTaskTypes(definitions.pipeline));
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
        add(definitions.dynamic_fork_task_types.at(task->reference_name));
      }
      continue;
    }
    if (task->name == "generate_dynamic_fork_tasks") continue;
    add(task->name);
  }
  return names;
}

}  // namespace reflector::pipeline
