#pragma once
// "Take in this Daily.co recording": the one use case the Daily webhook, the poller and
// `reflector process --recording-id` share, and the automatic re-runs of a Daily recording whose
// run failed.
//
// One recording gives one transcript and one workflow, however often and however concurrently
// it is announced, in any number of processes: the transaction that creates the recording and
// the transcript first inserts the recording's claim row (store::DailyRecordingClaims, keyed by
// Daily's recording id), and only the caller whose insert took place starts the workflow.
//
// The workflow input is `platform: "daily"`, `recording_id` = Daily's id, `bucket_name` = Daily's
// bucket (DAILYCO_STORAGE_AWS_BUCKET_NAME) and one track per camera-audio key, in Daily's order,
// without a name: get_participants names the speakers from Daily's participants API through the
// keys. The tasks open Daily's bucket by name; the composition root makes that name reach
// Daily's storage (storage::BucketRoutingStoreFactory).

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "platform/daily/daily_client.hpp"
#include "service/service_context.hpp"
#include "store/daily_recordings.hpp"

namespace reflector::service {

struct DailyOptions {
  std::string bucket;              // DAILYCO_STORAGE_AWS_BUCKET_NAME; empty: Daily recordings are refused
  int reprocess_max_attempts = 3;  // automatic re-runs of one recording (0: none)
  std::chrono::seconds reprocess_delay{60};  // before the first one; doubled for each next one
  // A claimed recording whose workflow never started (its process died in between) is started
  // again by the re-run pass after this long.
  std::chrono::seconds stalled_after{300};
};

// A finished raw-tracks recording as the webhook, the poller or the command line announce it.
struct DailyRecordingAnnouncement {
  std::string recording_id;             // Daily's
  std::string room_name;                // Daily's room ("team-standup-20260312140512")
  std::vector<std::string> track_keys;  // camera-audio keys in Daily's order (platform::DailyAudioTrackKeys)
  std::string announced_by;             // "webhook", "poller" or "cli"
};

struct DailyRecordingStart {
  std::string transcript_id;
  std::optional<std::string> user_id;  // the transcript's owner (the room's), for user events
  bool started_here = false;  // false: the recording had been taken in before (the transcript is that one)
  std::optional<std::string> workflow_id;  // the workflow started here, or the transcript's current one
  std::string engine;                      // the engine of workflow_id, when known
  // Taken in here, but the engine refused the start: the transcript is `error` at step "start"
  // and the re-run pass starts it again.
  std::optional<Error> start_error;
};

// Takes the recording in once (see above). The transcript: source_kind "room", share_mode
// "public", in the Reflector room whose name is the Daily room's without its -YYYYMMDDHHMMSS
// suffix (owned by the room's owner; no such room: no room, so no notifications). The recording
// row: Daily's id and bucket, the first key's folder, the time from that folder's name (else now),
// the keys. Errors: InvalidInput without a Daily bucket, a recording id or camera-audio tracks;
// database errors as they come (nothing is stored then).
Result<DailyRecordingStart> StartDailyRecording(ServiceContext& context, const DailyOptions& daily,
                                                const DailyRecordingAnnouncement& recording);

// The announcement of a recording Daily describes (GET /recordings/{id} or a list item), or an
// InvalidInput error saying why it cannot be processed: not finished (status "finished" with a
// duration), or no camera-audio track (a cloud recording, or raw tracks without audio).
Result<DailyRecordingAnnouncement> AnnouncementOf(const platform::DailyRecording& recording,
                                                  std::string announced_by);

// `reflector process --recording-id`: asks Daily for the recording (GET /recordings/{id}) and
// takes it in (announced by "cli"). NotFound when Daily does not know it.
Result<DailyRecordingStart> StartDailyRecordingById(ServiceContext& context, const DailyOptions& daily,
                                                    platform::DailyClient& client,
                                                    const std::string& recording_id,
                                                    std::stop_token stop = {});

struct DailyPollSummary {
  int listed = 0;   // recordings Daily listed
  int started = 0;  // taken in by this poll
  int known = 0;    // taken in before
  int skipped = 0;  // not finished, or without camera audio
  int failed = 0;   // could not be taken in (logged; tried again at the next poll)
};

// One poll: the newest page of GET /recordings (100, newest first, as Reflector reads it), each
// finished recording with camera audio taken in unless it was before. An error when Daily cannot
// be listed.
Result<DailyPollSummary> PollDailyRecordings(ServiceContext& context, const DailyOptions& daily,
                                             platform::DailyClient& client, std::stop_token stop = {});

struct DailyRerunPass {
  int started = 0;    // re-runs started by this pass
  int scheduled = 0;  // failed runs given the time of their next re-run
  int failed = 0;     // re-runs that could not start (logged; the attempt counts)
};

// One pass of the automatic re-runs: every Daily recording whose transcript failed (or whose
// workflow never started; see DailyOptions::stalled_after) with fewer than
// reprocess_max_attempts re-runs gets its next re-run time (now + reprocess_delay × 2^attempts)
// when it has none; once that time has come, the re-run is taken (exactly one process takes
// each; store::DailyRecordingClaims::TakeRerun) and the workflow started again from the
// recording's tracks. Transcription and LLM results come from their caches, so finished work is
// not paid again.
Result<DailyRerunPass> RerunFailedDailyRecordings(ServiceContext& context, const DailyOptions& daily);

}  // namespace reflector::service
