#include "service/processing.hpp"

#include "core/log.hpp"
#include "service/engine_modes.hpp"
#include "store/rooms.hpp"

namespace reflector::service {
namespace {

namespace fs = std::filesystem;

double NowSeconds(Clock& clock) {
  return std::chrono::duration<double>(clock.Now().time_since_epoch()).count();
}

// Marks a transcript whose workflow could not start, so it is never left `processing`.
void RecordStartFailure(ServiceContext& context, const std::string& transcript_id, const Error& error) {
  store::Transcripts transcripts(*context.database, *context.clock);
  (void)transcripts.SetFailure(transcript_id, "start", error.message);
  (void)transcripts.SetStatus(transcript_id, store::TranscriptStatus::kError);
}

Result<std::optional<store::Room>> FindRoom(ServiceContext& context, const std::string& room_name) {
  if (room_name.empty()) return std::optional<store::Room>();
  store::Rooms rooms(*context.database, *context.clock);
  auto room = rooms.GetByName(room_name);
  if (!room) return room.error();
  return std::optional<store::Room>(*room);
}

// Puts every file into the bucket under uploads/<recording id>/; tasks only ever see keys.
Result<std::vector<StoredTrack>> StoreTracks(ServiceContext& context, const std::string& recording_id,
                                             const std::vector<TrackFile>& files) {
  REFLECTOR_ASSIGN_OR_RETURN(auto bucket, context.storage->ForBucket(context.bucket));
  std::vector<StoredTrack> stored;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const TrackFile& track = files[i];
    std::string key =
        "uploads/" + recording_id + "/" + std::to_string(i) + "-" + track.file.filename().string();
    if (auto put = bucket->PutFile(key, track.file); !put.ok())
      return put.error().WithContext("track " + track.name + " (" + track.file.string() + ")");
    stored.push_back({track.name, key});
  }
  return stored;
}

// The recording of tracks stored under uploads/<recording_id>/.
Status CreateRecording(ServiceContext& context, const std::string& recording_id,
                       const std::vector<StoredTrack>& tracks, const std::optional<std::string>& meeting_id) {
  store::Recording recording;
  recording.id = recording_id;
  recording.bucket_name = context.bucket;
  recording.object_key = "uploads/" + recording_id;
  recording.recorded_at = NowSeconds(*context.clock);
  recording.track_keys = Json::array();
  for (const auto& track : tracks)
    recording.track_keys->push_back(track.key);
  recording.meeting_id = meeting_id;
  store::Recordings recordings(*context.database, *context.clock);
  if (auto created = recordings.Create(recording); !created) return created.error();
  return Ok();
}

}  // namespace

Status EnsureMeeting(ServiceContext& context, const std::string& meeting_id, const std::string& room_name) {
  store::Meetings meetings(*context.database, *context.clock);
  if (meetings.Get(meeting_id).ok()) return Ok();
  store::Meeting meeting;
  meeting.id = meeting_id;
  meeting.platform = "local";
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<store::Room> room, FindRoom(context, room_name));
  if (room) {
    meeting.room_id = room->id;
    meeting.room_name = room->name;
  }
  auto created = meetings.Create(meeting);
  if (!created) return created.error();
  return Ok();
}

Result<StartedRun> ProcessFiles(ServiceContext& context, const ProcessRequest& request) {
  if (request.tracks.empty()) return Error::InvalidInput("no tracks: give at least one participant's audio");
  auto room = FindRoom(context, request.room_name);
  if (!room) return room.error().WithContext("room " + request.room_name);
  if (!request.meeting_id.empty()) {
    if (auto meeting = EnsureMeeting(context, request.meeting_id, request.room_name); !meeting.ok())
      return meeting.error().WithContext("meeting " + request.meeting_id);
  }
  std::string recording_id = context.ids->NewId();
  REFLECTOR_ASSIGN_OR_RETURN(std::vector<StoredTrack> tracks,
                             StoreTracks(context, recording_id, request.tracks));

  REFLECTOR_TRY(
      CreateRecording(context, recording_id, tracks,
                      request.meeting_id.empty() ? std::nullopt : std::optional(request.meeting_id)));

  store::Transcript transcript;
  transcript.id = context.ids->NewId();
  transcript.source_language = request.language;
  transcript.target_language = request.language;
  transcript.recording_id = recording_id;
  transcript.source_kind = "file";
  if (*room) transcript.room_id = (*room)->id;
  if (!request.meeting_id.empty()) transcript.meeting_id = request.meeting_id;
  store::Transcripts transcripts(*context.database, *context.clock);
  auto created = transcripts.Create(transcript);
  if (!created) return created.error();
  return StartPipeline(context, *created, tracks, "local");
}

