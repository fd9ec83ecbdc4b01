#include "auth/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cmath>
#include <limits>
#include <utility>

#include "core/digest.hpp"

namespace reflector::auth {
namespace {

constexpr int kMinRsaBits = 2048;

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;

Error Unauthorized(std::string message) {
  return Error::Terminal(ErrorKind::kUnauthorized, std::move(message));
}

// A token split into its parts; the header and payload decoded, the signature raw.
struct ParsedToken {
  Json header;
  Json payload;
  std::string_view signing_input;  // "<header>.<payload>" as received: what was signed
  std::string signature;
};

Result<Json> DecodeJsonPart(std::string_view part, std::string_view what) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes) return Unauthorized("malformed token: its " + std::string(what) + " is not base64url");
  Json value = Json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object())
    return Unauthorized("malformed token: its " + std::string(what) + " is not a JSON object");
  return value;
}

Result<ParsedToken> Parse(std::string_view token) {
  if (token.empty()) return Unauthorized("malformed token: it is empty");
  if (token.size() > kMaxTokenBytes) return Unauthorized("malformed token: it is longer than 16 KiB");
  const std::size_t first = token.find('.');
  const std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return Unauthorized("malformed token: it is not three dot-separated parts");
  ParsedToken parsed;
  REFLECTOR_ASSIGN_OR_RETURN(parsed.header, DecodeJsonPart(token.substr(0, first), "header"));
  REFLECTOR_ASSIGN_OR_RETURN(parsed.payload,
                             DecodeJsonPart(token.substr(first + 1, second - first - 1), "payload"));
  auto signature = Base64UrlDecode(token.substr(second + 1));
  if (!signature || signature->empty())
    return Unauthorized("malformed token: its signature is not base64url");
  parsed.signature = std::move(signature).value();
  parsed.signing_input = token.substr(0, second);
  return parsed;
}

Status CheckAlgorithm(const Json& header, std::string_view expected) {
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) return Unauthorized("malformed token: its header has no alg");
  if (alg->get<std::string>() != expected) {
    return Unauthorized("token algorithm is not " + std::string(expected) + " (no other is accepted here)");
  }
  if (header.contains("crit"))
    return Unauthorized("token header has critical extensions (crit), not supported");
  return Ok();
}

double Seconds(WallTime time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

// exp (required) and nbf (optional) against now, each with the leeway.
Status CheckTimes(const Json& payload, WallTime now, std::chrono::seconds leeway) {
  const double now_seconds = Seconds(now);
  const auto slack = static_cast<double>(leeway.count());
  auto exp = payload.find("exp");
  if (exp == payload.end()) return Unauthorized("token has no exp claim");
  if (!exp->is_number()) return Unauthorized("malformed token: its exp claim is not a number");
  if (now_seconds > exp->get<double>() + slack) return Unauthorized("token expired");
  auto nbf = payload.find("nbf");
  if (nbf != payload.end()) {
    if (!nbf->is_number()) return Unauthorized("malformed token: its nbf claim is not a number");
    if (now_seconds + slack < nbf->get<double>()) return Unauthorized("token is not valid yet (nbf)");
  }
  return Ok();
}

Status CheckAudience(const Json& payload, std::string_view audience) {
  auto aud = payload.find("aud");
  if (aud == payload.end()) return Unauthorized("token has no aud claim");
  if (aud->is_string()) {
    if (aud->get<std::string>() == audience) return Ok();
  } else if (aud->is_array()) {
    for (const Json& entry : *aud) {
      if (entry.is_string() && entry.get<std::string>() == audience) return Ok();
    }
  } else {
    return Unauthorized("malformed token: its aud claim is neither a string nor an array");
  }
  return Unauthorized("token has the wrong audience");
}

Result<std::string> RequiredString(const Json& payload, const char* claim) {
  auto value = payload.find(claim);
  if (value == payload.end() || !value->is_string() || value->get<std::string>().empty())
    return Unauthorized("token has no " + std::string(claim) + " claim");
  return value->get<std::string>();
}

std::int64_t WholeSeconds(const Json& number) {
  if (number.is_number_integer()) return number.get<std::int64_t>();
  const double value = std::floor(number.get<double>());
  constexpr auto kMax = static_cast<double>(std::numeric_limits<std::int64_t>::max());
  return value >= kMax ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(value);
}

bool VerifyRsaSha256(EVP_PKEY* key, std::string_view input, std::string_view signature) {
  EvpMdCtxPtr context(EVP_MD_CTX_new());
  bool valid = context && EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
               EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                                signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                                input.size()) == 1;
  ERR_clear_error();  // a refused signature leaves entries in this thread's OpenSSL error queue
  return valid;
}

