#include "summary_scores.hpp"

#include <algorithm>
#include <fstream>

#include "llm/extractive/phrases.hpp"
#include "llm/terms.hpp"
#include "llm/text.hpp"

namespace reflector::bench {
namespace {

std::string_view Trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return "";
  const std::size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  for (std::string_view word : llm::SplitWords(text))
    words.emplace_back(word);
  return words;
}

}  // namespace

Result<Reference> ReadReference(const std::filesystem::path& script) {
  std::ifstream in(script);
  if (!in) return Error::NotFound("cannot read " + script.string());
  Reference reference;
  reference.name = script.stem().string();
  std::string line;
  while (std::getline(in, line)) {
    std::string_view text = Trim(line);
    if (!text.starts_with('#')) continue;
    text = Trim(text.substr(1));
    if (text.starts_with("title:")) reference.title_keys = Words(text.substr(6));
    if (text.starts_with("decision:")) reference.decisions.push_back(Words(text.substr(9)));
  }
  if (reference.title_keys.empty()) return Error::InvalidInput(script.string() + ": no '# title:' line");
  return reference;
}

Result<Scorer> Scorer::Create(const llm::Lexicon& lexicon) {
  REFLECTOR_ASSIGN_OR_RETURN(llm::Stemmer stemmer, llm::Stemmer::English());
  return Scorer(lexicon, std::move(stemmer));
}

std::vector<std::string> Scorer::Stems(std::string_view text) {
  std::vector<std::string> stems;
  std::string term;
  for (std::string_view token : llm::SplitWords(text)) {
    llm::NormalizeTerm(token, term);
    if (!term.empty()) stems.push_back(stemmer_.Stem(term));
  }
  return stems;
}

bool Scorer::TitleHit(std::string_view title, const std::vector<std::string>& keys) {
  const std::vector<std::string> stems = Stems(title);
  return std::any_of(keys.begin(), keys.end(), [&](const std::string& key) {
    const std::vector<std::string> key_stems = Stems(key);
    return !key_stems.empty() && std::find(stems.begin(), stems.end(), key_stems.front()) != stems.end();
  });
}

std::optional<std::string> Scorer::TitleProblem(std::string_view title) const {
  return llm::TitleShapeProblem(title, *lexicon_);
}

std::vector<bool> Scorer::DecisionsFound(std::string_view summary,
                                         const std::vector<std::vector<std::string>>& decisions) {
  // Items: the summary cut at sentence ends, semicolons and line breaks.
  std::vector<std::vector<std::string>> items;
  std::string current;
  for (char c : summary) {
    if (c == '.' || c == ';' || c == '!' || c == '?' || c == '\n') {
      items.push_back(Stems(current));
      current.clear();
    } else {
      current += c;
    }
  }
  items.push_back(Stems(current));
  std::vector<bool> found;
  for (const auto& keys : decisions) {
    std::vector<std::string> key_stems;
    for (const std::string& key : keys) {
      const std::vector<std::string> stems = Stems(key);
      key_stems.insert(key_stems.end(), stems.begin(), stems.end());
    }
    found.push_back(std::any_of(items.begin(), items.end(), [&](const std::vector<std::string>& item) {
      return std::all_of(key_stems.begin(), key_stems.end(), [&](const std::string& stem) {
        return std::find(item.begin(), item.end(), stem) != item.end();
      });
    }));
  }
  return found;
}

}  // namespace reflector::bench
