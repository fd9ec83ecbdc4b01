#include "pipeline/notify_inputs.hpp"

#include "core/log.hpp"

namespace reflector::pipeline {
namespace {

std::string TextField(const Json& object, const char* field) {
  if (!object.is_object()) return "";
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> NumberField(const Json& object, const char* field) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(field);
  return it != object.end() && it->is_number() ? std::optional<double>(it->get<double>()) : std::nullopt;
}

std::vector<notify::Topic> NotifyTopics(const Json& topics) {
  std::vector<notify::Topic> list;
  if (!topics.is_array()) return list;
  for (const Json& topic : topics) {
    list.push_back(notify::Topic{TextField(topic, "title"), TextField(topic, "summary"),
                                 NumberField(topic, "timestamp"), NumberField(topic, "duration"), ""});
  }
  return list;
}

std::vector<notify::Participant> NotifyParticipants(const Json& participants) {
  std::vector<notify::Participant> list;
  if (!participants.is_array()) return list;
  for (const Json& participant : participants) {
    if (!participant.is_object()) continue;
    notify::Participant item{TextField(participant, "id"), TextField(participant, "name"), std::nullopt};
    auto speaker = participant.find("speaker");
    if (speaker != participant.end() && speaker->is_number_integer())
      item.speaker = speaker->get<std::int64_t>();
    list.push_back(std::move(item));
  }
  return list;
}

}  // namespace

Result<std::optional<store::Room>> FindTranscriptRoom(TaskContext& context,
                                                      const store::Transcript& transcript,
                                                      const std::optional<std::string>& room_id) {
  std::optional<std::string> id = room_id && !room_id->empty() ? room_id : transcript.room_id;
  if (!id || id->empty()) {
    std::optional<std::string> meeting_id = transcript.meeting_id;
    if (!meeting_id && transcript.recording_id) {
      store::Recordings recordings(context.database(), context.clock());
      auto recording = recordings.Get(*transcript.recording_id);
      if (!recording && recording.error().kind != ErrorKind::kNotFound) return recording.error();
      if (recording) meeting_id = recording->meeting_id;
    }
    if (meeting_id) {
      store::Meetings meetings(context.database(), context.clock());
      auto meeting = meetings.Get(*meeting_id);
      if (!meeting && meeting.error().kind != ErrorKind::kNotFound) return meeting.error();
      if (meeting) id = meeting->room_id;
    }
  }
  if (!id || id->empty()) return std::optional<store::Room>();
  store::Rooms rooms(context.database(), context.clock());
  auto room = rooms.Get(*id);
  if (room) return std::optional<store::Room>(std::move(*room));
  if (room.error().kind != ErrorKind::kNotFound) return room.error();
  log::Warn("the transcript's room does not exist", {{"transcript_id", transcript.id}, {"room_id", *id}});
  return std::optional<store::Room>();
}

notify::Transcript NotifyTranscript(const store::Transcript& transcript) {
  notify::Transcript out;
  out.id = transcript.id;
  out.room_id = transcript.room_id;
  out.created_at = FromUnixSeconds(transcript.created_at);
  out.duration = transcript.duration;
  out.title = transcript.title;
  out.short_summary = transcript.short_summary;
  out.long_summary = transcript.long_summary;
  out.webvtt = transcript.webvtt;
  out.topics = NotifyTopics(transcript.topics);
  out.participants = NotifyParticipants(transcript.participants);
  out.source_language = transcript.source_language;
  out.target_language = transcript.target_language;
  out.status = std::string(store::ToString(transcript.status));
  return out;
}

notify::Room NotifyRoom(const store::Room& room) {
  return notify::Room{room.id, room.name};
}

}  // namespace reflector::pipeline
