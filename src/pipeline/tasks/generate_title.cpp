// generate_title: the meeting title from the topic titles; never replaces a hand-set title.
// Its output says whether the LLM call was made or cached (LlmCallCounter).

#include "pipeline/llm_call_counter.hpp"
#include "pipeline/tasks.hpp"
#include "pipeline/tasks/task_helpers.hpp"
#include "store/transcripts.hpp"

namespace reflector::pipeline {

Result<Json> GenerateTitle(TaskContext& context) {
  store::Transcripts transcripts(context.database(), context.clock());
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript transcript, transcripts.Get(context.transcript_id()));
  std::vector<llm::TopicDraft> drafts = TopicDrafts(transcript.topics);
  LlmCallCounter llm_calls(*context.services().summarizer);
  std::string title;
  if (!drafts.empty()) {
    KeepAlive alive(context.progress());
    REFLECTOR_ASSIGN_OR_RETURN(title, llm_calls.Title(drafts, context.stop()));
  }
  if (title.empty()) title = "Untitled Meeting";
  REFLECTOR_ASSIGN_OR_RETURN(
      bool written, transcripts.SetTitle(context.transcript_id(), title, store::TitleSource::kGenerated));
  std::string effective = written ? title : transcript.title.value_or(title);
  REFLECTOR_TRY(context.Emit(events::EventType::kFinalTitle, events::FinalTitleData(effective)));
  return llm_calls.AddTo(Json{{"title", effective}, {"generated", title}, {"kept_user_title", !written}});
}

}  // namespace reflector::pipeline
