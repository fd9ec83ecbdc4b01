#include "api/transcript_removal.hpp"

#include "core/log.hpp"
#include "pipeline/task_context.hpp"
#include "store/recordings.hpp"
#include "store/shadow_runs.hpp"

namespace reflector::api {
namespace {

// The recording the transcript's tracks belong to, if it still exists.
Result<std::optional<store::Recording>> RecordingOf(service::ServiceContext& service,
                                                    const store::Transcript& transcript) {
  if (!transcript.recording_id) return std::optional<store::Recording>();
  store::Recordings recordings(*service.database, *service.clock);
  auto recording = recordings.Get(*transcript.recording_id);
  if (recording) return std::optional<store::Recording>(std::move(*recording));
  if (recording.error().kind == ErrorKind::kNotFound) return std::optional<store::Recording>();
  return recording.error();
}

int TrackCount(const std::optional<store::Recording>& recording) {
  if (!recording || !recording->track_keys || !recording->track_keys->is_array()) return 0;
  return static_cast<int>(recording->track_keys->size());
}

// The keys every run of the transcript wrote: its own and its shadow runs'.
Result<std::vector<std::string>> RunKeys(service::ServiceContext& service,
                                         const store::Transcript& transcript, int track_count) {
  std::vector<std::string> roots = {transcript.id};
  store::ShadowRuns shadow_runs(*service.database, *service.clock);
  REFLECTOR_ASSIGN_OR_RETURN(std::vector<store::ShadowRun> shadows, shadow_runs.ListOfPrimary(transcript.id));
  const std::string prefix = service.modes != nullptr ? service.modes->shadow_storage_prefix
                                                      : std::string(service::kShadowStoragePrefix);
  for (const auto& shadow : shadows)
    roots.push_back(prefix + shadow.shadow_transcript_id);
  std::vector<std::string> keys;
  for (const std::string& root : roots) {
    for (std::string& key : pipeline::RunObjectKeys(root, track_count))
      keys.push_back(std::move(key));
  }
  return keys;
}

// The recording's uploaded tracks, when its row is gone and they are in `bucket`.
Result<std::vector<std::string>> UploadKeys(service::ServiceContext& service,
                                            const std::optional<store::Recording>& recording) {
  std::vector<std::string> keys;
  if (!recording || recording->bucket_name != service.bucket || !recording->track_keys ||
      !recording->track_keys->is_array()) {
    return keys;
  }
  store::Recordings recordings(*service.database, *service.clock);
  auto still_there = recordings.Get(recording->id);
  if (still_there) return keys;  // another transcript uses these tracks
  if (still_there.error().kind != ErrorKind::kNotFound) return still_there.error();
  for (const auto& key : *recording->track_keys) {
    if (key.is_string()) keys.push_back(key.get<std::string>());
  }
  return keys;
}

void DeleteObjects(service::ServiceContext& service, const std::string& transcript_id,
                   const std::vector<std::string>& keys) {
  auto bucket = service.storage->ForBucket(service.bucket);
  if (!bucket) {
    log::Warn("cannot delete a destroyed transcript's objects",
              {{"transcript_id", transcript_id}, {"error", bucket.error().Describe()}});
    return;
  }
  for (const std::string& key : keys) {
    if (auto deleted = (*bucket)->Delete(key); !deleted.ok()) {
      log::Warn("cannot delete an object of a destroyed transcript",
                {{"transcript_id", transcript_id}, {"key", key}, {"error", deleted.error().Describe()}});
    }
  }
}

}  // namespace

Status DestroyTranscriptAndObjects(service::ServiceContext& service, const store::Transcript& transcript) {
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<store::Recording> recording, RecordingOf(service, transcript));
  REFLECTOR_ASSIGN_OR_RETURN(std::vector<std::string> keys,
                             RunKeys(service, transcript, TrackCount(recording)));
  store::Transcripts transcripts(*service.database, *service.clock);
  REFLECTOR_TRY(transcripts.Destroy(transcript.id));
  auto uploads = UploadKeys(service, recording);
  if (uploads) {
    keys.insert(keys.end(), uploads->begin(), uploads->end());
  } else {
    log::Warn("cannot tell whether a destroyed transcript's tracks are still used; they stay",
              {{"transcript_id", transcript.id}, {"error", uploads.error().Describe()}});
  }
  DeleteObjects(service, transcript.id, keys);
  log::Info("transcript destroyed",
            {{"transcript_id", transcript.id}, {"objects", std::to_string(keys.size())}});
  return Ok();
}

}  // namespace reflector::api
