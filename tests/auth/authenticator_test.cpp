#include "auth/authenticator.hpp"

#include <gmock/gmock.h>

#include <fstream>
#include <functional>
#include <vector>

#include "auth/api_keys.hpp"
#include "auth/audio_token.hpp"
#include "auth/test_keys.hpp"
#include "core/log.hpp"
#include "store/api_keys.hpp"
#include "support/temp_dir.hpp"

namespace reflector::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::Rs256Header;
using testing::TestKeyPair;

constexpr const char* kAudience = "reflector-api";
constexpr const char* kSecret = "super-secret-key-value-0123456789";

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open("sqlite://:memory:");
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->Migrate(clock_).ok());
  }

  AuthenticatorOptions JwtOptions() const {
    AuthenticatorOptions options;
    options.backend = AuthBackend::kJwt;
    options.jwt_public_key_pem = TestKeyPair::Shared().PublicPem();
    options.jwt_audience = kAudience;
    options.secret_key = kSecret;
    return options;
  }

  std::unique_ptr<Authenticator> Make(AuthenticatorOptions options) {
    auto made = Authenticator::Create(std::move(options), *db_, clock_);
    EXPECT_TRUE(made.ok()) << made.error().message;
    return made.ok() ? std::move(made).value() : nullptr;
  }

  std::string Token(const std::string& sub, std::int64_t lifetime_seconds = 3600) const {
    const std::int64_t now = UnixSeconds(clock_.Now());
    return TestKeyPair::Shared().SignRs256(Rs256Header(), Json{{"sub", sub},
                                                               {"email", sub + "@example.com"},
                                                               {"aud", kAudience},
                                                               {"exp", now + lifetime_seconds}});
  }

  // A stored key of `user`; returns the plaintext.
  std::string NewKey(const std::string& user) {
    store::ApiKeys keys(*db_, clock_);
    auto created = CreateApiKey(keys, ids_, kSecret, user, std::nullopt);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? created->key : std::string();
  }

  static Credentials Bearer(std::string token) { return Credentials{std::move(token), std::nullopt}; }
  static Credentials Key(std::string key) { return Credentials{std::nullopt, std::move(key)}; }

  ManualClock clock_;
  RandomIdGenerator ids_{11};
  std::unique_ptr<store::Database> db_;
};

template <typename T>
void ExpectUnauthorized(const Result<T>& result, const std::string& reason) {
  ASSERT_FALSE(result.ok()) << "accepted; expected: " << reason;
  EXPECT_EQ(result.error().kind, ErrorKind::kUnauthorized);
  EXPECT_THAT(result.error().message, HasSubstr(reason));
}

TEST_F(AuthenticatorTest, NoneBackendMakesEveryRequestTheLocalOwner) {
  auto auth = Make(AuthenticatorOptions{});
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(auth->backend(), AuthBackend::kNone);
  for (const Credentials& credentials : {Credentials{}, Bearer("garbage"), Key("rfk_unknown")}) {
    auto principal = auth->Authenticate(credentials);
    ASSERT_TRUE(principal.ok() && principal->has_value());
    EXPECT_EQ((*principal)->user_id, "local");
    EXPECT_EQ((*principal)->email, std::nullopt);
  }
  auto audio = auth->AuthenticateAudioToken("anything", "t-1");
  ASSERT_TRUE(audio.ok());
  EXPECT_EQ(audio->user_id, "local");
  auto unsigned_link = auth->IssueAudioToken("local", "t-1");
  ASSERT_FALSE(unsigned_link.ok()) << "no SECRET_KEY, no audio links";
  EXPECT_THAT(unsigned_link.error().message, HasSubstr("SECRET_KEY"));
}

TEST_F(AuthenticatorTest, JwtBackendWithoutCredentialsIsAnonymous) {
  auto auth = Make(JwtOptions());
  ASSERT_NE(auth, nullptr);
  auto principal = auth->Authenticate(Credentials{});
  ASSERT_TRUE(principal.ok()) << principal.error().message;
  EXPECT_FALSE(principal->has_value());
}

TEST_F(AuthenticatorTest, BearerTokenNamesTheUserAndBadTokensAreUnauthorized) {
  auto auth = Make(JwtOptions());
  ASSERT_NE(auth, nullptr);
  auto principal = auth->Authenticate(Bearer(Token("ana")));
  ASSERT_TRUE(principal.ok()) << principal.error().message;
  ASSERT_TRUE(principal->has_value());
  EXPECT_EQ((*principal)->user_id, "ana");
  EXPECT_EQ((*principal)->email, std::optional<std::string>("ana@example.com"));

  ExpectUnauthorized(auth->Authenticate(Bearer(Token("ana", -120))), "expired");
  ExpectUnauthorized(auth->Authenticate(Bearer("")), "malformed");
  ExpectUnauthorized(auth->Authenticate(Bearer("not.a.token")), "malformed");
}

