// GET /v1/shadow/{recording_id}: the latest shadow run of a recording (CONDUCTOR_SHADOW_MODE) and
// its comparison with the primary run, for whoever may read the primary transcript.

#include "api/routes.hpp"
#include "service/shadow.hpp"
#include "store/shadow_runs.hpp"

namespace reflector::api {
namespace {

using http::Request;
using http::Response;

Result<Response> ShadowOfRecording(ApiContext& api, Request& request) {
  auto user = Caller(api, request);
  if (!user) return Unauthorized(user.error().message);
  service::ServiceContext& context = *api.service;
  store::ShadowRuns runs(*context.database, *context.clock);
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<store::ShadowRun> latest,
                             runs.LatestOfRecording(request.Param("recording_id")));
  if (!latest) return http::ErrorResponse(404, "No shadow run for this recording");
  store::Transcripts transcripts(*context.database, *context.clock);
  auto primary = transcripts.Get(latest->primary_transcript_id);
  if (!primary || primary->deleted_at) return http::ErrorResponse(404, "No shadow run for this recording");
  if (auto refusal = AccessRefusal(api, *user, *primary, Access::kRead)) return *refusal;
  store::ShadowRun run = *latest;
  if (run.status == store::kShadowRunning) {
    // Both may have ended since the server last looked; an engine that cannot answer now
    // leaves it for later.
    if (auto compared = service::CompareIfEnded(context, run)) run = *compared;
  }
  return http::JsonResponse(200, service::ShadowRunJson(run));
}

}  // namespace

void AddShadowRoutes(http::Router& router, ApiContext& api) {
  ApiContext* a = &api;
  router.Add("GET /v1/shadow/{recording_id}", [a](Request& r) { return ShadowOfRecording(*a, r); });
}

}  // namespace reflector::api
