// record_pipeline_failure: run by the failure workflow when diarization_pipeline fails or
// times out: the transcript becomes `error` with the failed step and the reason.

#include "pipeline/tasks.hpp"
#include "store/transcripts.hpp"

namespace reflector::pipeline {
namespace {

// Conductor's reason reads "Task <id> failed with status: <S> and reason: '<reason>'"; keep the
// inner reason, which names the file or field.
std::string InnerReason(const std::string& reason) {
  const std::string marker = "and reason: '";
  std::size_t at = reason.find(marker);
  if (at == std::string::npos || reason.size() < at + marker.size() + 1 || reason.back() != '\'')
    return reason;
  return reason.substr(at + marker.size(), reason.size() - at - marker.size() - 1);
}

}  // namespace

Result<Json> RecordPipelineFailure(TaskContext& context) {
  const Json& input = context.input();
  REFLECTOR_ASSIGN_OR_RETURN(auto reason_field, GetOptionalString(input, "reason"));
  std::string reason = InnerReason(reason_field.value_or("the workflow failed"));
  // The failed task's definition name is the step ("pad_track"); reference names of forked
  // tasks carry an index ("pad_track_1"), so they are only the fallback.
  std::string failed_step;
  for (const char* field : {"failed_task_names", "failed_tasks"}) {
    if (failed_step.empty() && input.contains(field) && input[field].is_array() && !input[field].empty() &&
        input[field][0].is_string()) {
      failed_step = input[field][0].get<std::string>();
    }
  }
  // Conductor 3.21 resolves `${workflow.input.failedWorkflow.failedTaskNames}` to null although
  // the failed workflow in the input has the list, so the step also comes from the transcript's
  // events: the last step whose PIPELINE_PROGRESS says it failed.
  if (failed_step.empty() && context.services().events != nullptr) {
    auto events = context.services().events->List(context.transcript_id());
    if (events) {
      for (auto it = events->rbegin(); it != events->rend() && failed_step.empty(); ++it) {
        if (it->type == events::EventType::kPipelineProgress &&
            it->data.value("step_status", "") == "failed") {
          failed_step = it->data.value("current_step", "");
        }
      }
    }
  }
  REFLECTOR_ASSIGN_OR_RETURN(auto status, GetOptionalString(input, "failure_status"));
  if (failed_step.empty()) failed_step = status.value_or("FAILED") == "TIMED_OUT" ? "timeout" : "unknown";
  store::Transcripts transcripts(context.database(), context.clock());
  REFLECTOR_TRY(transcripts.SetFailure(context.transcript_id(), failed_step, reason));
  REFLECTOR_TRY(context.SetStatus(store::TranscriptStatus::kError));
  return Json{{"status", "error"}, {"failed_step", failed_step}, {"reason", reason}};
}

}  // namespace reflector::pipeline
