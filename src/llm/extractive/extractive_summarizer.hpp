#pragma once
// The offline backend: topics, title and summaries picked out of the words themselves, with no
// model. Deterministic (the same input gives the same output, byte for byte), linear in the
// number of words apart from sorting the distinct terms, stateless and therefore thread-safe.
// The algorithm is described in ../README.md; change kModel whenever its output changes.

#include <string_view>

#include "llm/summarizer.hpp"

namespace reflector::llm {

class ExtractiveSummarizer final : public Summarizer {
 public:
  static constexpr std::string_view kBackend = "extractive";
  static constexpr std::string_view kModel = "extractive-v1";

  // Title: the 2-4 most salient content words of the chunk in spoken order, CleanTitle applied
  // ("General Discussion" when the chunk has none). Summary: up to two quoted excerpts of the
  // most representative speaker turns, `Name said "..."`, at most 300 code points in all.
  Result<TopicDraft> DescribeTopic(std::span<const Word> chunk, const SpeakerNames& names,
                                   std::stop_token stop) override;

  // Up to three topic titles (the ones sharing most words with the others), in timeline order,
  // joined as "A, B and C", at most kMaxTitleWords words, CleanTitle applied.
  Result<std::string> Title(std::span<const TopicDraft> topics, std::stop_token stop) override;

  // Subjects: the distinct topic titles (at most kMaxSubjects, the most shared ones when there
  // are more), each with its topics' summaries as paragraph; recap: who took part, the subjects,
  // and who spoke most; long summary: SummaryMarkdown(recap, subjects).
  Result<SummaryDraft> Summarize(std::span<const TopicDraft> topics, std::span<const Word> words,
                                 const SpeakerNames& names, std::stop_token stop) override;

  std::string_view Backend() const override { return kBackend; }
  std::string_view Model() const override { return kModel; }
};

}  // namespace reflector::llm
