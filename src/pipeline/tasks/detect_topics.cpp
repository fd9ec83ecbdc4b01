// detect_topics: chunks of the merged words described by the summariser (concurrently, with a
// bound), kept in timeline order; stored with the WebVTT on the transcript. Its output says how
// many LLM calls were made and how many cached (LlmCallCounter).

#include <algorithm>
#include <future>
#include <optional>

#include "llm/text.hpp"
#include "pipeline/llm_call_counter.hpp"
#include "pipeline/tasks.hpp"
#include "pipeline/transcript_formats.hpp"
#include "store/transcripts.hpp"

namespace reflector::pipeline {

Result<Json> DetectTopics(TaskContext& context) {
  REFLECTOR_ASSIGN_OR_RETURN(std::string words_key, GetString(context.input(), "words_key"));
  REFLECTOR_ASSIGN_OR_RETURN(Json json, context.GetJson(words_key));
  REFLECTOR_ASSIGN_OR_RETURN(std::vector<Word> words, WordsFromJson(json, words_key));
  store::Transcripts transcripts(context.database(), context.clock());
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript transcript, transcripts.Get(context.transcript_id()));
  llm::SpeakerNames names = SpeakerNamesOf(transcript.participants);
  std::vector<std::vector<Word>> chunks = llm::SplitTopics(words);

  LlmCallCounter summarizer(*context.services().summarizer);
  KeepAlive alive(context.progress());
  std::vector<std::optional<Result<llm::TopicDraft>>> drafts(chunks.size());
  const std::size_t parallel =
      static_cast<std::size_t>(std::max(1, context.services().max_parallel_llm_calls));
  for (std::size_t begin = 0; begin < chunks.size(); begin += parallel) {
    std::vector<std::future<Result<llm::TopicDraft>>> batch;
    for (std::size_t i = begin; i < std::min(chunks.size(), begin + parallel); ++i) {
      batch.push_back(std::async(
          std::launch::async, [&, i] { return summarizer.DescribeTopic(chunks[i], names, context.stop()); }));
    }
    for (std::size_t j = 0; j < batch.size(); ++j)
      drafts[begin + j] = batch[j].get();
    context.progress().Report(static_cast<double>(std::min(chunks.size(), begin + parallel)) / chunks.size(),
                              "topics");
  }

  Json topics = Json::array();
  Json output_topics = Json::array();
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (!drafts[i]->ok()) return drafts[i]->error().WithContext("topic " + std::to_string(i + 1));
    const llm::TopicDraft& draft = drafts[i]->value();
    const auto& chunk = chunks[i];
    double start = chunk.front().start;
    double duration = chunk.back().end - chunk.front().start;
    Json topic = {{"id", context.services().ids->NewId()},
                  {"title", draft.title},
                  {"summary", draft.summary},
                  {"timestamp", start},
                  {"duration", duration},
                  {"transcript", PlainText(chunk)},
                  {"words", WordsToJson(chunk)}};
    output_topics.push_back(
        {{"id", topic["id"]}, {"title", draft.title}, {"timestamp", start}, {"duration", duration}});
    topics.push_back(std::move(topic));
  }
  REFLECTOR_TRY(transcripts.SetTopics(context.transcript_id(), topics, WordsToWebVtt(words)));
  for (const auto& topic : topics)
    REFLECTOR_TRY(context.Emit(events::EventType::kTopic, topic));
  return summarizer.AddTo(Json{{"topics", output_topics}, {"topic_count", topics.size()}});
}

}  // namespace reflector::pipeline
