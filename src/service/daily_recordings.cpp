#include "service/daily_recordings.hpp"

#include <cmath>

#include "core/log.hpp"
#include "platform/daily/daily_webhook.hpp"
#include "service/processing.hpp"
#include "store/recordings.hpp"
#include "store/rooms.hpp"
#include "store/sql.hpp"
#include "store/transcripts.hpp"

namespace reflector::service {
namespace {

double NowSeconds(Clock& clock) {
  return std::chrono::duration<double>(clock.Now().time_since_epoch()).count();
}

// The context whose bucket is where the recording's tracks are: the workflow input's bucket_name.
ServiceContext InBucket(const ServiceContext& context, const std::string& bucket) {
  ServiceContext daily = context;
  daily.bucket = bucket;
  return daily;
}

std::vector<StoredTrack> TracksOf(const std::vector<std::string>& keys) {
  std::vector<StoredTrack> tracks;
  tracks.reserve(keys.size());
  for (const auto& key : keys)
    tracks.push_back({"", key});  // named by get_participants from Daily's participants
  return tracks;
}

// The Reflector room of a Daily room, or nothing when there is none by that name.
Result<std::optional<store::Room>> RoomOf(ServiceContext& context, const std::string& daily_room) {
  const std::string name = platform::ReflectorRoomName(daily_room);
  store::Rooms rooms(*context.database, *context.clock);
  auto room = rooms.GetByName(name);
  if (room) return std::optional<store::Room>(std::move(*room));
  if (room.error().kind != ErrorKind::kNotFound) return room.error();
  log::Info("no Reflector room for the Daily room; processed without notifications",
            {{"daily_room", daily_room}, {"room", name}});
  return std::optional<store::Room>();
}

store::Recording RecordingRow(ServiceContext& context, const DailyOptions& daily,
                              const DailyRecordingAnnouncement& announcement) {
  store::Recording recording;
  recording.id = announcement.recording_id;
  recording.bucket_name = daily.bucket;
  const std::string& first = announcement.track_keys.front();
  recording.object_key = first.rfind('/') == std::string::npos ? "" : first.substr(0, first.rfind('/'));
  auto recorded_at = platform::DailyRecordedAt(first);
  recording.recorded_at = recorded_at ? std::chrono::duration<double>(recorded_at->time_since_epoch()).count()
                                      : NowSeconds(*context.clock);
  recording.track_keys = Json(announcement.track_keys);
  return recording;
}

store::Transcript TranscriptRow(ServiceContext& context, const DailyRecordingAnnouncement& announcement,
                                const std::optional<store::Room>& room) {
  store::Transcript transcript;
  transcript.id = context.ids->NewId();
  transcript.recording_id = announcement.recording_id;
  transcript.source_kind = "room";
  transcript.share_mode = "public";  // as Reflector makes a room's recordings
  if (room) {
    transcript.room_id = room->id;
    transcript.user_id = room->user_id;
  }
  return transcript;
}

// The claim that was there first, with its transcript's workflow.
Result<DailyRecordingStart> AlreadyTakenIn(ServiceContext& context, const std::string& recording_id) {
  store::DailyRecordingClaims claims(*context.database, *context.clock);
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<store::DailyRecordingClaim> claim, claims.Get(recording_id));
  if (!claim)
    return Error::Internal("Daily recording " + recording_id + " has no claim after its claim failed");
  DailyRecordingStart start;
  start.transcript_id = claim->transcript_id;
  store::Transcripts transcripts(*context.database, *context.clock);
  if (auto transcript = transcripts.Get(claim->transcript_id)) {
    start.user_id = transcript->user_id;
    start.workflow_id = transcript->workflow_id;
    start.engine = transcript->engine.value_or("");
  }
  return start;
}

Status CheckAnnouncement(const DailyOptions& daily, const DailyRecordingAnnouncement& announcement) {
  if (daily.bucket.empty()) {
    return Error::InvalidInput("Daily recording " + announcement.recording_id +
                               ": DAILYCO_STORAGE_AWS_BUCKET_NAME is not set, so its tracks cannot be read");
  }
  if (announcement.recording_id.empty())
    return Error::InvalidInput("Daily recording: the recording id is empty");
  if (announcement.track_keys.empty()) {
    return Error::InvalidInput("Daily recording " + announcement.recording_id + " has no camera audio track");
  }
  return Ok();
}

}  // namespace

