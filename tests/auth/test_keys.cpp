#include "auth/test_keys.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/digest.hpp"

namespace reflector::auth::testing {
namespace {

std::string ToString(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

TestKeyPair::TestKeyPair(int bits) {
  EVP_PKEY* key = bits > 0 ? EVP_RSA_gen(static_cast<unsigned>(bits)) : EVP_EC_gen("P-256");
  key_.reset(key, [](EVP_PKEY* k) { EVP_PKEY_free(k); });
  if (!key_) ADD_FAILURE() << "cannot generate a test key";
}

const TestKeyPair& TestKeyPair::Shared() {
  static const TestKeyPair kKey(2048);
  return kKey;
}

std::string TestKeyPair::PublicPem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  EXPECT_EQ(PEM_write_bio_PUBKEY(bio.get(), key_.get()), 1);
  return ToString(bio.get());
}

std::string TestKeyPair::CertificatePem() const {
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key_.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("test"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  EXPECT_GT(X509_sign(cert.get(), key_.get(), EVP_sha256()), 0);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  EXPECT_EQ(PEM_write_bio_X509(bio.get(), cert.get()), 1);
  return ToString(bio.get());
}

std::string TestKeyPair::SignRs256(const Json& header, const Json& payload) const {
  const std::string input = SigningInput(header, payload);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  EXPECT_EQ(EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_.get()), 1);
  EXPECT_EQ(EVP_DigestSign(context.get(), nullptr, &size, data, input.size()), 1);
  std::string signature(size, '\0');
  EXPECT_EQ(EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, data,
                           input.size()),
            1);
  signature.resize(size);
  return input + "." + Base64UrlEncode(signature);
}

Json Rs256Header() {
  return Json{{"alg", "RS256"}, {"typ", "JWT"}};
}

std::string SigningInput(const Json& header, const Json& payload) {
  return Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
}

std::string SignWithHmac(const Json& header, const Json& payload, const std::string& secret) {
  const std::string input = SigningInput(header, payload);
  return input + "." + Base64UrlEncode(HmacSha256(secret, input));
}

}  // namespace reflector::auth::testing
