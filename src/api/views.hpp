#pragma once
// Reflector's response shapes (reflector-api.md §1 and §4), built from stored rows. Transcript
// durations are milliseconds (what Reflector's frontend formats), topic and word times seconds;
// times of day are ISO 8601 in UTC.

#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "pipeline/words.hpp"
#include "store/rooms.hpp"
#include "store/transcripts.hpp"

namespace reflector::api {

// GetTranscriptMinimal (list items). `room_name` when the transcript belongs to a room.
Json TranscriptMinimalJson(const store::Transcript& transcript, const std::optional<std::string>& room_name);
// GetTranscriptWithParticipants.
Json TranscriptWithParticipantsJson(const store::Transcript& transcript,
                                    const std::optional<std::string>& room_name);
// Participant: {id, speaker|null, name}.
Json ParticipantJson(const Json& stored);
Json ParticipantsJson(const store::Transcript& transcript);

// Every word of the transcript's topics, sorted by start.
std::vector<pipeline::Word> TranscriptWords(const store::Transcript& transcript);
// The words of one stored topic.
std::vector<pipeline::Word> TopicWords(const Json& topic);
// GetTranscriptTopic: {id, title, summary, timestamp, duration, transcript, segments}; with
// `with_words` also `words`.
Json TopicJson(const Json& topic, bool with_words);
// Reflector's segments: a new one when the speaker changes, or after a sentence end once the
// segment is longer than 120 characters.
Json SegmentsJson(const std::vector<pipeline::Word>& words);
// [{speaker, words[]}] with one entry per run of the same speaker.
Json WordsPerSpeakerJson(const std::vector<pipeline::Word>& words);

// Room and RoomDetails (with webhook fields when `details`).
Json RoomJson(const store::Room& room, bool details);

// ISO 8601 from Unix seconds.
std::string IsoTime(double unix_seconds);

}  // namespace reflector::api
