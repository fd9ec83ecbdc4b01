#include "pipeline/llm_call_counter.hpp"

namespace reflector::pipeline {

LlmCallCounter::LlmCallCounter(llm::Summarizer& summarizer)
    : inner_(summarizer), caching_(dynamic_cast<CachingSummarizer*>(&summarizer)) {}

Result<llm::TopicDraft> LlmCallCounter::DescribeTopic(std::span<const llm::Word> chunk,
                                                      const llm::SpeakerNames& names, std::stop_token stop) {
  if (caching_ != nullptr) return caching_->DescribeTopic(chunk, names, stop, &tally_);
  tally_.made.fetch_add(1);
  return inner_.DescribeTopic(chunk, names, stop);
}

Result<std::string> LlmCallCounter::Title(std::span<const llm::TopicDraft> topics, std::stop_token stop) {
  if (caching_ != nullptr) return caching_->Title(topics, stop, &tally_);
  tally_.made.fetch_add(1);
  return inner_.Title(topics, stop);
}

Result<llm::SummaryDraft> LlmCallCounter::Summarize(std::span<const llm::TopicDraft> topics,
                                                    std::span<const llm::Word> words,
                                                    const llm::SpeakerNames& names, std::stop_token stop) {
  if (caching_ != nullptr) return caching_->Summarize(topics, words, names, stop, &tally_);
  tally_.made.fetch_add(1);
  return inner_.Summarize(topics, words, names, stop);
}

Json LlmCallCounter::AddTo(Json output) const {
  output[kLlmCallsMadeField] = made();
  output[kLlmCallsCachedField] = cached();
  return output;
}

}  // namespace reflector::pipeline
