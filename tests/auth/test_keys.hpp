#pragma once
// Keys and tokens made at test time with OpenSSL, so no key is committed: an RSA key pair that
// signs RS256 tokens, its public key as PEM or inside a self-signed certificate, and tokens
// built part by part (to tamper with them, or to sign them with another algorithm).

#include <memory>
#include <string>

#include "core/json.hpp"

struct evp_pkey_st;

namespace reflector::auth::testing {

class TestKeyPair {
 public:
  // A new key: RSA with `bits` bits, or an EC P-256 key when `bits` is 0.
  explicit TestKeyPair(int bits = 2048);
  // One 2048-bit RSA key per test program (generating one takes a moment).
  static const TestKeyPair& Shared();

  [[nodiscard]] std::string PublicPem() const;
  // A self-signed X.509 certificate (PEM) of the public key.
  [[nodiscard]] std::string CertificatePem() const;
  // header.payload.signature, signed with RS256 (RSASSA-PKCS1-v1_5 with SHA-256).
  [[nodiscard]] std::string SignRs256(const Json& header, const Json& payload) const;

 private:
  std::shared_ptr<evp_pkey_st> key_;
};

// {"alg":"RS256","typ":"JWT"}
Json Rs256Header();
// base64url(header) + "." + base64url(payload), the part a signature covers.
std::string SigningInput(const Json& header, const Json& payload);
// A token whose signature is HMAC-SHA256 under `secret`, whatever the header says.
std::string SignWithHmac(const Json& header, const Json& payload, const std::string& secret);

}  // namespace reflector::auth::testing
