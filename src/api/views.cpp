#include "api/views.hpp"

#include <algorithm>
#include <cmath>

#include "core/clock.hpp"

namespace reflector::api {
namespace {

Json OptionalText(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

// Word texts joined as Reflector's (whose words carry their leading space).
std::string JoinWords(const std::vector<pipeline::Word>& words) {
  std::string text;
  for (const auto& word : words) {
    if (!text.empty() && !word.text.empty() && word.text.front() != ' ') text += ' ';
    text += word.text;
  }
  if (!text.empty() && text.front() == ' ') text.erase(0, 1);
  return text;
}

bool EndsSentence(const std::string& text) {
  return text.find_first_of(".;:?!") != std::string::npos || text.find("\xE2\x80\xA6") != std::string::npos;
}

}  // namespace

std::string IsoTime(double unix_seconds) {
  const auto micros = std::chrono::microseconds(static_cast<std::int64_t>(std::llround(unix_seconds * 1e6)));
  return FormatIso8601(WallTime(std::chrono::duration_cast<WallTime::duration>(micros)));
}

Json TranscriptMinimalJson(const store::Transcript& t, const std::optional<std::string>& room_name) {
  return Json{{"id", t.id},
              {"user_id", OptionalText(t.user_id)},
              {"name", t.name},
              {"status", store::ToString(t.status)},
              {"locked", t.locked},
              {"duration", std::llround(t.duration * 1000.0)},
              {"title", OptionalText(t.title)},
              {"short_summary", OptionalText(t.short_summary)},
              {"long_summary", OptionalText(t.long_summary)},
              {"created_at", IsoTime(t.created_at)},
              {"share_mode", t.share_mode},
              {"source_language", t.source_language},
              {"target_language", t.target_language},
              {"reviewed", t.reviewed},
              {"meeting_id", OptionalText(t.meeting_id)},
              {"source_kind", t.source_kind},
              {"room_id", OptionalText(t.room_id)},
              {"room_name", OptionalText(room_name)},
              {"audio_deleted", t.audio_deleted ? Json(*t.audio_deleted) : Json(nullptr)},
              {"change_seq", t.change_seq},
              {"has_cloud_video", false},
              {"cloud_video_duration", nullptr}};
}

Json ParticipantJson(const Json& stored) {
  Json speaker =
      stored.contains("speaker") && stored["speaker"].is_number_integer() ? stored["speaker"] : Json(nullptr);
  return Json{{"id", stored.value("id", "")},
              {"speaker", speaker},
              {"name", stored.value("name", "")},
              {"user_id", stored.contains("user_id") ? stored["user_id"] : Json(nullptr)}};
}

Json ParticipantsJson(const store::Transcript& transcript) {
  Json participants = Json::array();
  if (transcript.participants.is_array()) {
    for (const auto& stored : transcript.participants)
      participants.push_back(ParticipantJson(stored));
  }
  return participants;
}

Json TranscriptWithParticipantsJson(const store::Transcript& t, const std::optional<std::string>& room_name) {
  Json json = TranscriptMinimalJson(t, room_name);
  json["participants"] = ParticipantsJson(t);
  return json;
}

std::vector<pipeline::Word> TopicWords(const Json& topic) {
  if (!topic.contains("words")) return {};
  auto words = pipeline::WordsFromJson(topic["words"], "topic words");
  return words ? std::move(*words) : std::vector<pipeline::Word>();
}

std::vector<pipeline::Word> TranscriptWords(const store::Transcript& transcript) {
  std::vector<pipeline::Word> words;
  if (transcript.topics.is_array()) {
    for (const auto& topic : transcript.topics) {
      auto topic_words = TopicWords(topic);
      words.insert(words.end(), topic_words.begin(), topic_words.end());
    }
  }
  std::stable_sort(words.begin(), words.end(),
                   [](const auto& a, const auto& b) { return a.start < b.start; });
  return words;
}

Json SegmentsJson(const std::vector<pipeline::Word>& words) {
  Json segments = Json::array();
  std::vector<pipeline::Word> current;
  auto flush = [&] {
    if (current.empty()) return;
    segments.push_back({{"text", JoinWords(current)},
                        {"start", current.front().start},
                        {"speaker", current.front().speaker}});
    current.clear();
  };
  std::size_t length = 0;
  for (const auto& word : words) {
    if (!current.empty() && word.speaker != current.front().speaker) {
      flush();
      length = 0;
    }
    current.push_back(word);
    length += word.text.size() + 1;
    if (length > 120 && EndsSentence(word.text)) {
      flush();
      length = 0;
    }
  }
  flush();
  return segments;
}

Json WordsPerSpeakerJson(const std::vector<pipeline::Word>& words) {
  Json runs = Json::array();
  std::vector<pipeline::Word> current;
  for (std::size_t i = 0; i <= words.size(); ++i) {
    if (!current.empty() && (i == words.size() || words[i].speaker != current.front().speaker)) {
      runs.push_back({{"speaker", current.front().speaker}, {"words", pipeline::WordsToJson(current)}});
      current.clear();
    }
    if (i < words.size()) current.push_back(words[i]);
  }
  return runs;
}

Json TopicJson(const Json& topic, bool with_words) {
  const std::vector<pipeline::Word> words = TopicWords(topic);
  Json json = {{"id", topic.value("id", "")},
               {"title", topic.value("title", "")},
               {"summary", topic.value("summary", "")},
               {"timestamp", topic.value("timestamp", 0.0)},
               {"duration", topic.contains("duration") ? topic["duration"] : Json(nullptr)},
               {"transcript", JoinWords(words)},
               {"segments", SegmentsJson(words)}};
  if (with_words) json["words"] = pipeline::WordsToJson(words);
  return json;
}

Json RoomJson(const store::Room& room, bool details) {
  Json json = {{"id", room.id},
               {"name", room.name},
               {"user_id", OptionalText(room.user_id)},
               {"created_at", IsoTime(room.created_at)},
               {"zulip_auto_post", room.zulip_auto_post},
               {"zulip_stream", room.zulip_stream},
               {"zulip_topic", room.zulip_topic},
               {"is_locked", room.is_locked},
               {"room_mode", room.room_mode},
               {"recording_type", room.recording_type},
               {"recording_trigger", room.recording_trigger},
               {"is_shared", room.is_shared},
               {"ics_url", nullptr},
               {"ics_fetch_interval", 300},
               {"ics_enabled", false},
               {"ics_last_sync", nullptr},
               {"ics_last_etag", nullptr},
               {"platform", room.platform},
               {"skip_consent", room.skip_consent},
               {"email_transcript_to", OptionalText(room.email_transcript_to)},
               {"store_video", room.store_video}};
  if (details) {
    json["webhook_url"] = room.webhook_url;
    json["webhook_secret"] = room.webhook_secret;
  }
  return json;
}

}  // namespace reflector::api
