// cleanup_consent: when any participant of the recording's meeting denied consent, delete the
// raw tracks, the padded tracks and the mixdown; audio_deleted only if every deletion worked
// (a missing object counts as deleted). With `delete_source_audio: false` (a shadow run, whose
// raw tracks belong to the primary run still reading them) only the run's own padded tracks and
// mixdown go.

#include "pipeline/tasks.hpp"
#include "store/recordings.hpp"

namespace reflector::pipeline {

Result<Json> CleanupConsent(TaskContext& context) {
  store::Transcripts transcripts(context.database(), context.clock());
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript transcript, transcripts.Get(context.transcript_id()));
  if (!transcript.recording_id) return Json{{"audio_deleted", false}, {"reason", nullptr}};
  store::Recordings recordings(context.database(), context.clock());
  REFLECTOR_ASSIGN_OR_RETURN(store::Recording recording, recordings.Get(*transcript.recording_id));
  std::optional<std::string> meeting_id = recording.meeting_id ? recording.meeting_id : transcript.meeting_id;
  if (!meeting_id) return Json{{"audio_deleted", false}, {"reason", nullptr}};
  store::MeetingConsents consents(context.database());
  REFLECTOR_ASSIGN_OR_RETURN(bool denied, consents.HasAnyDenial(*meeting_id));
  if (!denied) return Json{{"audio_deleted", false}, {"reason", nullptr}};
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<bool> delete_source_field,
                             GetOptionalBool(context.input(), "delete_source_audio"));
  const bool delete_source = delete_source_field.value_or(true);

  std::vector<std::string> failures;
  auto remove = [&](std::string_view bucket, std::string_view key) {
    auto store = context.Bucket(bucket);
    if (!store) {
      failures.push_back(std::string(key) + ": " + store.error().message);
      return;
    }
    auto deleted = (*store)->Delete(key);
    if (!deleted) failures.push_back(std::string(key) + ": " + deleted.error().message);
  };
  const bool multitrack =
      recording.track_keys && recording.track_keys->is_array() && !recording.track_keys->empty();
  if (delete_source && multitrack) {
    for (const auto& key : *recording.track_keys) {
      if (key.is_string()) remove(recording.bucket_name, key.get<std::string>());
    }
  } else if (delete_source && !recording.object_key.empty()) {
    remove(recording.bucket_name, recording.object_key);
  }
  std::size_t track_count =
      recording.track_keys && recording.track_keys->is_array() ? recording.track_keys->size() : 0;
  for (std::size_t i = 0; i < track_count; ++i) {
    remove(context.services().bucket, PaddedTrackKey(context.ObjectRoot(), static_cast<int>(i)));
  }
  remove(context.services().bucket, MixdownKey(context.ObjectRoot()));
  if (!failures.empty()) {
    std::string message = "consent denied but some audio could not be deleted:";
    for (const auto& failure : failures)
      message += "\n  " + failure;
    return Error::Transient(ErrorKind::kUnavailable, message);
  }
  REFLECTOR_TRY(transcripts.SetAudioDeleted(context.transcript_id(), true));
  return Json{{"audio_deleted", true}, {"reason", "a participant denied consent"}};
}

}  // namespace reflector::pipeline
