#include "auth/jwt.hpp"

#include <gmock/gmock.h>

#include "auth/audio_token.hpp"
#include "auth/test_keys.hpp"
#include "core/digest.hpp"

namespace reflector::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::Rs256Header;
using testing::SigningInput;
using testing::SignWithHmac;
using testing::TestKeyPair;

constexpr const char* kAudience = "reflector-api";

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto verifier = Rs256Verifier::FromPem(key().PublicPem(), kAudience);
    ASSERT_TRUE(verifier.ok()) << verifier.error().message;
    verifier_.emplace(std::move(verifier).value());
  }

  static const TestKeyPair& key() { return TestKeyPair::Shared(); }
  std::int64_t Now() const { return UnixSeconds(clock_.Now()); }

  // Claims of a valid token, expiring in an hour.
  Json ValidClaims() const {
    return Json{{"sub", "user-1"},
                {"email", "ana@example.com"},
                {"aud", kAudience},
                {"iat", Now() - 10},
                {"exp", Now() + 3600}};
  }

  // Verifies a token that must be refused, and checks that the message names `reason` and
  // holds no part of the token.
  void ExpectRefused(const std::string& token, const std::string& reason) const {
    auto claims = verifier_->Verify(token, clock_.Now());
    ASSERT_FALSE(claims.ok()) << "accepted a token that should fail with: " << reason;
    EXPECT_EQ(claims.error().kind, ErrorKind::kUnauthorized);
    EXPECT_THAT(claims.error().message, HasSubstr(reason));
    ExpectNoPartOf(token, claims.error().message);
  }

  static void ExpectNoPartOf(const std::string& token, const std::string& message) {
    std::size_t start = 0;
    while (start < token.size()) {
      std::size_t end = token.find('.', start);
      if (end == std::string::npos) end = token.size();
      std::string part = token.substr(start, end - start);
      if (part.size() >= 8) {
        EXPECT_THAT(message, Not(HasSubstr(part))) << "the message quotes the token";
      }
      start = end + 1;
    }
  }

  ManualClock clock_;
  std::optional<Rs256Verifier> verifier_;
};

TEST_F(JwtTest, ValidTokenGivesItsClaims) {
  auto claims = verifier_->Verify(key().SignRs256(Rs256Header(), ValidClaims()), clock_.Now());
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->sub, "user-1");
  EXPECT_EQ(claims->email, "ana@example.com");
  EXPECT_EQ(claims->exp, Now() + 3600);
}

TEST_F(JwtTest, AudienceMayBeAnArrayThatContainsOurs) {
  Json claims = ValidClaims();
  claims["aud"] = Json::array({"other-app", kAudience});
  EXPECT_TRUE(verifier_->Verify(key().SignRs256(Rs256Header(), claims), clock_.Now()).ok());
  claims["aud"] = Json::array({"other-app", "third"});
  ExpectRefused(key().SignRs256(Rs256Header(), claims), "wrong audience");
}

TEST_F(JwtTest, WrongOrMissingAudienceIsRefused) {
  Json claims = ValidClaims();
  claims["aud"] = "another-api";
  ExpectRefused(key().SignRs256(Rs256Header(), claims), "wrong audience");
  claims.erase("aud");
  ExpectRefused(key().SignRs256(Rs256Header(), claims), "no aud claim");
  claims["aud"] = 42;
  ExpectRefused(key().SignRs256(Rs256Header(), claims), "aud claim is neither");
}

TEST_F(JwtTest, ExpiryAndNotBeforeAllowOnlyTheLeeway) {
  Json claims = ValidClaims();
  claims["exp"] = Now() - 20;  // within the 30 s leeway
  EXPECT_TRUE(verifier_->Verify(key().SignRs256(Rs256Header(), claims), clock_.Now()).ok());
  claims["exp"] = Now() - 31;
  ExpectRefused(key().SignRs256(Rs256Header(), claims), "expired");
  claims.erase("exp");
  ExpectRefused(key().SignRs256(Rs256Header(), claims), "no exp claim");
  claims["exp"] = "tomorrow";
  ExpectRefused(key().SignRs256(Rs256Header(), claims), "exp claim is not a number");

  claims = ValidClaims();
  claims["nbf"] = Now() + 20;
  EXPECT_TRUE(verifier_->Verify(key().SignRs256(Rs256Header(), claims), clock_.Now()).ok());
  claims["nbf"] = Now() + 120;
  ExpectRefused(key().SignRs256(Rs256Header(), claims), "not valid yet");

  // The same token expires as the clock moves.
  const std::string token = key().SignRs256(Rs256Header(), ValidClaims());
  clock_.Advance(std::chrono::minutes(61));
  ExpectRefused(token, "expired");
}

