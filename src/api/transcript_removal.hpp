#pragma once
// DELETE /v1/transcripts/{id}/destroy: a transcript removed for good, rows and files, as
// Reflector removes them.

#include "core/result.hpp"
#include "service/service_context.hpp"
#include "store/transcripts.hpp"

namespace reflector::api {

// Removes a soft-deleted transcript's rows (store::Transcripts::Destroy: the transcript, its
// events, its shadow transcripts, its recording when no other transcript uses it), then its
// objects in the pipeline's bucket (`service.bucket`): the run's padded tracks, word files,
// mixdown and waveform under "<id>/" and under each shadow run's "<shadow prefix><shadow id>/",
// and the uploaded tracks of the recording when its row went and they are in that bucket (a
// Daily.co recording's tracks stay in Daily's bucket). The rows' errors are returned (nothing
// was removed then); an object that cannot be deleted is logged and skipped, so the answer does
// not depend on storage being up.
Status DestroyTranscriptAndObjects(service::ServiceContext& service, const store::Transcript& transcript);

}  // namespace reflector::api
