#pragma once
// Look-ups shared by several task files (tasks/*.cpp): which platform, which room, and the
// summariser's inputs read back from a stored transcript.

#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "llm/summarizer.hpp"
#include "pipeline/task_context.hpp"
#include "platform/platform.hpp"
#include "store/recordings.hpp"
#include "store/transcripts.hpp"

namespace reflector::pipeline {

// The platform named by the input's optional `platform` field ("daily" when absent), among
// services().platforms. Errors (terminal kInvalidInput): `platform` is not a string, or names a
// platform that is not configured (the message lists those that are). Used by get_recording
// and get_participants.
Result<platform::RecordingPlatform*> FindPlatform(TaskContext& context, const Json& input);

// The transcript's room: `room_id` if given and not empty, else the transcript's, else the room
// of the recording's meeting. Nothing when there is none or it no longer exists (logged); other
// database errors are returned. Used by post_zulip and send_webhook.
Result<std::optional<store::Room>> FindTranscriptRoom(TaskContext& context,
                                                      const store::Transcript& transcript,
                                                      const std::optional<std::string>& room_id);

// The {title, summary} of each stored topic (missing fields ""); empty unless `topics` is an
// array. Used by generate_title and generate_summary.
std::vector<llm::TopicDraft> TopicDrafts(const Json& topics);

// Speaker index -> name from the stored participants ([{speaker, name, ...}]); entries without
// an integer `speaker` and a string `name` are skipped. Used by detect_topics and
// generate_summary.
llm::SpeakerNames SpeakerNamesOf(const Json& participants);

}  // namespace reflector::pipeline
