#include "pipeline/caching_summarizer.hpp"

#include <optional>
#include <string>
#include <utility>

#include "core/digest.hpp"
#include "core/log.hpp"
#include "store/task_cache.hpp"

namespace reflector::pipeline {
namespace {

constexpr std::string_view kCacheKind = "llm";

Json WordsJson(std::span<const llm::Word> words) {
  Json array = Json::array();
  for (const llm::Word& word : words)
    array.push_back(Json::array({word.text, word.start, word.end, word.speaker}));
  return array;
}

Json NamesJson(const llm::SpeakerNames& names) {
  Json object = Json::object();
  for (const auto& [speaker, name] : names)
    object[std::to_string(speaker)] = name;
  return object;
}

Json TopicsJson(std::span<const llm::TopicDraft> topics) {
  Json array = Json::array();
  for (const llm::TopicDraft& topic : topics)
    array.push_back(Json::array({topic.title, topic.summary}));
  return array;
}

std::optional<std::string> StringOf(const Json& object, const char* field) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(field);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

CachingSummarizer::CachingSummarizer(llm::Summarizer& inner, store::Database& database, const Clock& clock)
    : inner_(inner), database_(database), clock_(clock) {}

std::string CachingSummarizer::Key(std::string_view method, const Json& inputs) const {
  std::string text = "llm\n";
  text += method;
  text += '\n';
  text += inner_.Backend();
  text += '\n';
  text += inner_.Model();
  text += '\n';
  text += DumpCompact(inputs);
  return Sha256Hex(text);
}

template <typename T, typename Compute, typename Encode, typename Decode>
Result<T> CachingSummarizer::Cached(std::string_view method, const Json& inputs, std::stop_token stop,
                                    LlmCallTally* tally, Compute&& compute, Encode&& encode,
                                    Decode&& decode) {
  if (stop.stop_requested()) {
    return Error::Cancelled("llm " + std::string(method) + ": stopped before it finished");
  }
  const std::string key = Key(method, inputs);
  store::TaskCache cache(database_, clock_);
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<store::CacheEntry> entry, cache.Get(key));
  if (entry) {
    std::optional<T> value = decode(entry->value);
    if (value) {
      hits_.fetch_add(1);
      if (tally != nullptr) tally->cached.fetch_add(1);
      log::Debug("llm answer from cache", {{"call", method}, {"key", key}});
      return std::move(*value);
    }
    log::Warn("llm cache entry has an unexpected shape, asking again", {{"call", method}, {"key", key}});
  }
  calls_.fetch_add(1);
  if (tally != nullptr) tally->made.fetch_add(1);
  Result<T> result = compute();
  if (!result.ok()) return result;
  Status stored = cache.Put(key, kCacheKind, encode(result.value()));
  if (!stored.ok()) {
    log::Warn("llm answer not cached",
              {{"call", method}, {"key", key}, {"error", stored.error().Describe()}});
  }
  return result;
}

Result<llm::TopicDraft> CachingSummarizer::DescribeTopic(std::span<const llm::Word> chunk,
                                                         const llm::SpeakerNames& names,
                                                         std::stop_token stop) {
  return DescribeTopic(chunk, names, stop, nullptr);
}

Result<std::string> CachingSummarizer::Title(std::span<const llm::TopicDraft> topics, std::stop_token stop) {
  return Title(topics, stop, nullptr);
}

Result<llm::SummaryDraft> CachingSummarizer::Summarize(std::span<const llm::TopicDraft> topics,
                                                       std::span<const llm::Word> words,
                                                       const llm::SpeakerNames& names, std::stop_token stop) {
  return Summarize(topics, words, names, stop, nullptr);
}

Result<llm::TopicDraft> CachingSummarizer::DescribeTopic(std::span<const llm::Word> chunk,
                                                         const llm::SpeakerNames& names, std::stop_token stop,
                                                         LlmCallTally* tally) {
  return Cached<llm::TopicDraft>(
      "DescribeTopic", Json{{"words", WordsJson(chunk)}, {"names", NamesJson(names)}}, stop, tally,
      [&] { return inner_.DescribeTopic(chunk, names, stop); },
      [](const llm::TopicDraft& draft) {
        return Json{{"title", draft.title}, {"summary", draft.summary}};
      },
      [](const Json& value) -> std::optional<llm::TopicDraft> {
        auto title = StringOf(value, "title");
        auto summary = StringOf(value, "summary");
        if (!title || !summary) return std::nullopt;
        return llm::TopicDraft{std::move(*title), std::move(*summary)};
      });
}

Result<std::string> CachingSummarizer::Title(std::span<const llm::TopicDraft> topics, std::stop_token stop,
                                             LlmCallTally* tally) {
  return Cached<std::string>(
      "Title", Json{{"topics", TopicsJson(topics)}}, stop, tally, [&] { return inner_.Title(topics, stop); },
      [](const std::string& title) {
        return Json{{"title", title}};
      },
      [](const Json& value) { return StringOf(value, "title"); });
}

Result<llm::SummaryDraft> CachingSummarizer::Summarize(std::span<const llm::TopicDraft> topics,
                                                       std::span<const llm::Word> words,
                                                       const llm::SpeakerNames& names, std::stop_token stop,
                                                       LlmCallTally* tally) {
  return Cached<llm::SummaryDraft>(
      "Summarize",
      Json{{"topics", TopicsJson(topics)}, {"words", WordsJson(words)}, {"names", NamesJson(names)}}, stop,
      tally, [&] { return inner_.Summarize(topics, words, names, stop); },
      [](const llm::SummaryDraft& draft) {
        return Json{{"long_summary", draft.long_summary},
                    {"short_summary", draft.short_summary},
                    {"subjects", draft.subjects}};
      },
      [](const Json& value) -> std::optional<llm::SummaryDraft> {
        auto long_summary = StringOf(value, "long_summary");
        auto short_summary = StringOf(value, "short_summary");
        if (!long_summary || !short_summary || !value.contains("subjects") || !value["subjects"].is_array()) {
          return std::nullopt;
        }
        llm::SummaryDraft draft{std::move(*long_summary), std::move(*short_summary), {}};
        for (const Json& subject : value["subjects"]) {
          if (!subject.is_string()) return std::nullopt;
          draft.subjects.push_back(subject.get<std::string>());
        }
        return draft;
      });
}

}  // namespace reflector::pipeline