Result<DailyRecordingStart> StartDailyRecording(ServiceContext& context, const DailyOptions& daily,
                                                const DailyRecordingAnnouncement& announcement) {
  REFLECTOR_TRY(CheckAnnouncement(daily, announcement));
  store::DailyRecordingClaims claims(*context.database, *context.clock);
  REFLECTOR_ASSIGN_OR_RETURN(auto existing, claims.Get(announcement.recording_id));
  if (existing) return AlreadyTakenIn(context, announcement.recording_id);

  REFLECTOR_ASSIGN_OR_RETURN(std::optional<store::Room> room, RoomOf(context, announcement.room_name));
  const store::Transcript transcript = TranscriptRow(context, announcement, room);
  bool claimed = false;
  store::Transcript created;
  REFLECTOR_TRY(context.database->WithTransaction(
      "take in Daily recording " + announcement.recording_id, [&](store::Session& session) -> Status {
        store::DailyRecordingClaims in_transaction(session, *context.clock);
        REFLECTOR_ASSIGN_OR_RETURN(
            claimed, in_transaction.Claim({announcement.recording_id, transcript.id, announcement.room_name,
                                           announcement.announced_by, 0, std::nullopt, 0}));
        if (!claimed) return Ok();  // another caller's transaction has it: change nothing
        store::Recordings recordings(session, *context.clock);
        if (auto made = recordings.Create(RecordingRow(context, daily, announcement)); !made)
          return made.error();
        store::Transcripts transcripts(session, *context.clock);
        REFLECTOR_ASSIGN_OR_RETURN(created, transcripts.Create(transcript));
        return Ok();
      }));
  if (!claimed) return AlreadyTakenIn(context, announcement.recording_id);
  log::Info("Daily recording taken in", {{"recording_id", announcement.recording_id},
                                         {"transcript_id", created.id},
                                         {"announced_by", announcement.announced_by},
                                         {"tracks", static_cast<int>(announcement.track_keys.size())}});

  DailyRecordingStart start;
  start.transcript_id = created.id;
  start.user_id = created.user_id;
  start.started_here = true;
  ServiceContext in_daily_bucket = InBucket(context, daily.bucket);
  auto run = StartPipeline(in_daily_bucket, created, TracksOf(announcement.track_keys), "daily");
  if (!run) {
    log::Warn("Daily recording taken in but its workflow did not start; the re-run pass starts it again",
              {{"recording_id", announcement.recording_id}, {"error", run.error().Describe()}});
    start.start_error = run.error();
    return start;
  }
  start.workflow_id = run->workflow_id;
  start.engine = run->engine;
  return start;
}

Result<DailyRecordingAnnouncement> AnnouncementOf(const platform::DailyRecording& recording,
                                                  std::string announced_by) {
  if (!recording.Ready()) {
    return Error::InvalidInput("Daily recording " + recording.id + " is not finished (status \"" +
                               recording.status + "\"" + (recording.duration ? "" : ", no duration") + ")");
  }
  DailyRecordingAnnouncement announcement;
  announcement.recording_id = recording.id;
  announcement.room_name = recording.room_name;
  announcement.track_keys = platform::DailyAudioTrackKeys(recording.tracks);
  announcement.announced_by = std::move(announced_by);
  if (announcement.track_keys.empty()) {
    return Error::InvalidInput("Daily recording " + recording.id +
                               " has no camera audio track (a cloud recording, or raw tracks without audio)");
  }
  return announcement;
}

Result<DailyRecordingStart> StartDailyRecordingById(ServiceContext& context, const DailyOptions& daily,
                                                    platform::DailyClient& client,
                                                    const std::string& recording_id, std::stop_token stop) {
  REFLECTOR_ASSIGN_OR_RETURN(platform::DailyRecording recording, client.GetRecording(recording_id, stop));
  REFLECTOR_ASSIGN_OR_RETURN(DailyRecordingAnnouncement announcement, AnnouncementOf(recording, "cli"));
  return StartDailyRecording(context, daily, announcement);
}

