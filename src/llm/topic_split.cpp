#include "llm/text.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "llm/stemmer.hpp"
#include "llm/terms.hpp"

namespace reflector::llm {
namespace {

using StemCounts = std::unordered_map<std::string, double>;

// Per word: the index of its content stem in the meeting's vocabulary, or -1.
std::vector<int> StemIds(std::span<const Word> words) {
  std::vector<int> ids(words.size(), -1);
  auto stemmer = Stemmer::English();
  std::unordered_map<std::string, int> vocabulary;
  std::unordered_map<std::string, int> by_term;  // the stemmer is the costly part: once per term
  std::string term;
  for (std::size_t i = 0; i < words.size(); ++i) {
    NormalizeTerm(words[i].text, term);
    if (!IsContentTerm(term)) continue;
    auto known = by_term.find(term);
    if (known == by_term.end()) {
      std::string stem = stemmer.ok() ? stemmer->Stem(term) : term;
      auto [it, inserted] = vocabulary.try_emplace(std::move(stem), static_cast<int>(vocabulary.size()));
      known = by_term.emplace(term, it->second).first;
    }
    ids[i] = known->second;
  }
  return ids;
}

// Cosine similarity of the stem counts of words [a_begin, a_end) and [b_begin, b_end).
double Cosine(std::span<const int> ids, std::size_t a_begin, std::size_t a_end, std::size_t b_begin,
              std::size_t b_end) {
  std::unordered_map<int, std::pair<double, double>> counts;
  for (std::size_t i = a_begin; i < a_end; ++i)
    if (ids[i] >= 0) counts[ids[i]].first += 1;
  for (std::size_t i = b_begin; i < b_end; ++i)
    if (ids[i] >= 0) counts[ids[i]].second += 1;
  double dot = 0;
  double a2 = 0;
  double b2 = 0;
  for (const auto& [id, pair] : counts) {
    dot += pair.first * pair.second;
    a2 += pair.first * pair.first;
    b2 += pair.second * pair.second;
  }
  return a2 == 0 || b2 == 0 ? 0.0 : dot / std::sqrt(a2 * b2);
}

// How far `values[i]` lies below the highest points reached by climbing from i to each side.
std::vector<double> Depths(std::span<const double> values) {
  std::vector<double> depths(values.size(), 0.0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    double left = values[i];
    for (std::size_t j = i; j-- > 0 && values[j] >= left;)
      left = values[j];
    double right = values[i];
    for (std::size_t j = i + 1; j < values.size() && values[j] >= right; ++j)
      right = values[j];
    depths[i] = (left - values[i]) + (right - values[i]);
  }
  return depths;
}

struct Gap {
  std::size_t word = 0;  // index of the first word after the gap
  double depth = 0;
};

// Every sentence start but the first, with its depth: the cosine of the stems in the windows
// before and after it, smoothed over three gaps, below the peaks on both sides.
std::vector<Gap> ScoredGaps(std::span<const Word> words, const TopicSplitOptions& options) {
  const std::vector<int> ids = StemIds(words);
  const std::size_t window = options.window_words;
  std::vector<Gap> gaps;
  std::vector<double> similarity;
  for (std::size_t start : SentenceStarts(words, options.sentence_pause_seconds)) {
    if (start == 0) continue;
    const std::size_t left = start > window ? start - window : 0;
    const std::size_t right = std::min(words.size(), start + window);
    gaps.push_back(Gap{start, 0});
    similarity.push_back(Cosine(ids, left, start, start, right));
  }
  std::vector<double> smoothed(similarity.size());
  for (std::size_t i = 0; i < similarity.size(); ++i) {
    const std::size_t from = i > 0 ? i - 1 : 0;
    const std::size_t to = std::min(similarity.size(), i + 2);
    double sum = 0;
    for (std::size_t j = from; j < to; ++j)
      sum += similarity[j];
    smoothed[i] = sum / static_cast<double>(to - from);
  }
  const std::vector<double> depths = Depths(smoothed);
  for (std::size_t i = 0; i < gaps.size(); ++i)
    gaps[i].depth = depths[i];
  return gaps;
}

// The gaps at least mean + depth_factor × standard deviation deep, deepest first, that keep
// min_topic_words between each other and from both ends; in timeline order.
std::vector<std::size_t> DeepCuts(std::span<const Gap> gaps, std::size_t word_count,
                                  const TopicSplitOptions& options) {
  std::vector<std::size_t> cuts;
  if (gaps.empty()) return cuts;
  double mean = 0;
  for (const Gap& gap : gaps)
    mean += gap.depth;
  mean /= static_cast<double>(gaps.size());
  double variance = 0;
  for (const Gap& gap : gaps)
    variance += (gap.depth - mean) * (gap.depth - mean);
  const double threshold =
      mean + options.depth_factor * std::sqrt(variance / static_cast<double>(gaps.size()));
  std::vector<const Gap*> candidates;
  for (const Gap& gap : gaps)
    if (gap.depth > 0 && gap.depth >= threshold) candidates.push_back(&gap);
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Gap* a, const Gap* b) { return a->depth > b->depth; });
  for (const Gap* gap : candidates) {
    auto far = [&](std::size_t other) {
      return (gap->word > other ? gap->word - other : other - gap->word) >= options.min_topic_words;
    };
    if (!far(0) || !far(word_count) || !std::all_of(cuts.begin(), cuts.end(), far)) continue;
    cuts.push_back(gap->word);
  }
  std::sort(cuts.begin(), cuts.end());
  return cuts;
}

