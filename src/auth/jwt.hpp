#pragma once
// JSON Web Tokens (RFC 7519) with OpenSSL: RS256 tokens of the identity provider, verified
// against its public key, and HS256 tokens the server signs itself (audio links).
//
// Every failure is a kUnauthorized Error whose message says what failed (malformed, bad
// signature, expired, wrong audience, missing claim) and never contains the token or any part
// of it. Each verifier accepts one algorithm only: an RS256 verifier refuses "none" and HS*
// tokens (so a token signed with the public key as an HMAC secret is refused), and the HS256
// functions refuse everything but HS256. All functions are thread-safe.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace reflector::auth {

// How far exp and nbf may be off, for clocks that disagree a little.
inline constexpr std::chrono::seconds kDefaultLeeway{30};
// Longer tokens are refused before they are decoded.
inline constexpr std::size_t kMaxTokenBytes = std::size_t{16} * 1024;

// What a verified RS256 token says about its user.
struct Claims {
  std::string sub;  // the user id
  std::string email;
  std::int64_t exp = 0;  // expiry, Unix seconds
};

// Verifies RS256 tokens against one RSA public key and one audience.
class Rs256Verifier {
 public:
  // `pem`: a "PUBLIC KEY" (SubjectPublicKeyInfo) or a "CERTIFICATE" whose key is used. The key
  // must be RSA of at least 2048 bits and `audience` must not be empty; otherwise kInvalidInput.
  static Result<Rs256Verifier> FromPem(std::string_view pem, std::string audience,
                                       std::chrono::seconds leeway = kDefaultLeeway);

  // Checks, in order: the form (three base64url parts, JSON header and payload), alg == RS256,
  // the signature, exp (required) and nbf (when present) against `now` with the leeway, aud (a
  // string or an array of strings) containing the audience, and non-empty string claims sub
  // and email.
  [[nodiscard]] Result<Claims> Verify(std::string_view token, WallTime now) const;

 private:
  Rs256Verifier(std::shared_ptr<evp_pkey_st> key, std::string audience, std::chrono::seconds leeway)
      : key_(std::move(key)), audience_(std::move(audience)), leeway_(leeway) {}

  std::shared_ptr<evp_pkey_st> key_;  // immutable once loaded; shared by copies
  std::string audience_;
  std::chrono::seconds leeway_;
};

// Signs `claims` (a JSON object) as an HS256 token with header {"alg":"HS256","typ":"JWT"}.
// An empty secret or claims that are not an object are kInvalidInput.
Result<std::string> SignHs256(const Json& claims, std::string_view secret);

// Verifies an HS256 token: the form, alg == HS256, the signature (compared in constant time),
// exp (required) and nbf (when present) against `now` with the leeway. Returns the claims.
// An empty secret verifies nothing (kUnauthorized).
Result<Json> VerifyHs256(std::string_view token, std::string_view secret, WallTime now,
                         std::chrono::seconds leeway = kDefaultLeeway);

}  // namespace reflector::auth