TEST_F(JwtTest, MissingSubOrEmailIsRefused) {
  for (const char* claim : {"sub", "email"}) {
    Json claims = ValidClaims();
    claims.erase(claim);
    ExpectRefused(key().SignRs256(Rs256Header(), claims), std::string("no ") + claim + " claim");
    claims[claim] = "";
    ExpectRefused(key().SignRs256(Rs256Header(), claims), std::string("no ") + claim + " claim");
    claims[claim] = 7;
    ExpectRefused(key().SignRs256(Rs256Header(), claims), std::string("no ") + claim + " claim");
  }
}

TEST_F(JwtTest, TamperedPayloadBreaksTheSignature) {
  const std::string token = key().SignRs256(Rs256Header(), ValidClaims());
  const std::string signature = token.substr(token.rfind('.'));
  Json forged = ValidClaims();
  forged["sub"] = "admin";
  ExpectRefused(SigningInput(Rs256Header(), forged) + signature, "signature is invalid");

  // One flipped bit in the signature.
  std::string flipped = token;
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
  ExpectRefused(flipped, "signature is invalid");
}

TEST_F(JwtTest, TokenOfAnotherKeyIsRefused) {
  TestKeyPair other(2048);
  ExpectRefused(other.SignRs256(Rs256Header(), ValidClaims()), "signature is invalid");
}

TEST_F(JwtTest, AlgNoneIsRefused) {
  for (const char* alg : {"none", "None", "NONE"}) {
    Json header{{"alg", alg}, {"typ", "JWT"}};
    ExpectRefused(SigningInput(header, ValidClaims()) + ".", "malformed token");  // empty signature
    ExpectRefused(SigningInput(header, ValidClaims()) + ".c2ln", "algorithm is not RS256");
  }
  // A valid RS256 signature does not help a header that names another algorithm.
  const std::string valid = key().SignRs256(Json{{"alg", "none"}}, ValidClaims());
  ExpectRefused(valid, "algorithm is not RS256");
  ExpectRefused(SigningInput(Json{{"typ", "JWT"}}, ValidClaims()) + ".c2ln", "header has no alg");
}

TEST_F(JwtTest, Hs256SignedWithThePublicKeyIsRefused) {
  // The classic confusion attack: a verifier that lets the header pick the algorithm would check
  // this HMAC with the public key, which everyone has, as the secret.
  for (const char* alg : {"HS256", "HS384", "HS512"}) {
    ExpectRefused(SignWithHmac(Json{{"alg", alg}, {"typ", "JWT"}}, ValidClaims(), key().PublicPem()),
                  "algorithm is not RS256");
  }
  ExpectRefused(SignWithHmac(Rs256Header(), ValidClaims(), key().PublicPem()), "signature is invalid");
}

TEST_F(JwtTest, CriticalHeaderExtensionsAreRefused) {
  Json header = Rs256Header();
  header["crit"] = Json::array({"exp"});
  ExpectRefused(key().SignRs256(header, ValidClaims()), "critical extensions");
}

TEST_F(JwtTest, MalformedTokensAreRefusedWithoutQuotingThem) {
  const std::string valid = key().SignRs256(Rs256Header(), ValidClaims());
  const std::string input = SigningInput(Rs256Header(), ValidClaims());
  ExpectRefused("", "malformed token");
  ExpectRefused("abc", "not three dot-separated parts");
  ExpectRefused(valid + ".extra", "not three dot-separated parts");
  ExpectRefused("e30.e30", "not three dot-separated parts");
  ExpectRefused("!!!." + valid.substr(valid.find('.') + 1), "header is not base64url");
  ExpectRefused(Base64UrlEncode("not json") + valid.substr(valid.find('.')), "header is not a JSON object");
  ExpectRefused(Base64UrlEncode("[1,2]") + valid.substr(valid.find('.')), "header is not a JSON object");
  ExpectRefused(input.substr(0, input.find('.')) + "." + Base64UrlEncode("{\"sub\":") + ".c2ln",
                "payload is not a JSON object");
  ExpectRefused(input + ".not*base64", "signature is not base64url");
  ExpectRefused(std::string(kMaxTokenBytes + 1, 'a'), "longer than 16 KiB");
}

TEST(Rs256VerifierTest, KeysThatCannotVerifyRs256AreRefusedAtStart) {
  auto garbage =
      Rs256Verifier::FromPem("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n", kAudience);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(garbage.error().message, HasSubstr("not a PEM public key"));

  auto ec = Rs256Verifier::FromPem(TestKeyPair(0).PublicPem(), kAudience);
  ASSERT_FALSE(ec.ok());
  EXPECT_THAT(ec.error().message, HasSubstr("not an RSA key"));

  auto small = Rs256Verifier::FromPem(TestKeyPair(1024).PublicPem(), kAudience);
  ASSERT_FALSE(small.ok());
  EXPECT_THAT(small.error().message, HasSubstr("1024 bits"));

  auto no_audience = Rs256Verifier::FromPem(TestKeyPair::Shared().PublicPem(), "");
  ASSERT_FALSE(no_audience.ok());
  EXPECT_THAT(no_audience.error().message, HasSubstr("audience"));
}