// Adds boundaries inside [begin, end) until no stretch is longer than max_words: at the deepest
// gap at least min_words from both ends (the one nearest the middle among equally deep ones),
// else at the sentence start nearest the middle, else (one endless sentence) in the middle.
void CapLength(std::span<const Gap> gaps, std::size_t begin, std::size_t end,
               const TopicSplitOptions& options, std::vector<std::size_t>& cuts) {
  if (end - begin <= options.max_topic_words) return;
  std::size_t cut = begin + (end - begin) / 2;
  const auto distance = [&](std::size_t w) { return w > cut ? w - cut : cut - w; };
  const Gap* best = nullptr;
  for (const Gap& gap : gaps) {
    if (gap.word < begin + options.min_topic_words || gap.word + options.min_topic_words > end) continue;
    // The deepest; among equally deep ones (no change of subject at all), the nearest the middle.
    if (best == nullptr || gap.depth > best->depth ||
        (gap.depth == best->depth && distance(gap.word) < distance(best->word))) {
      best = &gap;
    }
  }
  if (best != nullptr) {
    cut = best->word;
  } else {
    std::size_t nearest = end;
    for (const Gap& gap : gaps) {
      if (gap.word <= begin || gap.word >= end) continue;
      if (nearest == end || distance(gap.word) < distance(nearest)) nearest = gap.word;
    }
    if (nearest != end) cut = nearest;
  }
  cuts.push_back(cut);
  CapLength(gaps, begin, cut, options, cuts);
  CapLength(gaps, cut, end, options, cuts);
}

}  // namespace

std::vector<std::size_t> SentenceStarts(std::span<const Word> words, double pause_seconds) {
  std::vector<std::size_t> starts;
  double latest_end = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i == 0 || words[i].speaker != words[i - 1].speaker || words[i].start - latest_end > pause_seconds) {
      starts.push_back(i);
      latest_end = words[i].end;
    }
    latest_end = std::max(latest_end, words[i].end);
  }
  return starts;
}

std::vector<std::vector<Word>> SplitTopics(std::span<const Word> words, const TopicSplitOptions& options) {
  if (words.empty()) return {};
  const std::size_t min_words = std::max<std::size_t>(options.min_topic_words, 1);
  const TopicSplitOptions bounded{min_words, std::max(options.max_topic_words, 2 * min_words),
                                  std::max<std::size_t>(options.window_words, 1), options.depth_factor,
                                  options.sentence_pause_seconds};
  const std::vector<Gap> gaps = ScoredGaps(words, bounded);
  std::vector<std::size_t> cuts = DeepCuts(gaps, words.size(), bounded);
  std::vector<std::size_t> bounds = {0};
  bounds.insert(bounds.end(), cuts.begin(), cuts.end());
  bounds.push_back(words.size());
  for (std::size_t i = 0; i + 1 < bounds.size(); ++i)
    CapLength(gaps, bounds[i], bounds[i + 1], bounded, cuts);
  std::sort(cuts.begin(), cuts.end());

  std::vector<std::vector<Word>> topics;
  std::size_t begin = 0;
  for (std::size_t cut : cuts) {
    topics.emplace_back(words.begin() + static_cast<std::ptrdiff_t>(begin),
                        words.begin() + static_cast<std::ptrdiff_t>(cut));
    begin = cut;
  }
  topics.emplace_back(words.begin() + static_cast<std::ptrdiff_t>(begin), words.end());
  return topics;
}

}  // namespace reflector::llm
