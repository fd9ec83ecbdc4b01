#pragma once
// Counts one task run's LLM calls for its output, where the metrics read them whichever process
// ran the task (`reflector_llm_calls_total`): `llm_calls_made` reached the model,
// `llm_calls_cached` were answered from the LLM cache (CachingSummarizer).

#include <span>
#include <stop_token>
#include <string>

#include "core/json.hpp"
#include "llm/summarizer.hpp"
#include "pipeline/caching_summarizer.hpp"

namespace reflector::pipeline {

// The output fields (read by metrics/workflow_metrics.cpp).
inline constexpr const char* kLlmCallsMadeField = "llm_calls_made";
inline constexpr const char* kLlmCallsCachedField = "llm_calls_cached";

// A Summarizer for one task run: calls go to `summarizer` (which must outlive it). When that is a
// CachingSummarizer, answers from its cache count as cached and the others as made; any other
// summarizer has no cache, so each of its calls counts as made. Thread-safe as far as
// `summarizer` is (detect_topics calls it from several threads).
class LlmCallCounter final : public llm::Summarizer {
 public:
  explicit LlmCallCounter(llm::Summarizer& summarizer);

  Result<llm::TopicDraft> DescribeTopic(std::span<const llm::Word> chunk, const llm::SpeakerNames& names,
                                        std::stop_token stop) override;
  Result<std::string> Title(std::span<const llm::TopicDraft> topics, std::stop_token stop) override;
  Result<llm::SummaryDraft> Summarize(std::span<const llm::TopicDraft> topics,
                                      std::span<const llm::Word> words, const llm::SpeakerNames& names,
                                      std::stop_token stop) override;
  std::string_view Backend() const override { return inner_.Backend(); }
  std::string_view Model() const override { return inner_.Model(); }

  [[nodiscard]] int made() const { return tally_.made.load(); }
  [[nodiscard]] int cached() const { return tally_.cached.load(); }

  // `output` (an object) with the two fields added.
  [[nodiscard]] Json AddTo(Json output) const;

 private:
  llm::Summarizer& inner_;
  CachingSummarizer* caching_;  // inner_ when it is a CachingSummarizer, else null
  LlmCallTally tally_;
};

}  // namespace reflector::pipeline