TEST_F(AuthenticatorTest, ApiKeyNamesItsOwnerAndUnknownKeysAreUnauthorized) {
  auto auth = Make(JwtOptions());
  ASSERT_NE(auth, nullptr);
  const std::string key = NewKey("bob");
  auto principal = auth->Authenticate(Key(key));
  ASSERT_TRUE(principal.ok()) << principal.error().message;
  ASSERT_TRUE(principal->has_value());
  EXPECT_EQ((*principal)->user_id, "bob");
  EXPECT_EQ((*principal)->email, std::nullopt);

  ExpectUnauthorized(auth->Authenticate(Key(key + "x")), "unknown API key");
  ExpectUnauthorized(auth->Authenticate(Key("")), "malformed API key");
  ExpectUnauthorized(auth->Authenticate(Key(std::string(300, 'k'))), "malformed API key");

  // A key hashed under another SECRET_KEY opens nothing.
  AuthenticatorOptions rotated = JwtOptions();
  rotated.secret_key = "another-secret";
  auto other = Make(rotated);
  ASSERT_NE(other, nullptr);
  ExpectUnauthorized(other->Authenticate(Key(key)), "unknown API key");
}

TEST_F(AuthenticatorTest, BothCredentialsMustNameTheSameUser) {
  auto auth = Make(JwtOptions());
  ASSERT_NE(auth, nullptr);
  const std::string ana_key = NewKey("ana");
  auto same = auth->Authenticate(Credentials{Token("ana"), ana_key});
  ASSERT_TRUE(same.ok()) << same.error().message;
  ASSERT_TRUE(same->has_value());
  EXPECT_EQ((*same)->user_id, "ana");
  EXPECT_EQ((*same)->email, std::optional<std::string>("ana@example.com"));

  ExpectUnauthorized(auth->Authenticate(Credentials{Token("bob"), ana_key}), "different users");
  ExpectUnauthorized(auth->Authenticate(Credentials{Token("ana", -120), ana_key}), "expired");
  ExpectUnauthorized(auth->Authenticate(Credentials{Token("ana"), "rfk_nope"}), "unknown API key");
}

TEST_F(AuthenticatorTest, AudioTokenIsABearerTokenOrTheServersOwnLink) {
  auto auth = Make(JwtOptions());
  ASSERT_NE(auth, nullptr);
  auto bearer = auth->AuthenticateAudioToken(Token("ana"), "t-1");
  ASSERT_TRUE(bearer.ok()) << bearer.error().message;
  EXPECT_EQ(bearer->user_id, "ana");

  auto link = auth->IssueAudioToken("bob", "t-1");
  ASSERT_TRUE(link.ok()) << link.error().message;
  auto opened = auth->AuthenticateAudioToken(*link, "t-1");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->user_id, "bob");

  auto other = auth->AuthenticateAudioToken(*link, "t-2");
  ExpectUnauthorized(other, "another transcript");
  EXPECT_THAT(other.error().message, HasSubstr("algorithm is not RS256")) << "both attempts are named";
  clock_.Advance(std::chrono::minutes(16));
  ExpectUnauthorized(auth->AuthenticateAudioToken(*link, "t-1"), "expired");
}

