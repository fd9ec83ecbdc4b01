// merge_transcripts: the per-track words in one timeline, sorted by (start, track, position).

#include "pipeline/tasks.hpp"

namespace reflector::pipeline {

Result<Json> MergeTranscripts(TaskContext& context) {
  REFLECTOR_ASSIGN_OR_RETURN(Json transcripts, GetObject(context.input(), "transcripts"));
  std::vector<std::pair<int, std::vector<Word>>> tracks;
  for (auto it = transcripts.begin(); it != transcripts.end(); ++it) {
    std::string where = "transcripts." + it.key();
    auto words_key = GetString(it.value(), "words_key");
    if (!words_key) return words_key.error().WithContext(where);
    auto track_index = GetInt(it.value(), "track_index");
    if (!track_index) return track_index.error().WithContext(where);
    REFLECTOR_ASSIGN_OR_RETURN(Json json, context.GetJson(*words_key));
    REFLECTOR_ASSIGN_OR_RETURN(std::vector<Word> words, WordsFromJson(json, *words_key));
    tracks.emplace_back(static_cast<int>(*track_index), std::move(words));
  }
  std::vector<Word> merged = MergeTracks(std::move(tracks));
  std::string key = MergedWordsKey(context.ObjectRoot());
  REFLECTOR_TRY(context.PutJson(key, WordsToJson(merged)));
  REFLECTOR_TRY(context.Emit(events::EventType::kTranscript, events::TranscriptData(PlainText(merged))));
  return Json{{"words_key", key}, {"word_count", merged.size()}};
}

}  // namespace reflector::pipeline
