#pragma once
// What the notification tasks (post_zulip, send_webhook) read: the transcript's room, and the
// database rows turned into notify's own input structs (notify/transcript.hpp).

#include <optional>
#include <string>

#include "notify/transcript.hpp"
#include "pipeline/task_context.hpp"
#include "store/recordings.hpp"
#include "store/rooms.hpp"
#include "store/transcripts.hpp"

namespace reflector::pipeline {

// The transcript's room: `room_id` if given, else the transcript's, else the room of the
// recording's meeting. Nothing when there is none or it no longer exists.
Result<std::optional<store::Room>> FindTranscriptRoom(TaskContext& context,
                                                      const store::Transcript& transcript,
                                                      const std::optional<std::string>& room_id);

// The fields notify uses. Topics keep their order and count (an entry that is not an object
// becomes an empty topic); participants that are not objects are skipped; a text field of the
// wrong type reads as "", a number of the wrong type as none. Topic WebVTT is left empty.
notify::Transcript NotifyTranscript(const store::Transcript& transcript);
notify::Room NotifyRoom(const store::Room& room);

}  // namespace reflector::pipeline
