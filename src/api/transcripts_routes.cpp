// GET/POST /v1/transcripts, search, and one transcript's GET, PATCH, DELETE, restore, destroy.

#include "api/request_helpers.hpp"
#include "api/routes.hpp"
#include "api/transcript_removal.hpp"
#include "api/views.hpp"
#include "core/log.hpp"
#include "pipeline/transcript_formats.hpp"
#include "store/recordings.hpp"

namespace reflector::api {
namespace {

using http::Request;
using http::Response;

std::optional<std::string> RoomName(ApiContext& api, const std::optional<std::string>& room_id) {
  if (!room_id) return std::nullopt;
  store::Rooms rooms(*api.service->database, *api.service->clock);
  auto room = rooms.Get(*room_id);
  return room ? std::optional<std::string>(room->name) : std::nullopt;
}

// Own transcripts plus shared rooms for a user; everything for the local owner or anonymous.
store::TranscriptScope ScopeFor(const ApiContext& api, const std::optional<User>& user) {
  // A user sees their transcripts and those of shared rooms; an anonymous caller only the
  // latter (store/transcripts.hpp, TranscriptScope).
  store::TranscriptScope scope;
  if (!api.everyone_is_owner) {
    if (user) scope.user_id = user->id;
    scope.shared_rooms = true;
  }
  return scope;
}

Result<Response> ListTranscripts(ApiContext& api, Request& request) {
  auto caller = Caller(api, request);
  if (!caller) return Unauthorized(caller.error().message);
  const std::optional<User>& user = *caller;
  store::TranscriptQuery query;
  query.scope = ScopeFor(api, user);
  REFLECTOR_ASSIGN_OR_RETURN(query.page, IntQuery(request, "page", 1, 1, 1000000));
  REFLECTOR_ASSIGN_OR_RETURN(query.size, IntQuery(request, "size", 50, 1, 100));
  REFLECTOR_ASSIGN_OR_RETURN(query.source_kind,
                             ChoiceQuery(request, "source_kind", {"room", "live", "file"}));
  query.room_id = request.Query("room_id");
  query.search_term = request.Query("search_term");
  if (request.Query("change_seq_from")) {
    REFLECTOR_ASSIGN_OR_RETURN(std::int64_t from, IntQuery(request, "change_seq_from", 0, 0, INT64_MAX));
    query.change_seq_from = from;
  }
  REFLECTOR_ASSIGN_OR_RETURN(auto sort, ChoiceQuery(request, "sort_by", {"created_at", "change_seq"}));
  if (sort && *sort == "change_seq") query.sort = store::TranscriptSort::kChangeSeqAsc;
  store::Transcripts transcripts(*api.service->database, *api.service->clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::TranscriptPage page, transcripts.Query(query));
  Json items = Json::array();
  for (const auto& transcript : page.items)
    items.push_back(TranscriptMinimalJson(transcript, RoomName(api, transcript.room_id)));
  return http::JsonResponse(200, PageJson(std::move(items), page.total, query.page, query.size));
}

Result<Response> SearchTranscripts(ApiContext& api, Request& request) {
  auto caller = Caller(api, request);
  if (!caller) return Unauthorized(caller.error().message);
  const std::optional<User>& user = *caller;
  auto q = request.Query("q");
  if (!q) return Error::InvalidInput("q: required (an empty value lists everything)");
  store::TranscriptSearch search;
  search.q = *q;
  search.scope = ScopeFor(api, user);
  REFLECTOR_ASSIGN_OR_RETURN(search.limit, IntQuery(request, "limit", 20, 1, 100));
  REFLECTOR_ASSIGN_OR_RETURN(search.offset, IntQuery(request, "offset", 0, 0, INT64_MAX));
  REFLECTOR_ASSIGN_OR_RETURN(search.source_kind,
                             ChoiceQuery(request, "source_kind", {"room", "live", "file"}));
  search.room_id = request.Query("room_id");
  REFLECTOR_ASSIGN_OR_RETURN(search.from, TimeQuery(request, "from"));
  REFLECTOR_ASSIGN_OR_RETURN(search.to, TimeQuery(request, "to"));
  if (search.from && search.to && *search.from > *search.to)
    return Error::InvalidInput("from: must not be after to");
  REFLECTOR_ASSIGN_OR_RETURN(search.include_deleted, BoolQuery(request, "include_deleted", false));
  if (search.include_deleted) {
    if (!user) return Unauthorized("include_deleted needs a signed-in user");
    search.scope.user_id = user->id;
  }
  store::Transcripts transcripts(*api.service->database, *api.service->clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::SearchResults found, transcripts.Search(search));
  Json results = Json::array();
  for (const auto& hit : found.results) {
    const store::Transcript& t = hit.transcript;
    results.push_back({{"id", t.id},
                       {"title", t.title ? Json(*t.title) : Json(nullptr)},
                       {"user_id", t.user_id ? Json(*t.user_id) : Json(nullptr)},
                       {"room_id", t.room_id ? Json(*t.room_id) : Json(nullptr)},
                       {"room_name", hit.room_name ? Json(*hit.room_name) : Json(nullptr)},
                       {"source_kind", t.source_kind},
                       {"created_at", IsoTime(t.created_at)},
                       {"status", store::ToString(t.status)},
                       {"rank", hit.rank},
                       {"duration", t.duration > 0 ? Json(std::llround(t.duration * 1000.0)) : Json(nullptr)},
                       {"search_snippets", hit.search_snippets},
                       {"total_match_count", hit.total_match_count},
                       {"change_seq", t.change_seq}});
  }
  return http::JsonResponse(200, Json{{"results", results},
                                      {"total", found.total},
                                      {"query", q->empty() ? Json(nullptr) : Json(*q)},
                                      {"limit", search.limit},
                                      {"offset", search.offset}});
}

Result<Response> CreateTranscript(ApiContext& api, Request& request) {
  auto caller = Caller(api, request);
  if (!caller) return Unauthorized(caller.error().message);
  const std::optional<User>& user = *caller;
  // Without a user (and not AUTH_BACKEND=none) the transcript would have no owner, so nobody
  // could ever upload to it, change it or delete it: Reflector refuses it too (no PUBLIC_MODE).
  if (!user && !api.everyone_is_owner) return Unauthorized("Not authenticated");
  REFLECTOR_ASSIGN_OR_RETURN(Json body, JsonObjectBody(request));
  REFLECTOR_ASSIGN_OR_RETURN(auto name, OptionalString(body, "name"));
  if (!name) return Error::InvalidInput("name: required");
  REFLECTOR_ASSIGN_OR_RETURN(auto source_language, OptionalString(body, "source_language"));
  REFLECTOR_ASSIGN_OR_RETURN(auto target_language, OptionalString(body, "target_language"));
  REFLECTOR_ASSIGN_OR_RETURN(auto source_kind, OptionalString(body, "source_kind"));
  if (source_kind && *source_kind != "room" && *source_kind != "live" && *source_kind != "file") {
    return Error::InvalidInput("source_kind: must be one of room, live, file");
  }
  store::Transcript transcript;
  transcript.id = api.service->ids->NewId();
  transcript.name = *name;
  transcript.source_language = source_language.value_or("en");
  transcript.target_language = target_language.value_or("en");
  transcript.source_kind = source_kind.value_or("live");
  if (user) transcript.user_id = user->id;
  store::Transcripts transcripts(*api.service->database, *api.service->clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript created, transcripts.Create(transcript));
  log::Info("transcript created", {{"transcript_id", created.id}});
  if (api.hooks.user_event)
    api.hooks.user_event(created.user_id, "TRANSCRIPT_CREATED", Json{{"id", created.id}});
  return http::JsonResponse(200, TranscriptWithParticipantsJson(created, std::nullopt));
}

Result<Response> GetTranscript(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kRead);
  if (access.refusal) return std::move(*access.refusal);
  const store::Transcript& t = *access.transcript;
  Json json = TranscriptWithParticipantsJson(t, RoomName(api, t.room_id));
  auto format_name = request.Query("transcript_format");
  auto format = pipeline::ParseTranscriptFormat(format_name.value_or("text"));
  if (!format) return Error::InvalidInput("transcript_format: " + format.error().message);
  const auto segments = pipeline::NamedSegments(TranscriptWords(t), pipeline::SpeakerNamesOf(t.participants));
  json["transcript_format"] = std::string(pipeline::ToString(*format));
  json["transcript"] = *format == pipeline::TranscriptFormat::kJson
                           ? pipeline::TranscriptSegmentsJson(segments)
                           : Json(pipeline::FormatTranscript(*format, segments));
  if (api.hooks.dag_status) json["dag_status"] = api.hooks.dag_status(t);
  return http::JsonResponse(200, json);
}

Result<store::TranscriptPatch> ReadPatch(Request& request) {
  REFLECTOR_ASSIGN_OR_RETURN(Json body, JsonObjectBody(request));
  store::TranscriptPatch patch;
  REFLECTOR_ASSIGN_OR_RETURN(patch.name, OptionalString(body, "name"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.locked, OptionalBool(body, "locked"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.title, OptionalString(body, "title"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.short_summary, OptionalString(body, "short_summary"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.long_summary, OptionalString(body, "long_summary"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.share_mode, OptionalString(body, "share_mode"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.reviewed, OptionalBool(body, "reviewed"));
  REFLECTOR_ASSIGN_OR_RETURN(patch.audio_deleted, OptionalBool(body, "audio_deleted"));
  if (body.contains("participants") && !body["participants"].is_null()) {
    if (!body["participants"].is_array()) return Error::InvalidInput("participants: must be an array");
    patch.participants = body["participants"];
  }
  return patch;
}

Result<Response> PatchTranscript(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kChange);
  if (access.refusal) return std::move(*access.refusal);
  REFLECTOR_ASSIGN_OR_RETURN(store::TranscriptPatch patch, ReadPatch(request));
  store::Transcripts transcripts(*api.service->database, *api.service->clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript updated, transcripts.Update(access.transcript->id, patch));
  return http::JsonResponse(200, TranscriptWithParticipantsJson(updated, RoomName(api, updated.room_id)));
}

Response Ok() {
  return http::JsonResponse(200, Json{{"status", "ok"}});
}

Result<Response> DeleteTranscript(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kChange);
  if (access.refusal) return std::move(*access.refusal);
  store::Transcripts transcripts(*api.service->database, *api.service->clock);
  REFLECTOR_TRY(transcripts.SoftDelete(access.transcript->id));
  if (api.hooks.user_event) {
    api.hooks.user_event(access.transcript->user_id, "TRANSCRIPT_DELETED",
                         Json{{"id", access.transcript->id}});
  }
  return Ok();
}

Result<Response> RestoreTranscript(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kChange, /*allow_deleted=*/true);
  if (access.refusal) return std::move(*access.refusal);
  if (!access.transcript->deleted_at) return Error::InvalidInput("Transcript is not deleted");
  store::Transcripts transcripts(*api.service->database, *api.service->clock);
  REFLECTOR_TRY(transcripts.Restore(access.transcript->id));
  if (api.hooks.user_event) {
    api.hooks.user_event(access.transcript->user_id, "TRANSCRIPT_RESTORED",
                         Json{{"id", access.transcript->id}});
  }
  return Ok();
}

Result<Response> DestroyTranscript(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kChange, /*allow_deleted=*/true);
  if (access.refusal) return std::move(*access.refusal);
  if (!access.transcript->deleted_at)
    return Error::InvalidInput("Transcript must be deleted before it is destroyed");
  REFLECTOR_TRY(DestroyTranscriptAndObjects(*api.service, *access.transcript));
  return Ok();
}

}  // namespace

void AddTranscriptRoutes(http::Router& router, ApiContext& api) {
  ApiContext* a = &api;
  router.Add("GET /v1/transcripts", [a](Request& r) { return ListTranscripts(*a, r); });
  router.Add("POST /v1/transcripts", [a](Request& r) { return CreateTranscript(*a, r); });
  router.Add("GET /v1/transcripts/search", [a](Request& r) { return SearchTranscripts(*a, r); });
  router.Add("GET /v1/transcripts/{id}", [a](Request& r) { return GetTranscript(*a, r); });
  router.Add("PATCH /v1/transcripts/{id}", [a](Request& r) { return PatchTranscript(*a, r); });
  router.Add("DELETE /v1/transcripts/{id}", [a](Request& r) { return DeleteTranscript(*a, r); });
  router.Add("POST /v1/transcripts/{id}/restore", [a](Request& r) { return RestoreTranscript(*a, r); });
  router.Add("DELETE /v1/transcripts/{id}/destroy", [a](Request& r) { return DestroyTranscript(*a, r); });
}

}  // namespace reflector::api