Result<StartedRun> ProcessStoredTracks(ServiceContext& context, const std::string& transcript_id,
                                       const std::string& recording_id,
                                       const std::vector<StoredTrack>& tracks) {
  if (tracks.empty()) return Error::InvalidInput("no tracks: give at least one participant's audio");
  store::Transcripts transcripts(*context.database, *context.clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript transcript, transcripts.Get(transcript_id));
  if (transcript.status == store::TranscriptStatus::kProcessing) {
    return Error::Terminal(ErrorKind::kConflict, "transcript " + transcript_id + " is already processing");
  }
  REFLECTOR_TRY(CreateRecording(context, recording_id, tracks, transcript.meeting_id));
  REFLECTOR_TRY(transcripts.SetRecording(transcript_id, recording_id));
  transcript.recording_id = recording_id;
  return StartPipeline(context, transcript, tracks, "local");
}

Result<StartedRun> RerunTranscript(ServiceContext& context, const std::string& transcript_id) {
  store::Transcripts transcripts(*context.database, *context.clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript transcript, transcripts.Get(transcript_id));
  if (transcript.status == store::TranscriptStatus::kProcessing) {
    return Error::Terminal(ErrorKind::kConflict, "transcript " + transcript_id + " is already processing");
  }
  if (!transcript.workflow_id)
    return Error::InvalidInput("transcript " + transcript_id + " has never been processed");
  REFLECTOR_ASSIGN_OR_RETURN(engine::WorkflowSnapshot last, context.engine->Get(*transcript.workflow_id));
  std::vector<StoredTrack> tracks;
  const Json& input_tracks =
      last.workflow.input.contains("tracks") ? last.workflow.input["tracks"] : Json::array();
  for (const auto& track : input_tracks)
    tracks.push_back({track.value("participant_name", ""), track.value("s3_key", "")});
  if (tracks.empty())
    return Error::InvalidInput("transcript " + transcript_id + " has no tracks to process again");
  const std::string platform = last.workflow.input.value("platform", "local");
  // The tracks stay where the last run read them (a Daily recording's are in Daily's bucket).
  ServiceContext same_bucket = context;
  if (auto bucket = last.workflow.input.find("bucket_name");
      bucket != last.workflow.input.end() && bucket->is_string() && !bucket->get<std::string>().empty()) {
    same_bucket.bucket = bucket->get<std::string>();
  }
  REFLECTOR_TRY(transcripts.ResetForRerun(transcript_id));
  REFLECTOR_ASSIGN_OR_RETURN(transcript, transcripts.Get(transcript_id));
  return StartPipeline(same_bucket, transcript, tracks, platform);
}

Result<StartedRun> StartPipeline(ServiceContext& context, const store::Transcript& transcript,
                                 const std::vector<StoredTrack>& tracks, const std::string& platform) {
  std::optional<store::Room> room;
  if (transcript.room_id) {
    store::Rooms rooms(*context.database, *context.clock);
    auto found = rooms.Get(*transcript.room_id);
    if (!found) return found.error();
    room = *found;
  }
  Json workflow_tracks = Json::array();
  for (const auto& track : tracks)
    workflow_tracks.push_back({{"s3_key", track.key}, {"participant_name", track.name}});
  std::string recording_id = transcript.recording_id.value_or("");
  Json input = {{"recording_id", recording_id},
                {"room_name", room ? Json(room->name) : Json(nullptr)},
                {"room_id", room ? Json(room->id) : Json(nullptr)},
                {"transcript_id", transcript.id},
                {"bucket_name", context.bucket},
                {"tracks", workflow_tracks},
                {"source_language", transcript.source_language},
                {"target_language", transcript.target_language},
                {"platform", platform}};
  // Where it runs (in-process, Conductor with its fallback, or with a shadow run) is decided
  // in one place for every entry point: engine_modes.hpp.
  auto start = StartWorkflow(context, transcript, input);
  if (!start) {
    RecordStartFailure(context, transcript.id, start.error());
    return start.error();
  }
  const std::optional<std::string> workflow_id = start->workflow_id;
  const std::string engine = start->engine;
  store::Transcripts transcripts(*context.database, *context.clock);
  REFLECTOR_TRY(transcripts.SetWorkflow(transcript.id, *workflow_id, engine));
  store::Recordings recordings(*context.database, *context.clock);
  if (!recording_id.empty()) REFLECTOR_TRY(recordings.SetWorkflowId(recording_id, *workflow_id));
  log::Info("pipeline started", {{"transcript_id", transcript.id},
                                 {"workflow_id", *workflow_id},
                                 {"engine", engine},
                                 {"tracks", std::to_string(tracks.size())}});
  return StartedRun{transcript.id, recording_id, *workflow_id, engine};
}

}  // namespace reflector::service