TEST_F(AuthenticatorTest, JwtBackendRefusesToStartWithoutItsSettings) {
  reflector::testing::TempDir dir("reflector-auth-test");
  std::ofstream(dir / "key.pem") << TestKeyPair::Shared().PublicPem();
  AuthenticatorOptions from_file = JwtOptions();
  from_file.jwt_public_key_pem.clear();
  from_file.jwt_public_key_file = dir / "key.pem";
  auto made = Authenticator::Create(from_file, *db_, clock_);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_TRUE((*made)->Authenticate(Bearer(Token("ana"))).ok());

  struct Case {
    std::function<void(AuthenticatorOptions&)> change;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {[](AuthenticatorOptions& o) { o.secret_key.clear(); }, "SECRET_KEY is empty"},
      {[](AuthenticatorOptions& o) { o.jwt_audience.clear(); }, "AUTH_JWT_AUDIENCE is empty"},
      {[](AuthenticatorOptions& o) { o.jwt_public_key_file.clear(); }, "AUTH_JWT_PUBLIC_KEY is empty"},
      {[&](AuthenticatorOptions& o) { o.jwt_public_key_file = dir / "missing.pem"; }, "missing.pem"},
      {[&](AuthenticatorOptions& o) { o.jwt_public_key_pem = "not a key"; },
       "AUTH_JWT_PUBLIC_KEY: not a PEM"},
  };
  for (const Case& c : cases) {
    AuthenticatorOptions options = from_file;
    c.change(options);
    auto refused = Authenticator::Create(options, *db_, clock_);
    ASSERT_FALSE(refused.ok()) << c.expected;
    EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
    EXPECT_THAT(refused.error().message, HasSubstr(c.expected));
  }
  AuthenticatorOptions nothing;
  nothing.backend = AuthBackend::kJwt;
  auto all = Authenticator::Create(nothing, *db_, clock_);
  ASSERT_FALSE(all.ok());
  for (const char* setting : {"SECRET_KEY", "AUTH_JWT_AUDIENCE", "AUTH_JWT_PUBLIC_KEY"})
    EXPECT_THAT(all.error().message, HasSubstr(setting)) << "every problem is reported at once";
}

TEST(AuthBackendTest, ParsesTheSettingsValues) {
  EXPECT_EQ(*ParseAuthBackend("none"), AuthBackend::kNone);
  EXPECT_EQ(*ParseAuthBackend("jwt"), AuthBackend::kJwt);
  EXPECT_EQ(ParseAuthBackend("password").error().kind, ErrorKind::kInvalidInput);
}

// Captures what the program logs (stderr) while it lives.
class CapturedLog {
 public:
  CapturedLog() : saved_(log::GetLevel()) {
    log::SetLevel(log::Level::kTrace);
    ::testing::internal::CaptureStderr();
  }
  ~CapturedLog() { log::SetLevel(saved_); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  std::string Take() { return ::testing::internal::GetCapturedStderr(); }

 private:
  log::Level saved_;
};

TEST_F(AuthenticatorTest, LogsNeverContainTokensKeysOrTheSecret) {
  auto auth = Make(JwtOptions());
  ASSERT_NE(auth, nullptr);
  const std::string key = NewKey("ana");
  const std::string token = Token("ana");
  const std::string expired = Token("ana", -120);
  const std::string foreign = Token("bob");
  std::string link = auth->IssueAudioToken("ana", "t-1").value_or("");
  ASSERT_FALSE(link.empty());

  std::string logged;
  {
    CapturedLog capture;
    EXPECT_TRUE(auth->Authenticate(Bearer(token)).ok());
    EXPECT_TRUE(auth->Authenticate(Key(key)).ok());
    EXPECT_TRUE(auth->Authenticate(Credentials{token, key}).ok());
    EXPECT_FALSE(auth->Authenticate(Bearer(expired)).ok());
    EXPECT_FALSE(auth->Authenticate(Bearer(token + "x")).ok());
    EXPECT_FALSE(auth->Authenticate(Key(key + "x")).ok());
    EXPECT_FALSE(auth->Authenticate(Credentials{foreign, key}).ok());
    EXPECT_TRUE(auth->AuthenticateAudioToken(link, "t-1").ok());
    EXPECT_FALSE(auth->AuthenticateAudioToken(link, "t-2").ok());
    logged = capture.Take();
  }
  // The capture worked: refusals and acceptances were logged.
  EXPECT_THAT(logged, HasSubstr("credential refused"));
  EXPECT_THAT(logged, HasSubstr("api key accepted"));
  EXPECT_THAT(logged, HasSubstr("different users"));

  EXPECT_THAT(logged, Not(HasSubstr(kSecret)));
  EXPECT_THAT(logged, Not(HasSubstr(key.substr(4)))) << "the API key";
  EXPECT_THAT(logged, Not(HasSubstr(auth::HashApiKey(kSecret, key)))) << "the key's hash";
  for (const std::string& jwt : {token, expired, foreign, link}) {
    // Any part of a token: header, payload or signature.
    for (std::size_t start = 0, end = 0; start < jwt.size(); start = end + 1) {
      end = jwt.find('.', start);
      if (end == std::string::npos) end = jwt.size();
      EXPECT_THAT(logged, Not(HasSubstr(jwt.substr(start, end - start))));
    }
  }
}

}  // namespace
}  // namespace reflector::auth