Result<DailyPollSummary> PollDailyRecordings(ServiceContext& context, const DailyOptions& daily,
                                             platform::DailyClient& client, std::stop_token stop) {
  REFLECTOR_ASSIGN_OR_RETURN(platform::DailyRecordingPage page, client.ListRecordings({}, stop));
  DailyPollSummary summary;
  summary.listed = static_cast<int>(page.data.size());
  store::DailyRecordingClaims claims(*context.database, *context.clock);
  for (const platform::DailyRecording& recording : page.data) {
    auto announcement = AnnouncementOf(recording, "poller");
    if (!announcement) {
      ++summary.skipped;
      continue;
    }
    auto known = claims.Get(recording.id);
    if (known && *known) {
      ++summary.known;
      continue;
    }
    auto start = StartDailyRecording(context, daily, *announcement);
    if (!start) {
      ++summary.failed;
      log::Warn("cannot take in a Daily recording",
                {{"recording_id", recording.id}, {"error", start.error().Describe()}});
    } else if (start->started_here) {
      ++summary.started;
    } else {
      ++summary.known;
    }
  }
  return summary;
}

namespace {

// Starts the workflow again from the recording's stored tracks (which also covers a transcript
// whose first start failed and so has no workflow to re-run).
Status RerunRecording(ServiceContext& context, const store::DailyRecordingClaim& claim) {
  store::Recordings recordings(*context.database, *context.clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::Recording recording, recordings.Get(claim.recording_id));
  std::vector<std::string> keys;
  for (const Json& key : recording.track_keys.value_or(Json::array()))
    if (key.is_string()) keys.push_back(key.get<std::string>());
  store::Transcripts transcripts(*context.database, *context.clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript transcript, transcripts.Get(claim.transcript_id));
  if (transcript.status == store::TranscriptStatus::kProcessing) {
    return Error::Terminal(ErrorKind::kConflict, "transcript " + transcript.id + " is already processing");
  }
  REFLECTOR_TRY(transcripts.ResetForRerun(transcript.id));
  REFLECTOR_ASSIGN_OR_RETURN(transcript, transcripts.Get(transcript.id));
  ServiceContext in_daily_bucket = InBucket(context, recording.bucket_name);
  REFLECTOR_ASSIGN_OR_RETURN(StartedRun run,
                             StartPipeline(in_daily_bucket, transcript, TracksOf(keys), "daily"));
  log::Info("Daily recording run again", {{"recording_id", claim.recording_id},
                                          {"transcript_id", transcript.id},
                                          {"workflow_id", run.workflow_id},
                                          {"attempt", static_cast<long long>(claim.reprocess_attempts + 1)}});
  return Ok();
}

}  // namespace

Result<DailyRerunPass> RerunFailedDailyRecordings(ServiceContext& context, const DailyOptions& daily) {
  DailyRerunPass pass;
  if (daily.reprocess_max_attempts <= 0) return pass;
  const double now = NowSeconds(*context.clock);
  store::DailyRecordingClaims claims(*context.database, *context.clock);
  REFLECTOR_ASSIGN_OR_RETURN(auto due,
                             claims.ListNeedingRerun(daily.reprocess_max_attempts,
                                                     now - static_cast<double>(daily.stalled_after.count())));
  for (const store::DailyRecordingClaim& claim : due) {
    double due_at = claim.reprocess_due_at.value_or(0);
    if (!claim.reprocess_due_at) {
      const double delay = static_cast<double>(daily.reprocess_delay.count()) *
                           std::pow(2.0, static_cast<double>(claim.reprocess_attempts));
      REFLECTOR_ASSIGN_OR_RETURN(due_at, claims.ScheduleRerun(claim.recording_id, now + delay));
      ++pass.scheduled;
      log::Info("Daily recording's run failed; re-run scheduled",
                {{"recording_id", claim.recording_id},
                 {"transcript_id", claim.transcript_id},
                 {"attempt", static_cast<long long>(claim.reprocess_attempts + 1)},
                 {"in_seconds", due_at - now}});
    }
    if (due_at > now) continue;
    REFLECTOR_ASSIGN_OR_RETURN(bool taken, claims.TakeRerun(claim.recording_id, claim.reprocess_attempts));
    if (!taken) continue;  // another process took this attempt
    if (Status rerun = RerunRecording(context, claim); !rerun.ok()) {
      ++pass.failed;
      log::Warn("cannot run a Daily recording again",
                {{"recording_id", claim.recording_id}, {"error", rerun.error().Describe()}});
      // Failed again at the start: the next pass schedules the next attempt.
      store::Transcripts transcripts(*context.database, *context.clock);
      (void)transcripts.SetFailure(claim.transcript_id, "start", rerun.error().message);
      (void)transcripts.SetStatus(claim.transcript_id, store::TranscriptStatus::kError);
      continue;
    }
    ++pass.started;
  }
  return pass;
}

}  // namespace reflector::service
