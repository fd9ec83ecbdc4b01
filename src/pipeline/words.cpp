#include "pipeline/words.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "llm/text.hpp"

namespace reflector::pipeline {

Json WordsToJson(const std::vector<Word>& words) {
  Json list = Json::array();
  for (const auto& word : words) {
    list.push_back(
        {{"text", word.text}, {"start", word.start}, {"end", word.end}, {"speaker", word.speaker}});
  }
  return list;
}

Result<std::vector<Word>> WordsFromJson(const Json& json, std::string_view what) {
  if (!json.is_array()) return Error::InvalidInput(std::string(what) + ": words must be a JSON array");
  std::vector<Word> words;
  words.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    const Json& item = json[i];
    std::string where = std::string(what) + "[" + std::to_string(i) + "]";
    Word word;
    auto text = GetString(item, "text");
    if (!text) return text.error().WithContext(where);
    auto start = GetNumber(item, "start");
    if (!start) return start.error().WithContext(where);
    auto end = GetNumber(item, "end");
    if (!end) return end.error().WithContext(where);
    auto speaker = GetInt(item, "speaker");
    if (!speaker) return speaker.error().WithContext(where);
    word.text = std::move(*text);
    word.start = *start;
    word.end = *end;
    word.speaker = static_cast<int>(*speaker);
    words.push_back(std::move(word));
  }
  return words;
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): the words are moved out of `tracks`
std::vector<Word> MergeTracks(std::vector<std::pair<int, std::vector<Word>>> tracks) {
  struct Keyed {
    double start;
    int track;
    std::size_t position;
    Word word;
  };
  std::vector<Keyed> all;
  for (auto& [track, words] : tracks) {
    for (std::size_t i = 0; i < words.size(); ++i)
      all.push_back({words[i].start, track, i, std::move(words[i])});
  }
  std::sort(all.begin(), all.end(), [](const Keyed& a, const Keyed& b) {
    return std::tie(a.start, a.track, a.position) < std::tie(b.start, b.track, b.position);
  });
  std::vector<Word> merged;
  merged.reserve(all.size());
  for (auto& keyed : all)
    merged.push_back(std::move(keyed.word));
  return merged;
}

std::string PlainText(const std::vector<Word>& words) {
  std::string text;
  for (const auto& word : words) {
    if (word.text.empty()) continue;
    if (!text.empty()) text += ' ';
    text += word.text;
  }
  return text;
}

std::string WebVttTime(double seconds) {
  auto millis = static_cast<long long>(std::llround(std::max(0.0, seconds) * 1000.0));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02lld:%02lld:%02lld.%03lld", millis / 3600000, (millis / 60000) % 60,
                (millis / 1000) % 60, millis % 1000);
  return buffer;
}

std::string WordsToWebVtt(const std::vector<Word>& words) {
  std::string vtt = "WEBVTT\n";
  for (const auto& segment : llm::SpeakerTurns(words)) {
    vtt += "\n" + WebVttTime(segment.start) + " --> " + WebVttTime(segment.end) + "\n<v Speaker" +
           std::to_string(segment.speaker) + ">" + segment.text + "\n";
  }
  return vtt;
}

}  // namespace reflector::pipeline
