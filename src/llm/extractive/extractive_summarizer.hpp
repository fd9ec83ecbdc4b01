#pragma once
// The offline backend: topics, titles and summaries built from the words themselves, with no
// model. Titles are noun phrases picked out of what was said (key phrases, phrases.hpp), checked
// against WordNet so that they never end in a verb; summaries quote cleaned key sentences and
// list the decisions and actions people stated (sentences.hpp, statements.hpp). Deterministic (the same input
// gives the same output, byte for byte) and thread-safe. The algorithm is described in
// ../README.md; change kModel whenever its output changes.
//
// Needs WordNet's word lists (Debian package wordnet-base), read from `wordnet_dir` on the first
// call and shared by every instance of the process; without them every method fails with a
// kNotFound error naming the missing file and the package.

#include <filesystem>
#include <memory>
#include <string_view>

#include "llm/extractive/lexicon.hpp"
#include "llm/summarizer.hpp"

namespace reflector::llm {

class TermInfoStore;

struct ExtractiveOptions {
  // Where WordNet 3.0's index.noun, ... are; the default is where wordnet-base installs them.
  std::filesystem::path wordnet_dir = DefaultWordNetDir();

  static std::filesystem::path DefaultWordNetDir();
};

class ExtractiveSummarizer final : public Summarizer {
 public:
  static constexpr std::string_view kBackend = "extractive";
  static constexpr std::string_view kModel = "extractive-v2";

  explicit ExtractiveSummarizer(ExtractiveOptions options = {});
  ~ExtractiveSummarizer() override;

  // Title: the chunk's best key phrase that is a well-formed noun phrase, in title case
  // ("General Discussion" when it has none). Summary: its most representative sentence, quoted
  // with its speaker's name, and the first decision stated in it (or another speaker's key
  // sentence), at most 300 code points.
  Result<TopicDraft> DescribeTopic(std::span<const Word> chunk, const SpeakerNames& names,
                                   std::stop_token stop) override;

  // The topic title that runs through most topics (its words in their titles and summaries),
  // the opening topic counting more; the only topic's title when there is one. Title case.
  Result<std::string> Title(std::span<const TopicDraft> topics, std::stop_token stop) override;

  // Subjects: the distinct topic titles (at most kMaxSubjects, the longest topics when there are
  // more), each with a paragraph of its key sentences and decisions; recap (two or three
  // sentences): who met and about what, the decisions, the actions; long summary:
  // SummaryMarkdown(recap, subjects).
  Result<SummaryDraft> Summarize(std::span<const TopicDraft> topics, std::span<const Word> words,
                                 const SpeakerNames& names, std::stop_token stop) override;

  std::string_view Backend() const override { return kBackend; }
  std::string_view Model() const override { return kModel; }

  // The lexicon (loaded on first use). The benchmark uses it to check titles.
  Result<std::shared_ptr<const Lexicon>> GetLexicon() const;

 private:
  ExtractiveOptions options_;
  std::unique_ptr<TermInfoStore> terms_;  // what each term is, shared by the calls
};

}  // namespace reflector::llm