TEST(Rs256VerifierTest, CertificateOfTheKeyWorksLikeTheKey) {
  ManualClock clock;
  auto verifier = Rs256Verifier::FromPem(TestKeyPair::Shared().CertificatePem(), kAudience);
  ASSERT_TRUE(verifier.ok()) << verifier.error().message;
  const std::int64_t now = UnixSeconds(clock.Now());
  Json claims{{"sub", "u"}, {"email", "u@example.com"}, {"aud", kAudience}, {"exp", now + 60}};
  EXPECT_TRUE(verifier->Verify(TestKeyPair::Shared().SignRs256(Rs256Header(), claims), clock.Now()).ok());
}

TEST(Hs256Test, SignedTokensVerifyWithTheSameSecretOnly) {
  ManualClock clock;
  const std::int64_t now = UnixSeconds(clock.Now());
  auto token = SignHs256(Json{{"sub", "u"}, {"exp", now + 60}}, "s3cret-key");
  ASSERT_TRUE(token.ok()) << token.error().message;
  auto claims = VerifyHs256(*token, "s3cret-key", clock.Now());
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ((*claims)["sub"], "u");

  auto wrong = VerifyHs256(*token, "other-key", clock.Now());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kUnauthorized);
  EXPECT_THAT(wrong.error().message, HasSubstr("signature is invalid"));
  EXPECT_FALSE(VerifyHs256(*token, "", clock.Now()).ok());

  clock.Advance(std::chrono::seconds(91));
  EXPECT_THAT(VerifyHs256(*token, "s3cret-key", clock.Now()).error().message, HasSubstr("expired"));

  EXPECT_EQ(SignHs256(Json{{"sub", "u"}}, "").error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(SignHs256(Json::array(), "k").error().kind, ErrorKind::kInvalidInput);
}

TEST(Hs256Test, OtherAlgorithmsAreRefusedOnTheHs256Path) {
  ManualClock clock;
  const std::int64_t now = UnixSeconds(clock.Now());
  Json claims{{"sub", "u"}, {"exp", now + 60}};
  // An RS256 token, and HMAC signatures under headers that do not say HS256.
  for (const std::string& token :
       {TestKeyPair::Shared().SignRs256(Rs256Header(), claims),
        SignWithHmac(Json{{"alg", "none"}}, claims, "k"), SignWithHmac(Json{{"alg", "HS512"}}, claims, "k"),
        SigningInput(Json{{"alg", "none"}}, claims) + ".c2ln"}) {
    auto verified = VerifyHs256(token, "k", clock.Now());
    ASSERT_FALSE(verified.ok());
    EXPECT_THAT(verified.error().message, HasSubstr("algorithm is not HS256"));
  }
}

TEST(AudioTokenTest, OpensOnlyItsTranscriptForFifteenMinutes) {
  ManualClock clock;
  auto token = SignAudioToken("s3cret-key", "user-1", "transcript-1", clock.Now());
  ASSERT_TRUE(token.ok()) << token.error().message;
  auto claims = VerifyAudioToken(*token, "s3cret-key", "transcript-1", clock.Now());
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->sub, "user-1");
  EXPECT_EQ(claims->transcript_id, "transcript-1");
  EXPECT_EQ(claims->exp, UnixSeconds(clock.Now()) + 15 * 60);

  auto other = VerifyAudioToken(*token, "s3cret-key", "transcript-2", clock.Now());
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::kUnauthorized);
  EXPECT_THAT(other.error().message, HasSubstr("another transcript"));
  EXPECT_FALSE(VerifyAudioToken(*token, "other-key", "transcript-1", clock.Now()).ok());

  clock.Advance(std::chrono::minutes(14));
  EXPECT_TRUE(VerifyAudioToken(*token, "s3cret-key", "transcript-1", clock.Now()).ok());
  clock.Advance(std::chrono::minutes(2));
  auto expired = VerifyAudioToken(*token, "s3cret-key", "transcript-1", clock.Now());
  ASSERT_FALSE(expired.ok());
  EXPECT_THAT(expired.error().message, HasSubstr("expired"));

  EXPECT_EQ(SignAudioToken("", "user-1", "t", clock.Now()).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(SignAudioToken("k", "", "t", clock.Now()).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(SignAudioToken("k", "u", "", clock.Now()).error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace reflector::auth
