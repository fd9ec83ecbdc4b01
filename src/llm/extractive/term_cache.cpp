#include "llm/extractive/term_cache.hpp"

#include "llm/terms.hpp"

namespace reflector::llm {

const TermInfo& TermCache::Get(std::string_view term) {
  auto it = terms_.find(term);
  if (it != terms_.end()) return *it->second;
  auto info = std::make_unique<TermInfo>();
  info->stem = stemmer_.Stem(term);
  info->filler = IsFiller(term);
  info->stopword = !IsContentTerm(term);
  info->word_class = lexicon_->Classify(term);
  return *terms_.emplace(std::string(term), std::move(info)).first->second;
}

}  // namespace reflector::llm