// A public key from a PEM "PUBLIC KEY" or "CERTIFICATE", or nullptr.
EVP_PKEY* ReadPublicKey(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) {
    bio.reset(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (cert) key = X509_get_pubkey(cert.get());
  }
  ERR_clear_error();
  return key;
}

}  // namespace

Result<Rs256Verifier> Rs256Verifier::FromPem(std::string_view pem, std::string audience,
                                             std::chrono::seconds leeway) {
  if (audience.empty()) return Error::InvalidInput("the audience that RS256 tokens must carry is empty");
  std::shared_ptr<evp_pkey_st> key(ReadPublicKey(pem), [](EVP_PKEY* k) { EVP_PKEY_free(k); });
  if (!key) return Error::InvalidInput("not a PEM public key (BEGIN PUBLIC KEY) or certificate");
  if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA)
    return Error::InvalidInput("the public key is not an RSA key (RS256 needs one)");
  if (EVP_PKEY_bits(key.get()) < kMinRsaBits) {
    return Error::InvalidInput("the RSA public key has " + std::to_string(EVP_PKEY_bits(key.get())) +
                               " bits; at least " + std::to_string(kMinRsaBits) + " are needed");
  }
  return Rs256Verifier(std::move(key), std::move(audience), leeway);
}

Result<Claims> Rs256Verifier::Verify(std::string_view token, WallTime now) const {
  REFLECTOR_ASSIGN_OR_RETURN(ParsedToken parsed, Parse(token));
  REFLECTOR_TRY(CheckAlgorithm(parsed.header, "RS256"));
  if (!VerifyRsaSha256(key_.get(), parsed.signing_input, parsed.signature))
    return Unauthorized("token signature is invalid");
  REFLECTOR_TRY(CheckTimes(parsed.payload, now, leeway_));
  REFLECTOR_TRY(CheckAudience(parsed.payload, audience_));
  Claims claims;
  REFLECTOR_ASSIGN_OR_RETURN(claims.sub, RequiredString(parsed.payload, "sub"));
  REFLECTOR_ASSIGN_OR_RETURN(claims.email, RequiredString(parsed.payload, "email"));
  claims.exp = WholeSeconds(parsed.payload.at("exp"));
  return claims;
}

Result<std::string> SignHs256(const Json& claims, std::string_view secret) {
  if (secret.empty()) return Error::InvalidInput("cannot sign an HS256 token with an empty secret");
  if (!claims.is_object()) return Error::InvalidInput("HS256 token claims must be a JSON object");
  std::string token =
      Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." + Base64UrlEncode(DumpCompact(claims));
  const std::string signature = HmacSha256(secret, token);
  return token + "." + Base64UrlEncode(signature);
}

Result<Json> VerifyHs256(std::string_view token, std::string_view secret, WallTime now,
                         std::chrono::seconds leeway) {
  if (secret.empty()) return Unauthorized("no secret to verify HS256 tokens with");
  REFLECTOR_ASSIGN_OR_RETURN(ParsedToken parsed, Parse(token));
  REFLECTOR_TRY(CheckAlgorithm(parsed.header, "HS256"));
  if (!ConstantTimeEquals(HmacSha256(secret, parsed.signing_input), parsed.signature))
    return Unauthorized("token signature is invalid");
  REFLECTOR_TRY(CheckTimes(parsed.payload, now, leeway));
  return std::move(parsed.payload);
}

}  // namespace reflector::auth
