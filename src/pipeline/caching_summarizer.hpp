#pragma once
// A Summarizer that remembers answers: each call's result is stored in the task cache (kind
// "llm") under a hash of the method, the wrapped backend's Backend() and Model(), and the
// inputs, so a retried or re-run task never pays for the same LLM call twice.
//
// Key: lower-case hex SHA-256 of
//   "llm\n" + method + "\n" + Backend() + "\n" + Model() + "\n" + canonical JSON of the inputs
// where the inputs are the words ([text, start, end, speaker] each), the speaker names
// ({"<index>": name}, keys sorted) and the topics ([title, summary] each), as the method takes
// them. Errors are never stored. A cached value of the wrong shape counts as a miss (and is
// overwritten). A failed cache read is returned as the call's error; a failed write is logged
// and the fresh result returned (the cache only saves work).

#include <atomic>
#include <cstdint>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "llm/summarizer.hpp"
#include "store/database.hpp"

namespace reflector::pipeline {

// How one task's calls were answered: `made` reached the wrapped summarizer, `cached` were
// answered from the cache. Thread-safe.
struct LlmCallTally {
  std::atomic<int> made{0};
  std::atomic<int> cached{0};
};

// How many calls reached the wrapped summarizer and how many were answered from the cache.
struct SummarizerCacheCounts {
  std::uint64_t calls = 0;
  std::uint64_t hits = 0;
};

class CachingSummarizer final : public llm::Summarizer {
 public:
  // `inner`, `database` and `clock` must outlive this object. Thread-safe as far as `inner` is.
  CachingSummarizer(llm::Summarizer& inner, store::Database& database, const Clock& clock);

  Result<llm::TopicDraft> DescribeTopic(std::span<const llm::Word> chunk, const llm::SpeakerNames& names,
                                        std::stop_token stop) override;
  Result<std::string> Title(std::span<const llm::TopicDraft> topics, std::stop_token stop) override;
  Result<llm::SummaryDraft> Summarize(std::span<const llm::TopicDraft> topics,
                                      std::span<const llm::Word> words, const llm::SpeakerNames& names,
                                      std::stop_token stop) override;

  // The same calls, also counting each into `tally` when it is not null (see LlmCallCounter).
  Result<llm::TopicDraft> DescribeTopic(std::span<const llm::Word> chunk, const llm::SpeakerNames& names,
                                        std::stop_token stop, LlmCallTally* tally);
  Result<std::string> Title(std::span<const llm::TopicDraft> topics, std::stop_token stop,
                            LlmCallTally* tally);
  Result<llm::SummaryDraft> Summarize(std::span<const llm::TopicDraft> topics,
                                      std::span<const llm::Word> words, const llm::SpeakerNames& names,
                                      std::stop_token stop, LlmCallTally* tally);

  // The wrapped backend's, so that a cache in front of a cache keys the same way.
  std::string_view Backend() const override { return inner_.Backend(); }
  std::string_view Model() const override { return inner_.Model(); }

  // Counts since construction (for benchmarks and logs).
  [[nodiscard]] SummarizerCacheCounts Counts() const { return {calls_.load(), hits_.load()}; }

  // The cache key of one call (exposed for tests).
  [[nodiscard]] std::string Key(std::string_view method, const Json& inputs) const;

 private:
  template <typename T, typename Compute, typename Encode, typename Decode>
  Result<T> Cached(std::string_view method, const Json& inputs, std::stop_token stop, LlmCallTally* tally,
                   Compute&& compute, Encode&& encode, Decode&& decode);

  llm::Summarizer& inner_;
  store::Database& database_;
  const Clock& clock_;
  std::atomic<std::uint64_t> calls_{0};
  std::atomic<std::uint64_t> hits_{0};
};

}  // namespace reflector::pipeline
