// Topics, words per speaker, participants CRUD, and speaker assignment and merging.

#include <set>

#include "api/request_helpers.hpp"
#include "api/routes.hpp"
#include "api/views.hpp"
#include "core/ids.hpp"
#include "pipeline/transcript_formats.hpp"

namespace reflector::api {
namespace {

using http::Request;
using http::Response;

Result<Response> Topics(ApiContext& api, Request& request, bool with_words) {
  auto access = LoadTranscript(api, request, Access::kRead);
  if (access.refusal) return std::move(*access.refusal);
  Json topics = Json::array();
  if (access.transcript->topics.is_array()) {
    for (const auto& topic : access.transcript->topics)
      topics.push_back(TopicJson(topic, with_words));
  }
  return http::JsonResponse(200, topics);
}

Result<Response> WordsPerSpeaker(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kRead);
  if (access.refusal) return std::move(*access.refusal);
  for (const auto& topic : access.transcript->topics) {
    if (topic.value("id", "") != request.Param("topic_id")) continue;
    Json json = TopicJson(topic, false);
    json["words_per_speaker"] = WordsPerSpeakerJson(TopicWords(topic));
    return http::JsonResponse(200, json);
  }
  return http::ErrorResponse(404, "Topic not found");
}

Status SaveParticipants(ApiContext& api, const std::string& id, const Json& participants) {
  store::Transcripts transcripts(*api.service->database, *api.service->clock);
  return transcripts.SetParticipants(id, participants);
}

Status SaveTopics(ApiContext& api, const store::Transcript& t, const Json& topics) {
  std::vector<pipeline::Word> words;
  for (const auto& topic : topics) {
    auto topic_words = TopicWords(topic);
    words.insert(words.end(), topic_words.begin(), topic_words.end());
  }
  store::Transcripts transcripts(*api.service->database, *api.service->clock);
  return transcripts.SetTopics(t.id, topics, pipeline::WordsToWebVtt(words));
}

bool SpeakerTaken(const Json& participants, std::int64_t speaker, const std::string& except_id) {
  for (const auto& p : participants) {
    if (p.value("id", "") != except_id && p.contains("speaker") && p["speaker"].is_number_integer() &&
        p["speaker"].get<std::int64_t>() == speaker) {
      return true;
    }
  }
  return false;
}

Result<Response> ListParticipants(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kRead);
  if (access.refusal) return std::move(*access.refusal);
  return http::JsonResponse(200, ParticipantsJson(*access.transcript));
}

Result<Response> AddParticipant(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kEditSpeakers);
  if (access.refusal) return std::move(*access.refusal);
  REFLECTOR_ASSIGN_OR_RETURN(Json body, JsonObjectBody(request));
  REFLECTOR_ASSIGN_OR_RETURN(auto name, OptionalString(body, "name"));
  if (!name) return Error::InvalidInput("name: required");
  REFLECTOR_ASSIGN_OR_RETURN(auto speaker, OptionalInt(body, "speaker"));
  Json participants =
      access.transcript->participants.is_array() ? access.transcript->participants : Json::array();
  if (speaker && SpeakerTaken(participants, *speaker, ""))
    return http::ErrorResponse(400, "Speaker already assigned");
  Json participant = {
      {"id", NewUuid4()}, {"name", *name}, {"speaker", speaker ? Json(*speaker) : Json(nullptr)}};
  participants.push_back(participant);
  REFLECTOR_TRY(SaveParticipants(api, access.transcript->id, participants));
  return http::JsonResponse(200, ParticipantJson(participant));
}

Result<Response> ChangeParticipant(ApiContext& api, Request& request, bool remove) {
  const bool reading = request.method == "GET";
  auto access = LoadTranscript(api, request, reading ? Access::kRead : Access::kEditSpeakers);
  if (access.refusal) return std::move(*access.refusal);
  Json participants =
      access.transcript->participants.is_array() ? access.transcript->participants : Json::array();
  const std::string& id = request.Param("participant_id");
  auto found = std::find_if(participants.begin(), participants.end(),
                            [&](const Json& p) { return p.value("id", "") == id; });
  if (found == participants.end()) return http::ErrorResponse(404, "Participant not found");
  if (reading) return http::JsonResponse(200, ParticipantJson(*found));
  if (remove) {
    participants.erase(found);
    REFLECTOR_TRY(SaveParticipants(api, access.transcript->id, participants));
    return http::JsonResponse(200, Json{{"status", "ok"}});
  }
  REFLECTOR_ASSIGN_OR_RETURN(Json body, JsonObjectBody(request));
  REFLECTOR_ASSIGN_OR_RETURN(auto name, OptionalString(body, "name"));
  REFLECTOR_ASSIGN_OR_RETURN(auto speaker, OptionalInt(body, "speaker"));
  if (speaker && SpeakerTaken(participants, *speaker, id))
    return http::ErrorResponse(400, "Speaker already assigned");
  if (name) (*found)["name"] = *name;
  if (speaker) (*found)["speaker"] = *speaker;
  const Json changed = *found;
  REFLECTOR_TRY(SaveParticipants(api, access.transcript->id, participants));
  return http::JsonResponse(200, ParticipantJson(changed));
}

