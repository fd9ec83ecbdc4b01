#include "pipeline/tasks/task_helpers.hpp"

#include <utility>

#include "core/log.hpp"
#include "store/recordings.hpp"

namespace reflector::pipeline {

Result<platform::RecordingPlatform*> FindPlatform(TaskContext& context, const Json& input) {
  auto name = GetOptionalString(input, "platform");
  if (!name) return name.error();
  std::string platform = name->value_or("daily");
  auto it = context.services().platforms.find(platform);
  if (it == context.services().platforms.end() || it->second == nullptr) {
    return Error::InvalidInput("platform '" + platform + "' is not available (configured: " + [&] {
      std::string list;
      for (const auto& [key, value] : context.services().platforms)
        list += (list.empty() ? "" : ", ") + key;
      return list;
    }() + ")");
  }
  return it->second;
}

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

std::vector<llm::TopicDraft> TopicDrafts(const Json& topics) {
  std::vector<llm::TopicDraft> drafts;
  if (!topics.is_array()) return drafts;
  for (const auto& topic : topics)
    drafts.push_back({topic.value("title", ""), topic.value("summary", "")});
  return drafts;
}

llm::SpeakerNames SpeakerNamesOf(const Json& participants) {
  llm::SpeakerNames names;
  if (!participants.is_array()) return names;
  for (const auto& participant : participants) {
    if (participant.contains("speaker") && participant["speaker"].is_number_integer() &&
        participant.contains("name") && participant["name"].is_string()) {
      names[participant["speaker"].get<int>()] = participant["name"].get<std::string>();
    }
  }
  return names;
}

}  // namespace reflector::pipeline
