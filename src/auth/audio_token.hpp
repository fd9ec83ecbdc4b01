#pragma once
// The server's own short-lived links to a transcript's audio (`…/audio/mp3?token=`): HS256
// tokens signed with SECRET_KEY whose claims are the user (sub), the transcript
// (transcript_id) and the expiry (exp, 15 minutes by default). A token opens only the
// transcript it names. Thread-safe.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace reflector::auth {

inline constexpr std::chrono::seconds kAudioTokenLifetime = std::chrono::minutes(15);

struct AudioTokenClaims {
  std::string sub;            // the user the link was made for
  std::string transcript_id;  // the only transcript it opens
  std::int64_t exp = 0;       // Unix seconds
};

// A token for `user_id` and `transcript_id`, valid from `now` for `lifetime`. An empty secret,
// user id or transcript id is kInvalidInput.
Result<std::string> SignAudioToken(std::string_view secret, std::string_view user_id,
                                   std::string_view transcript_id, WallTime now,
                                   std::chrono::seconds lifetime = kAudioTokenLifetime);

// Verifies the token (see VerifyHs256) and that it was made for `transcript_id`. Failures are
// kUnauthorized and never contain the token.
Result<AudioTokenClaims> VerifyAudioToken(std::string_view token, std::string_view secret,
                                          std::string_view transcript_id, WallTime now);

}  // namespace reflector::auth
