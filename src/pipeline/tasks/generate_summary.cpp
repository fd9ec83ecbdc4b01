// generate_summary: long (markdown) and short summaries of the whole meeting. Its output says
// whether the LLM call was made or cached (LlmCallCounter).

#include "pipeline/llm_call_counter.hpp"
#include "pipeline/tasks.hpp"
#include "pipeline/tasks/task_helpers.hpp"
#include "pipeline/transcript_formats.hpp"
#include "store/transcripts.hpp"

namespace reflector::pipeline {

Result<Json> GenerateSummary(TaskContext& context) {
  store::Transcripts transcripts(context.database(), context.clock());
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript transcript, transcripts.Get(context.transcript_id()));
  std::vector<llm::TopicDraft> drafts = TopicDrafts(transcript.topics);
  std::vector<Word> words;
  if (transcript.topics.is_array()) {
    for (const auto& topic : transcript.topics) {
      if (!topic.contains("words")) continue;
      REFLECTOR_ASSIGN_OR_RETURN(auto topic_words, WordsFromJson(topic["words"], "topic words"));
      words.insert(words.end(), topic_words.begin(), topic_words.end());
    }
  }
  LlmCallCounter llm_calls(*context.services().summarizer);
  llm::SummaryDraft summary;
  if (!drafts.empty()) {
    KeepAlive alive(context.progress());
    REFLECTOR_ASSIGN_OR_RETURN(
        summary, llm_calls.Summarize(drafts, words, SpeakerNamesOf(transcript.participants), context.stop()));
  }
  REFLECTOR_TRY(
      transcripts.SetSummaries(context.transcript_id(), summary.long_summary, summary.short_summary));
  if (!summary.short_summary.empty()) {
    REFLECTOR_TRY(context.Emit(events::EventType::kFinalShortSummary,
                               events::FinalShortSummaryData(summary.short_summary)));
  }
  REFLECTOR_TRY(
      context.Emit(events::EventType::kFinalLongSummary, events::FinalLongSummaryData(summary.long_summary)));
  return llm_calls.AddTo(Json{{"summary", summary.long_summary},
                              {"short_summary", summary.short_summary},
                              {"subjects", summary.subjects}});
}

}  // namespace reflector::pipeline
