#include "auth/authenticator.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

#include "auth/api_keys.hpp"
#include "auth/audio_token.hpp"
#include "core/log.hpp"
#include "store/api_keys.hpp"

namespace reflector::auth {
namespace {

constexpr std::size_t kMaxPemBytes = 1 << 20;
constexpr std::size_t kMaxApiKeyBytes = 256;

Error Unauthorized(std::string message) {
  return Error::Terminal(ErrorKind::kUnauthorized, std::move(message));
}

// The PEM text of the options, read from the file when not given. Errors name the setting.
Result<std::string> ReadPublicKeyPem(const AuthenticatorOptions& options) {
  if (!options.jwt_public_key_pem.empty()) return options.jwt_public_key_pem;
  if (options.jwt_public_key_file.empty()) {
    return Error::InvalidInput(
        "AUTH_JWT_PUBLIC_KEY is empty: set it to the PEM file of the identity provider's public key");
  }
  const std::string file = options.jwt_public_key_file.string();
  std::ifstream in(options.jwt_public_key_file, std::ios::binary);
  if (!in)
    return Error::InvalidInput("AUTH_JWT_PUBLIC_KEY: cannot read " + file + ": " + std::strerror(errno));
  std::string pem;
  pem.resize(kMaxPemBytes + 1);
  in.read(pem.data(), static_cast<std::streamsize>(pem.size()));
  pem.resize(static_cast<std::size_t>(in.gcount()));
  if (pem.size() > kMaxPemBytes)
    return Error::InvalidInput("AUTH_JWT_PUBLIC_KEY: " + file + " is larger than 1 MiB");
  return pem;
}

// The verifier for the jwt backend, or every problem with its settings in one message.
Result<Rs256Verifier> MakeVerifier(const AuthenticatorOptions& options) {
  std::vector<std::string> problems;
  if (options.secret_key.empty())
    problems.emplace_back("SECRET_KEY is empty: it keys the stored API-key hashes and the audio links");
  if (options.jwt_audience.empty()) {
    problems.emplace_back(
        "AUTH_JWT_AUDIENCE is empty: set it to the audience the identity provider's tokens carry");
  }
  std::optional<Rs256Verifier> verifier;
  auto pem = ReadPublicKeyPem(options);
  if (!pem) {
    problems.push_back(pem.error().message);
  } else if (!options.jwt_audience.empty()) {
    auto made = Rs256Verifier::FromPem(*pem, options.jwt_audience, options.leeway);
    if (made) {
      verifier = std::move(made).value();
    } else {
      const std::string where =
          options.jwt_public_key_pem.empty() ? " (" + options.jwt_public_key_file.string() + ")" : "";
      problems.push_back("AUTH_JWT_PUBLIC_KEY" + where + ": " + made.error().message);
    }
  }
  if (problems.empty()) return std::move(*verifier);
  std::string message = "AUTH_BACKEND=jwt cannot start:";
  for (const std::string& problem : problems)
    message += "\n  - " + problem;
  return Error::InvalidInput(message);
}

void LogRefused(std::string_view credential, const Error& error) {
  log::Info("credential refused", {{"credential", credential}, {"reason", error.message}});
}

}  // namespace

Result<AuthBackend> ParseAuthBackend(std::string_view name) {
  if (name == "none") return AuthBackend::kNone;
  if (name == "jwt") return AuthBackend::kJwt;
  return Error::InvalidInput("AUTH_BACKEND must be none or jwt, got '" + std::string(name) + "'");
}

Result<std::unique_ptr<Authenticator>> Authenticator::Create(AuthenticatorOptions options,
                                                             store::Database& database, const Clock& clock) {
  std::optional<Rs256Verifier> verifier;
  if (options.backend == AuthBackend::kJwt) {
    REFLECTOR_ASSIGN_OR_RETURN(verifier, MakeVerifier(options));
  }
  return std::unique_ptr<Authenticator>(
      new Authenticator(std::move(options), std::move(verifier), database, clock));
}

Result<std::optional<Principal>> Authenticator::Authenticate(const Credentials& credentials) const {
  if (options_.backend == AuthBackend::kNone)
    return std::optional<Principal>(Principal{std::string(kLocalUserId), {}});
  std::optional<Principal> from_bearer;
  std::optional<Principal> from_key;
  if (credentials.bearer_token) {
    REFLECTOR_ASSIGN_OR_RETURN(from_bearer, FromBearer(*credentials.bearer_token));
  }
  if (credentials.api_key) {
    REFLECTOR_ASSIGN_OR_RETURN(from_key, FromApiKey(*credentials.api_key));
  }
  if (from_bearer && from_key && from_bearer->user_id != from_key->user_id) {
    Error error = Unauthorized("the bearer token and the API key belong to different users");
    log::Warn("credentials refused", {{"reason", error.message},
                                      {"bearer_user_id", from_bearer->user_id},
                                      {"api_key_user_id", from_key->user_id}});
    return error;
  }
  return from_bearer ? from_bearer : from_key;
}

Result<Principal> Authenticator::AuthenticateAudioToken(std::string_view token,
                                                        std::string_view transcript_id) const {
  if (options_.backend == AuthBackend::kNone) return Principal{std::string(kLocalUserId), {}};
  auto bearer = verifier_->Verify(token, clock_.Now());
  if (bearer) return Principal{bearer->sub, bearer->email};
  auto audio = VerifyAudioToken(token, options_.secret_key, transcript_id, clock_.Now());
  if (audio) {
    log::Debug("audio token accepted", {{"user_id", audio->sub}, {"transcript_id", audio->transcript_id}});
    return Principal{audio->sub, {}};
  }
  Error error = Unauthorized("token refused as a bearer token (" + bearer.error().message +
                             ") and as an audio link (" + audio.error().message + ")");
  LogRefused("audio_token", error);
  return error;
}

Result<std::string> Authenticator::IssueAudioToken(std::string_view user_id,
                                                   std::string_view transcript_id) const {
  if (options_.secret_key.empty())
    return Error::InvalidInput("SECRET_KEY is empty: audio links cannot be signed without it");
  return SignAudioToken(options_.secret_key, user_id, transcript_id, clock_.Now());
}

Result<Principal> Authenticator::FromBearer(std::string_view token) const {
  auto claims = verifier_->Verify(token, clock_.Now());
  if (!claims) {
    LogRefused("bearer", claims.error());
    return claims.error();
  }
  log::Debug("bearer token accepted", {{"user_id", claims->sub}});
  return Principal{claims->sub, claims->email};
}

Result<Principal> Authenticator::FromApiKey(std::string_view key) const {
  if (key.empty() || key.size() > kMaxApiKeyBytes) {
    Error error = Unauthorized("malformed API key (empty or longer than 256 bytes)");
    LogRefused("api_key", error);
    return error;
  }
  store::ApiKeys keys(database_, clock_);
  auto found = keys.FindByHash(HashApiKey(options_.secret_key, key));
  if (!found) return found.error().WithContext("look up API key");
  if (!found->has_value()) {
    Error error = Unauthorized("unknown API key");
    LogRefused("api_key", error);
    return error;
  }
  const store::ApiKey& stored = **found;
  log::Debug("api key accepted", {{"user_id", stored.user_id}, {"api_key_id", stored.id}});
  return Principal{stored.user_id, {}};
}

}  // namespace reflector::auth
