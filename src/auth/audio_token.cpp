#include "auth/audio_token.hpp"

#include "auth/jwt.hpp"

namespace reflector::auth {

Result<std::string> SignAudioToken(std::string_view secret, std::string_view user_id,
                                   std::string_view transcript_id, WallTime now,
                                   std::chrono::seconds lifetime) {
  if (user_id.empty()) return Error::InvalidInput("an audio token needs a user id");
  if (transcript_id.empty()) return Error::InvalidInput("an audio token needs a transcript id");
  const std::int64_t exp = UnixSeconds(now + lifetime);
  return SignHs256(Json{{"sub", user_id}, {"transcript_id", transcript_id}, {"exp", exp}}, secret);
}

Result<AudioTokenClaims> VerifyAudioToken(std::string_view token, std::string_view secret,
                                          std::string_view transcript_id, WallTime now) {
  REFLECTOR_ASSIGN_OR_RETURN(Json claims, VerifyHs256(token, secret, now));
  const auto sub = claims.find("sub");
  const auto transcript = claims.find("transcript_id");
  if (sub == claims.end() || !sub->is_string() || sub->get<std::string>().empty())
    return Error::Terminal(ErrorKind::kUnauthorized, "audio token has no sub claim");
  if (transcript == claims.end() || !transcript->is_string() ||
      transcript->get<std::string>() != transcript_id)
    return Error::Terminal(ErrorKind::kUnauthorized, "audio token is for another transcript");
  AudioTokenClaims result;
  result.sub = sub->get<std::string>();
  result.transcript_id = transcript->get<std::string>();
  result.exp = static_cast<std::int64_t>(claims.at("exp").get<double>());
  return result;
}

}  // namespace reflector::auth
