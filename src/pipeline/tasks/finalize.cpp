// finalize: the transcript is `ended`.

#include "pipeline/tasks.hpp"

namespace reflector::pipeline {

Result<Json> Finalize(TaskContext& context) {
  REFLECTOR_TRY(context.SetStatus(store::TranscriptStatus::kEnded));
  store::Transcripts transcripts(context.database(), context.clock());
  REFLECTOR_TRY(transcripts.SetCurrentStep(context.transcript_id(), std::nullopt));
  return Json{{"status", "ended"}};
}

}  // namespace reflector::pipeline
