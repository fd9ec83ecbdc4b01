#pragma once
// The references of the summaries benchmark and how a summariser's output is scored against
// them (bench/README.md, "Summaries").

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "llm/extractive/lexicon.hpp"
#include "llm/stemmer.hpp"

namespace reflector::bench {

// The header of one corpus script: "# title: key words" (the meeting title should contain one
// of them) and "# decision: key words" lines (each decision counts as found when all its key
// words are in one sentence or ';'-separated item of the summaries, short or long).
struct Reference {
  std::string name;  // the script's file name without ".txt"
  std::vector<std::string> title_keys;
  std::vector<std::vector<std::string>> decisions;
};

Result<Reference> ReadReference(const std::filesystem::path& script);

class Scorer {
 public:
  static Result<Scorer> Create(const llm::Lexicon& lexicon);

  // Whether `title` contains a word with the stem of one of `keys`.
  bool TitleHit(std::string_view title, const std::vector<std::string>& keys);

  // Why `title` is not a well-formed noun-phrase title (llm::TitleShapeProblem), or nullopt.
  std::optional<std::string> TitleProblem(std::string_view title) const;

  // Which decisions (by index) are found in `summary`.
  std::vector<bool> DecisionsFound(std::string_view summary,
                                   const std::vector<std::vector<std::string>>& decisions);

 private:
  Scorer(const llm::Lexicon& lexicon, llm::Stemmer stemmer)
      : lexicon_(&lexicon), stemmer_(std::move(stemmer)) {}
  std::vector<std::string> Stems(std::string_view text);

  const llm::Lexicon* lexicon_;
  llm::Stemmer stemmer_;
};

}  // namespace reflector::bench
