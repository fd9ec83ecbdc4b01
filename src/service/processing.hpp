#pragma once
// "Start processing these tracks for this room/meeting": the use case every entry point shares
// (the CLI's `process`, the API's uploads, the Daily webhook and poller). It stores the tracks,
// creates the recording and the transcript, and starts the pipeline on the context's engine.

#include <filesystem>
#include <string>
#include <vector>

#include "service/service_context.hpp"
#include "store/recordings.hpp"
#include "store/transcripts.hpp"

namespace reflector::service {

// One participant's audio on this machine.
struct TrackFile {
  std::string name;  // the participant's display name
  std::filesystem::path file;
};

// One participant's audio already in object storage.
struct StoredTrack {
  std::string name;
  std::string key;  // in the context's bucket
};

struct ProcessRequest {
  std::vector<TrackFile> tracks;
  std::string language = "en";
  std::string room_name;   // empty: no room (no notifications)
  std::string meeting_id;  // empty: no meeting (no consent answers); created when new
};

struct StartedRun {
  std::string transcript_id;
  std::string recording_id;
  std::string workflow_id;
  std::string engine;  // Engine::Name()
};

// Checks the request, stores every track under uploads/<recording id>/, creates the recording
// and the transcript, and starts the pipeline. Errors: NotFound for an unknown room,
// InvalidInput for a request that cannot be served (no tracks); others name the track or the
// step at fault. Once the transcript exists, a refused start marks it `error` (step "start").
Result<StartedRun> ProcessFiles(ServiceContext& context, const ProcessRequest& request);

// Starts the pipeline for a transcript whose recording and tracks are stored: builds the
// workflow input, starts it on the context's engine and records the workflow id on the
// transcript and the recording. A refused start marks the transcript `error` (step "start")
// and returns the engine's error.
Result<StartedRun> StartPipeline(ServiceContext& context, const store::Transcript& transcript,
                                 const std::vector<StoredTrack>& tracks, const std::string& platform);

// Starts the pipeline for an existing transcript (created through the API) whose tracks were
// stored under uploads/<recording_id>/: creates the recording, links the transcript to it and
// starts. A transcript that is processing is kConflict; no tracks is InvalidInput.
Result<StartedRun> ProcessStoredTracks(ServiceContext& context, const std::string& transcript_id,
                                       const std::string& recording_id,
                                       const std::vector<StoredTrack>& tracks);

// Runs the pipeline again for a transcript that ended or failed: the tracks of its last
// workflow's input, a fresh event log and results (ResetForRerun); transcription and LLM answers
// come from their caches, so finished work is not paid again. kConflict while it is processing.
Result<StartedRun> RerunTranscript(ServiceContext& context, const std::string& transcript_id);

// The meeting with this id, created (on platform "local", in the named room if any) when new.
Status EnsureMeeting(ServiceContext& context, const std::string& meeting_id, const std::string& room_name);

}  // namespace reflector::service
