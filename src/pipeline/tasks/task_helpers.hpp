#pragma once
// Look-ups shared by several task files (tasks/*.cpp): which platform, and the topics read
// back from a stored transcript. (The transcript's room is FindTranscriptRoom in
// notify_inputs.hpp; speaker names are SpeakerNamesOf in transcript_formats.hpp.)

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

// The {title, summary} of each stored topic (missing fields ""); empty unless `topics` is an
// array. Used by generate_title and generate_summary.
std::vector<llm::TopicDraft> TopicDrafts(const Json& topics);

}  // namespace reflector::pipeline
