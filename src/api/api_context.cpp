#include "api/api_context.hpp"

namespace reflector::api {

http::Response Unauthorized(std::string_view detail) {
  http::Response response = http::ErrorResponse(401, detail);
  response.headers.Set("WWW-Authenticate", "Bearer");
  return response;
}

Result<std::optional<User>> Caller(ApiContext& api, const http::Request& request) {
  if (!api.authenticate) return std::optional<User>();
  return api.authenticate(request);
}

namespace {

bool IsOwner(const ApiContext& api, const std::optional<User>& user, const store::Transcript& transcript) {
  if (api.everyone_is_owner) return true;
  return user && transcript.user_id && *transcript.user_id == user->id;
}

}  // namespace

std::optional<http::Response> AccessRefusal(const ApiContext& api, const std::optional<User>& user,
                                            const store::Transcript& transcript, Access access) {
  if (IsOwner(api, user, transcript)) return std::nullopt;
  // Reflector: participant and speaker edits need a user (anyone's on a transcript without owner).
  if (access == Access::kEditSpeakers && !transcript.user_id) {
    if (!user) return Unauthorized("Not authenticated");
    return std::nullopt;
  }
  if (access != Access::kRead) {
    if (!user) return Unauthorized("Not authenticated");
    return http::ErrorResponse(403, "Only the owner of this transcript may change it");
  }
  if (!transcript.user_id || transcript.share_mode == "public") return std::nullopt;
  if (transcript.share_mode == "semi-private") {
    if (user) return std::nullopt;
    return Unauthorized("Not authenticated");
  }
  return http::ErrorResponse(403, "This transcript is private");
}

TranscriptAccess LoadTranscript(ApiContext& api, http::Request& request, Access access, bool allow_deleted,
                                const std::optional<User>* caller) {
  TranscriptAccess result;
  auto user = caller != nullptr ? Result<std::optional<User>>(*caller) : Caller(api, request);
  if (!user) {
    result.refusal = Unauthorized(user.error().message);
    return result;
  }
  result.user = *user;
  store::Transcripts transcripts(*api.service->database, *api.service->clock);
  auto transcript = transcripts.Get(request.Param("id"));
  if (!transcript) {
    result.refusal = http::ErrorResponse(http::StatusFor(transcript.error()),
                                         transcript.error().kind == ErrorKind::kNotFound
                                             ? "Transcript not found"
                                             : "The transcript could not be read");
    return result;
  }
  if (transcript->deleted_at && !allow_deleted) {
    result.refusal = http::ErrorResponse(404, "Transcript not found");
    return result;
  }
  result.refusal = AccessRefusal(api, result.user, *transcript, access);
  if (!result.refusal) result.transcript = std::move(*transcript);
  return result;
}

}  // namespace reflector::api
