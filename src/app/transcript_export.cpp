#include "app/transcript_export.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "pipeline/transcript_formats.hpp"
#include "pipeline/words.hpp"
#include "service/engine_modes.hpp"
#include "store/shadow_runs.hpp"
#include "store/transcripts.hpp"

namespace reflector::app {
namespace {

namespace fs = std::filesystem;

Result<Json> ReadJsonObject(Runtime& runtime, const std::string& key, const fs::path& scratch) {
  REFLECTOR_ASSIGN_OR_RETURN(auto bucket, runtime.storage().ForBucket(runtime.bucket()));
  REFLECTOR_ASSIGN_OR_RETURN(bool exists, bucket->Exists(key));
  if (!exists) return Json(nullptr);
  REFLECTOR_TRY(bucket->GetFile(key, scratch));
  std::ifstream in(scratch);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::error_code ignored;
  fs::remove(scratch, ignored);
  return ParseJson(buffer.str(), key);
}

Status WriteText(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  if (!out) return Error::Terminal(ErrorKind::kIo, "cannot write " + file.string());
  return Ok();
}

Json OptionalText(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

// The merged words of the transcript sorted by start; none before merge_transcripts ran.
Result<std::vector<pipeline::Word>> SortedWords(Runtime& runtime, const std::string& transcript_id) {
  fs::path scratch = fs::path(runtime.settings().data_dir) / "scratch" / ("export-" + NewUuid4() + ".json");
  fs::create_directories(scratch.parent_path());
  // A shadow run's objects are under the shadow prefix.
  store::ShadowRuns shadow_runs(runtime.database(), runtime.clock());
  REFLECTOR_ASSIGN_OR_RETURN(bool shadow, shadow_runs.IsShadowTranscript(transcript_id));
  const std::string key = (shadow ? std::string(service::kShadowStoragePrefix) : std::string()) +
                          pipeline::MergedWordsKey(transcript_id);
  REFLECTOR_ASSIGN_OR_RETURN(Json merged, ReadJsonObject(runtime, key, scratch));
  if (!merged.is_array()) return std::vector<pipeline::Word>();
  REFLECTOR_ASSIGN_OR_RETURN(auto words, pipeline::WordsFromJson(merged, "merged words"));
  std::stable_sort(words.begin(), words.end(),
                   [](const auto& a, const auto& b) { return a.start < b.start; });
  return words;
}

}  // namespace

Result<Json> TranscriptJson(Runtime& runtime, const std::string& transcript_id, bool details) {
  store::Transcripts transcripts(runtime.database(), runtime.clock());
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript t, transcripts.Get(transcript_id));
  Json participants = Json::array();
  if (t.participants.is_array()) {
    for (const auto& p : t.participants)
      participants.push_back({{"speaker", p.value("speaker", 0)}, {"name", p.value("name", "")}});
  }
  Json topics = Json::array();
  if (t.topics.is_array()) {
    for (const auto& topic : t.topics) {
      topics.push_back({{"id", topic.value("id", "")},
                        {"title", topic.value("title", "")},
                        {"summary", topic.value("summary", "")},
                        {"timestamp", topic.value("timestamp", 0.0)},
                        {"duration", topic.value("duration", 0.0)}});
    }
  }
  REFLECTOR_ASSIGN_OR_RETURN(std::vector<pipeline::Word> sorted_words, SortedWords(runtime, transcript_id));
  Json words = pipeline::WordsToJson(sorted_words);
  Json json = {{"id", t.id},
               {"status", store::ToString(t.status)},
               {"title", OptionalText(t.title)},
               {"short_summary", OptionalText(t.short_summary)},
               {"long_summary", OptionalText(t.long_summary)},
               {"duration", t.duration},
               {"source_language", t.source_language},
               {"room_id", OptionalText(t.room_id)},
               {"meeting_id", OptionalText(t.meeting_id)},
               {"participants", participants},
               {"topics", topics},
               {"words", words},
               {"provenance",
                {{"engine", OptionalText(t.engine)},
                 {"workflow_id", OptionalText(t.workflow_id)},
                 {"stt_backend", runtime.speech_to_text().Backend()},
                 {"stt_model", runtime.speech_to_text().Model()},
                 {"llm_backend", runtime.summarizer().Backend()},
                 {"llm_model", runtime.summarizer().Model()}}}};
  if (details) {
    json["created_at"] = t.created_at;
    json["current_step"] = OptionalText(t.current_step);
    json["failure"] = t.failure_reason
                          ? Json{{"step", OptionalText(t.failed_step)}, {"reason", *t.failure_reason}}
                          : Json(nullptr);
    json["audio_deleted"] = t.audio_deleted ? Json(*t.audio_deleted) : Json(nullptr);
    Json events = Json::array();
    REFLECTOR_ASSIGN_OR_RETURN(auto list, runtime.events().List(transcript_id));
    for (const auto& event : list) {
      events.push_back(
          {{"seq", event.seq},
           {"event", events::ToString(event.type)},
           {"data", event.data},
           {"created_at", std::chrono::duration<double>(event.created_at.time_since_epoch()).count()}});
    }
    json["events"] = events;
  }
  return json;
}

Status ExportTranscript(Runtime& runtime, const std::string& transcript_id, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error::Terminal(ErrorKind::kIo, "cannot create " + dir.string() + ": " + ec.message());
  REFLECTOR_ASSIGN_OR_RETURN(Json json, TranscriptJson(runtime, transcript_id, false));
  REFLECTOR_TRY(WriteText(dir / "transcript.json", json.dump(2) + "\n"));
  REFLECTOR_ASSIGN_OR_RETURN(auto bucket, runtime.storage().ForBucket(runtime.bucket()));
  REFLECTOR_TRY(bucket->GetFile(pipeline::MixdownKey(transcript_id), dir / "audio.mp3"));
  REFLECTOR_TRY(bucket->GetFile(pipeline::WaveformKey(transcript_id), dir / "waveform.json"));
  store::Transcripts transcripts(runtime.database(), runtime.clock());
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript t, transcripts.Get(transcript_id));
  REFLECTOR_ASSIGN_OR_RETURN(std::vector<pipeline::Word> words,
                             pipeline::WordsFromJson(json["words"], "words"));
  const auto segments = pipeline::NamedSegments(words, pipeline::SpeakerNamesOf(t.participants));
  REFLECTOR_TRY(WriteText(dir / "transcript.vtt", pipeline::TranscriptWebVttNamed(segments)));
  return Ok();
}

}  // namespace reflector::app
