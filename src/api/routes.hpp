#pragma once
// Reflector's API on a Router: each function adds one group of endpoints. `api` must outlive
// the router. See src/api/README.md for the endpoints and the deliberate differences.

#include "api/api_context.hpp"
#include "http/router.hpp"

namespace reflector::api {

class EventHub;

// /v1/transcripts, search, create, get (with transcript_format), patch, delete, restore, destroy.
void AddTranscriptRoutes(http::Router& router, ApiContext& api);
// Topics, words per speaker, participants and speaker assignment.
void AddTopicRoutes(http::Router& router, ApiContext& api);
// audio/mp3 (Range), audio/waveform, process (re-run).
void AddMediaRoutes(http::Router& router, ApiContext& api);
// Multitrack upload (/tracks) and Reflector's chunked single-file upload (record/upload).
void AddUploadRoutes(http::Router& router, ApiContext& api);
// Rooms, webhook test, meeting consent.
void AddRoomRoutes(http::Router& router, ApiContext& api);
// /v1/user/api-keys.
void AddUserRoutes(http::Router& router, ApiContext& api);
// POST /v1/daily/webhook: Daily.co's events (signature, freshness, replays; recordings taken in).
void AddDailyRoutes(http::Router& router, ApiContext& api);
// /health, /v1/conductor/health, /metrics, /v1/config, /v1/me.
void AddSystemRoutes(http::Router& router, ApiContext& api);
// GET /v1/shadow/{recording_id}: a recording's shadow run and its comparison.
void AddShadowRoutes(http::Router& router, ApiContext& api);
// WS /v1/transcripts/{id}/events and WS /v1/events.
void AddEventSockets(http::Router& router, ApiContext& api, EventHub& hub);

// Every group above.
void AddAllRoutes(http::Router& router, ApiContext& api, EventHub& hub);

}  // namespace reflector::api
