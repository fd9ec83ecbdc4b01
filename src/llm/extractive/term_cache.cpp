#include "llm/extractive/term_cache.hpp"

#include <mutex>

#include "llm/terms.hpp"

namespace reflector::llm {

std::shared_ptr<const TermInfo> TermInfoStore::Find(std::string_view term) const {
  std::shared_lock lock(mutex_);
  auto it = infos_.find(term);
  return it == infos_.end() ? nullptr : it->second;
}

void TermInfoStore::Insert(std::string_view term, const std::shared_ptr<const TermInfo>& info) {
  std::unique_lock lock(mutex_);
  if (infos_.size() < kMaxTerms) infos_.try_emplace(std::string(term), info);
}

const TermInfo& TermCache::Get(std::string_view term) {
  auto it = terms_.find(term);
  if (it != terms_.end()) return *it->second;
  std::shared_ptr<const TermInfo> info = store_ != nullptr ? store_->Find(term) : nullptr;
  if (info == nullptr) {
    auto fresh = std::make_shared<TermInfo>();
    fresh->stem = stemmer_.Stem(term);
    fresh->filler = IsFiller(term);
    fresh->stopword = !IsContentTerm(term);
    fresh->word_class = lexicon_->Classify(term);
    info = std::move(fresh);
    if (store_ != nullptr) store_->Insert(term, info);
  }
  return *terms_.emplace(std::string(term), std::move(info)).first->second;
}

}  // namespace reflector::llm