// Reassigns every word whose start lies in [from, to] to `speaker`.
Json AssignWords(Json topics, std::int64_t speaker, double from, double to) {
  for (auto& topic : topics) {
    if (!topic.contains("words") || !topic["words"].is_array()) continue;
    for (auto& word : topic["words"]) {
      const double start = word.value("start", 0.0);
      if (start >= from && start <= to) word["speaker"] = speaker;
    }
  }
  return topics;
}

Result<Response> AssignSpeaker(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kEditSpeakers);
  if (access.refusal) return std::move(*access.refusal);
  REFLECTOR_ASSIGN_OR_RETURN(Json body, JsonObjectBody(request));
  REFLECTOR_ASSIGN_OR_RETURN(auto speaker, OptionalInt(body, "speaker"));
  REFLECTOR_ASSIGN_OR_RETURN(auto participant_id, OptionalString(body, "participant"));
  REFLECTOR_ASSIGN_OR_RETURN(auto from, OptionalNumber(body, "timestamp_from"));
  REFLECTOR_ASSIGN_OR_RETURN(auto to, OptionalNumber(body, "timestamp_to"));
  if (speaker.has_value() == participant_id.has_value()) {
    return http::ErrorResponse(400, "Give exactly one of speaker and participant");
  }
  if (!from || !to) return Error::InvalidInput("timestamp_from and timestamp_to: required");
  if (speaker && *speaker < 0) return Error::InvalidInput("speaker: must be 0 or more");
  Json participants =
      access.transcript->participants.is_array() ? access.transcript->participants : Json::array();
  if (participant_id) {
    auto found = std::find_if(participants.begin(), participants.end(),
                              [&](const Json& p) { return p.value("id", "") == *participant_id; });
    if (found == participants.end()) return http::ErrorResponse(404, "Participant not found");
    if (found->contains("speaker") && (*found)["speaker"].is_number_integer()) {
      speaker = (*found)["speaker"].get<std::int64_t>();
    } else {
      std::int64_t free = 0;  // the lowest speaker number nobody has
      while (SpeakerTaken(participants, free, ""))
        ++free;
      (*found)["speaker"] = free;
      speaker = free;
      REFLECTOR_TRY(SaveParticipants(api, access.transcript->id, participants));
    }
  }
  REFLECTOR_TRY(
      SaveTopics(api, *access.transcript, AssignWords(access.transcript->topics, *speaker, *from, *to)));
  return http::JsonResponse(200, Json{{"status", "ok"}});
}

Result<Response> MergeSpeakers(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kEditSpeakers);
  if (access.refusal) return std::move(*access.refusal);
  REFLECTOR_ASSIGN_OR_RETURN(Json body, JsonObjectBody(request));
  REFLECTOR_ASSIGN_OR_RETURN(auto from, OptionalInt(body, "speaker_from"));
  REFLECTOR_ASSIGN_OR_RETURN(auto to, OptionalInt(body, "speaker_to"));
  if (!from || !to) return Error::InvalidInput("speaker_from and speaker_to: required");
  const Json& participants = access.transcript->participants;
  if (participants.is_array() && SpeakerTaken(participants, *from, "") &&
      SpeakerTaken(participants, *to, "")) {
    return http::ErrorResponse(400, "Both speakers are assigned to participants");
  }
  Json topics = access.transcript->topics;
  for (auto& topic : topics) {
    if (!topic.contains("words") || !topic["words"].is_array()) continue;
    for (auto& word : topic["words"]) {
      if (word.value("speaker", 0) == *from) word["speaker"] = *to;
    }
  }
  REFLECTOR_TRY(SaveTopics(api, *access.transcript, topics));
  return http::JsonResponse(200, Json{{"status", "ok"}});
}

}  // namespace

void AddTopicRoutes(http::Router& router, ApiContext& api) {
  ApiContext* a = &api;
  router.Add("GET /v1/transcripts/{id}/topics", [a](Request& r) { return Topics(*a, r, false); });
  router.Add("GET /v1/transcripts/{id}/topics/with-words", [a](Request& r) { return Topics(*a, r, true); });
  router.Add("GET /v1/transcripts/{id}/topics/{topic_id}/words-per-speaker",
             [a](Request& r) { return WordsPerSpeaker(*a, r); });
  router.Add("GET /v1/transcripts/{id}/participants", [a](Request& r) { return ListParticipants(*a, r); });
  router.Add("POST /v1/transcripts/{id}/participants", [a](Request& r) { return AddParticipant(*a, r); });
  router.Add("GET /v1/transcripts/{id}/participants/{participant_id}",
             [a](Request& r) { return ChangeParticipant(*a, r, false); });
  router.Add("PATCH /v1/transcripts/{id}/participants/{participant_id}",
             [a](Request& r) { return ChangeParticipant(*a, r, false); });
  router.Add("DELETE /v1/transcripts/{id}/participants/{participant_id}",
             [a](Request& r) { return ChangeParticipant(*a, r, true); });
  router.Add("PATCH /v1/transcripts/{id}/speaker/assign", [a](Request& r) { return AssignSpeaker(*a, r); });
  router.Add("PATCH /v1/transcripts/{id}/speaker/merge", [a](Request& r) { return MergeSpeakers(*a, r); });
}

}  // namespace reflector::api
