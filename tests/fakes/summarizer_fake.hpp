#pragma once
// A fake of the llm::Summarizer seam (header-only).

#include <atomic>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "llm/summarizer.hpp"

namespace reflector::testing {

// Answers made from its inputs, so a test can tell which inputs reached it; counts every call
// (`calls`, and `topic_calls` for DescribeTopic); `fail` makes every method return a retryable
// kUnavailable error. Backend() is "fake", Model() the constructor's `model`. Thread-safe as
// long as `fail` is not changed during concurrent calls.
//   DescribeTopic: {"Topic <first word>", "Said by <names>"}
//   Title:         "Meeting About <n> Topics"
//   Summarize:     {"# Quick recap\n\n<names> spoke <n> words.\n", "<names> spoke.", <topic titles>}
// where <names> are the speaker names joined with ", " in speaker order.
class FakeSummarizer final : public llm::Summarizer {
 public:
  explicit FakeSummarizer(std::string model = "fake-1") : model_(std::move(model)) {}

  Result<llm::TopicDraft> DescribeTopic(std::span<const llm::Word> chunk, const llm::SpeakerNames& names,
                                        std::stop_token /*stop*/) override {
    ++calls;
    ++topic_calls;
    if (fail) return Failure("DescribeTopic");
    return llm::TopicDraft{"Topic " + (chunk.empty() ? std::string() : chunk.front().text),
                           "Said by " + Names(names)};
  }
  Result<std::string> Title(std::span<const llm::TopicDraft> topics, std::stop_token /*stop*/) override {
    ++calls;
    if (fail) return Failure("Title");
    return "Meeting About " + std::to_string(topics.size()) + " Topics";
  }
  Result<llm::SummaryDraft> Summarize(std::span<const llm::TopicDraft> topics,
                                      std::span<const llm::Word> words, const llm::SpeakerNames& names,
                                      std::stop_token /*stop*/) override {
    ++calls;
    if (fail) return Failure("Summarize");
    std::vector<std::string> subjects;
    for (const auto& topic : topics)
      subjects.push_back(topic.title);
    std::string who = Names(names);
    return llm::SummaryDraft{
        "# Quick recap\n\n" + who + " spoke " + std::to_string(words.size()) + " words.\n", who + " spoke.",
        std::move(subjects)};
  }
  [[nodiscard]] std::string_view Backend() const override { return "fake"; }
  [[nodiscard]] std::string_view Model() const override { return model_; }

  std::atomic<int> calls{0};
  std::atomic<int> topic_calls{0};
  bool fail = false;

 private:
  static std::string Names(const llm::SpeakerNames& names) {
    std::string who;
    for (const auto& [speaker, name] : names)
      who += (who.empty() ? "" : ", ") + name;
    return who;
  }
  static Error Failure(const char* method) {
    return Error::Transient(ErrorKind::kUnavailable, std::string("fake summarizer ") + method + ": HTTP 503");
  }

  std::string model_;
};

}  // namespace reflector::testing
