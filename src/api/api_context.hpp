#pragma once
// What the handlers of Reflector's API borrow from the composition root (src/app/serve), and
// the request-level helpers every handler uses: who is calling and what they may do.
//
// Access follows Reflector (reflector-api.md "Transcript access rules"): a missing or deleted
// transcript is 404; an anonymous one (no user_id) is readable by anyone; `private` only by its
// owner, `semi-private` by any signed-in user, `public` by everyone; changes are the owner's
// only, except participant and speaker edits of an anonymous transcript, which any signed-in
// user may make. With AUTH_BACKEND=none every request is the local owner, who owns everything.
// Otherwise an anonymous caller cannot create a transcript (it would have no owner).

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "events/events.hpp"
#include "http/message.hpp"
#include "net/http_client.hpp"
#include "service/daily_recordings.hpp"
#include "service/service_context.hpp"
#include "store/transcripts.hpp"

namespace reflector::api {

struct User {
  std::string id;
  std::optional<std::string> email;
};

// Resolves the caller: nullopt for an anonymous request; an Error for credentials that were
// given and are wrong (answered 401).
using Authenticate = std::function<Result<std::optional<User>>(const http::Request&)>;

// Hooks the server's observers give the handlers (each may be empty).
struct ApiHooks {
  // The user a `?token=` of the audio link stands for (a bearer token, or the server's own
  // link token for that transcript); an Error when it is not valid.
  std::function<Result<User>(const std::string& token, const std::string& transcript_id)> audio_token;
  // {status, connected, error?} of the Conductor server; status "disabled" without one.
  std::function<Json()> conductor_health;
  // The Prometheus text of /metrics.
  std::function<std::string()> metrics_text;
  // The latest DAG_STATUS data of a transcript's workflow, or null.
  std::function<Json(const store::Transcript&)> dag_status;
  // A user-level event (TRANSCRIPT_CREATED, _DELETED, _RESTORED) for the owner's sockets.
  std::function<void(const std::optional<std::string>& user_id, const std::string& event, const Json& data)>
      user_event;
  // A Daily.co webhook delivery was answered: `event` is the event type ("recording.started",
  // ...; "test" for the ping, "other" for a type not handled, "unverified" before the signature
  // was checked), `outcome` what became of it ("started", "known", "logged", "ignored",
  // "start_failed", "unauthorized", "stale", "replayed", "invalid", "failed").
  std::function<void(std::string_view event, std::string_view outcome)> daily_webhook;
};

// POST /v1/daily/webhook (daily_routes.cpp).
struct DailyWebhookOptions {
  std::string secret;                        // DAILY_WEBHOOK_SECRET (base64); empty: every delivery is 401
  std::chrono::seconds max_clock_skew{300};  // X-Webhook-Timestamp further from now: 401
  service::DailyOptions recordings;          // Daily's bucket and the re-run settings
};

struct ApiContext {
  service::ServiceContext* service = nullptr;
  events::EventLog* events = nullptr;  // the runtime's log (appends are published on `bus`)
  events::EventBus* bus = nullptr;
  net::HttpClient* http = nullptr;  // outgoing calls (webhook test)
  Authenticate authenticate;
  bool everyone_is_owner = false;      // AUTH_BACKEND=none
  std::string secret_key;              // SECRET_KEY: keys the stored API-key hashes
  std::filesystem::path scratch_dir;   // uploads are spooled here before they go to storage
  std::uint64_t max_upload_bytes = 0;  // MAX_UPLOAD_MB
  DailyWebhookOptions daily;
  ApiHooks hooks;
};

// kEditSpeakers: participants and speaker assignment, which Reflector also lets any signed-in
// user do on an anonymous transcript.
enum class Access { kRead, kChange, kEditSpeakers };

// The caller, or the 401 answer for bad credentials.
Result<std::optional<User>> Caller(ApiContext& api, const http::Request& request);

// The transcript the request names ({id}), if the caller may `access` it; otherwise the answer
// to send (401/403/404). Soft-deleted transcripts are 404 unless `allow_deleted`.
struct TranscriptAccess {
  std::optional<store::Transcript> transcript;
  std::optional<User> user;
  std::optional<http::Response> refusal;
};
// `caller` replaces the request's own credentials (the audio link's ?token=).
TranscriptAccess LoadTranscript(ApiContext& api, http::Request& request, Access access,
                                bool allow_deleted = false, const std::optional<User>* caller = nullptr);

// The answer refusing `user` this `access` to `transcript` (401/403), or nullopt when allowed.
std::optional<http::Response> AccessRefusal(const ApiContext& api, const std::optional<User>& user,
                                            const store::Transcript& transcript, Access access);

// A 401 with WWW-Authenticate: Bearer.
http::Response Unauthorized(std::string_view detail);

}  // namespace reflector::api
