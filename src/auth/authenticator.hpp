#pragma once
// Who is calling the HTTP API. The server hands over the credentials a request carries
// (`Authorization: Bearer <JWT>`, `X-API-Key: <key>`, the audio endpoint's `?token=`) and gets
// back a Principal, nothing (anonymous) or a kUnauthorized error (HTTP 401).
//
// Backends (AUTH_BACKEND):
//   none  every request is the local owner (user id "local"); credentials are ignored.
//   jwt   bearer tokens are RS256 JWTs of the identity provider (sub = user id, email
//         required); API keys are looked up by HMAC-SHA256(SECRET_KEY, key) in the api_keys
//         table. Both sent and naming different users is an error.
//
// Messages and logs name what failed and never contain a token, an API key or SECRET_KEY.
// Thread-safe: any number of threads may call the const methods at once.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/jwt.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace reflector::auth {

enum class AuthBackend { kNone, kJwt };

// "none" or "jwt" (the values of AUTH_BACKEND); anything else is kInvalidInput.
Result<AuthBackend> ParseAuthBackend(std::string_view name);

// The user every request is with AUTH_BACKEND=none.
inline constexpr std::string_view kLocalUserId = "local";

struct Principal {
  std::string user_id;
  std::optional<std::string> email;  // from the identity provider; none for API keys
};

// What a request carries; an empty optional is a header that was not sent.
struct Credentials {
  std::optional<std::string> bearer_token;  // without the "Bearer " prefix
  std::optional<std::string> api_key;
};

struct AuthenticatorOptions {
  AuthBackend backend = AuthBackend::kNone;
  // The identity provider's public key (PEM text); when empty, read from jwt_public_key_file.
  std::string jwt_public_key_pem;
  std::filesystem::path jwt_public_key_file;
  std::string jwt_audience;
  std::string secret_key;  // keys the API-key hashes and the audio tokens
  std::chrono::seconds leeway = kDefaultLeeway;
};

class Authenticator {
 public:
  // Checks the options. The jwt backend needs a readable RSA public key (AUTH_JWT_PUBLIC_KEY),
  // an audience (AUTH_JWT_AUDIENCE) and a non-empty SECRET_KEY; each problem is a
  // kInvalidInput naming the setting. `database` (for the API keys) and `clock` must outlive
  // the Authenticator.
  static Result<std::unique_ptr<Authenticator>> Create(AuthenticatorOptions options,
                                                       store::Database& database, const Clock& clock);

  // none: the local owner, always. jwt: nullopt without credentials; otherwise the user the
  // bearer token or the API key names. An invalid credential, or two naming different users,
  // is kUnauthorized; a database failure keeps its kind (kUnavailable, kIo).
  [[nodiscard]] Result<std::optional<Principal>> Authenticate(const Credentials& credentials) const;

  // The audio endpoint's `?token=`: tried as a bearer token of the backend, then as an audio
  // token (audio_token.hpp) for `transcript_id`. none: the local owner. Both failing is
  // kUnauthorized.
  [[nodiscard]] Result<Principal> AuthenticateAudioToken(std::string_view token,
                                                         std::string_view transcript_id) const;

  // A 15-minute audio token for `user_id` and `transcript_id`, signed with SECRET_KEY.
  // kInvalidInput when SECRET_KEY is empty (possible with the none backend).
  [[nodiscard]] Result<std::string> IssueAudioToken(std::string_view user_id,
                                                    std::string_view transcript_id) const;

  [[nodiscard]] AuthBackend backend() const { return options_.backend; }

 private:
  Authenticator(AuthenticatorOptions options, std::optional<Rs256Verifier> verifier,
                store::Database& database, const Clock& clock)
      : options_(std::move(options)), verifier_(std::move(verifier)), database_(database), clock_(clock) {}

  [[nodiscard]] Result<Principal> FromBearer(std::string_view token) const;
  [[nodiscard]] Result<Principal> FromApiKey(std::string_view key) const;

  AuthenticatorOptions options_;
  std::optional<Rs256Verifier> verifier_;  // jwt backend only
  store::Database& database_;
  const Clock& clock_;
};

}  // namespace reflector::auth
