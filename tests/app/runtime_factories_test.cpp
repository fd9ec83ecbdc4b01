// The authenticator the settings choose (MakeAuthenticator), from the settings' own names.

#include "app/runtime_factories.hpp"

#include <gmock/gmock.h>

#include <fstream>

#include "app/environment.hpp"
#include "auth/test_keys.hpp"
#include "support/temp_dir.hpp"

namespace reflector::app {
namespace {

using ::testing::HasSubstr;

class MakeAuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open("sqlite://:memory:");
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->Migrate(clock_).ok());
    std::ofstream(dir_ / "idp.pem") << auth::testing::TestKeyPair::Shared().PublicPem();
  }

  Result<std::unique_ptr<auth::Authenticator>> Make(const std::map<std::string, std::string>& variables) {
    auto settings = LoadSettings(variables, "");
    if (!settings) return settings.error();
    return MakeAuthenticator(*settings, *db_, clock_);
  }

  ManualClock clock_;
  reflector::testing::TempDir dir_{"reflector-app-test"};
  std::unique_ptr<store::Database> db_;
};

TEST_F(MakeAuthenticatorTest, DefaultIsTheLocalOwner) {
  auto auth = Make({});
  ASSERT_TRUE(auth.ok()) << auth.error().message;
  EXPECT_EQ((*auth)->backend(), auth::AuthBackend::kNone);
  auto principal = (*auth)->Authenticate({});
  ASSERT_TRUE(principal.ok() && principal->has_value());
  EXPECT_EQ((*principal)->user_id, "local");
}

TEST_F(MakeAuthenticatorTest, JwtReadsTheKeyFileAndVerifiesTokens) {
  auto auth = Make({{"AUTH_BACKEND", "jwt"},
                    {"AUTH_JWT_PUBLIC_KEY", (dir_ / "idp.pem").string()},
                    {"AUTH_JWT_AUDIENCE", "reflector"},
                    {"SECRET_KEY", "0123456789abcdef"}});
  ASSERT_TRUE(auth.ok()) << auth.error().message;
  EXPECT_EQ((*auth)->backend(), auth::AuthBackend::kJwt);
  const Json claims{{"sub", "ana"},
                    {"email", "ana@example.com"},
                    {"aud", "reflector"},
                    {"exp", UnixSeconds(clock_.Now()) + 60}};
  auth::Credentials credentials;
  credentials.bearer_token =
      auth::testing::TestKeyPair::Shared().SignRs256(auth::testing::Rs256Header(), claims);
  auto principal = (*auth)->Authenticate(credentials);
  ASSERT_TRUE(principal.ok()) << principal.error().message;
  ASSERT_TRUE(principal->has_value());
  EXPECT_EQ((*principal)->user_id, "ana");
}

TEST_F(MakeAuthenticatorTest, JwtWithoutItsSettingsNamesThem) {
  auto missing_file = Make({{"AUTH_BACKEND", "jwt"},
                            {"AUTH_JWT_PUBLIC_KEY", (dir_ / "absent.pem").string()},
                            {"AUTH_JWT_AUDIENCE", "reflector"},
                            {"SECRET_KEY", "0123456789abcdef"}});
  ASSERT_FALSE(missing_file.ok());
  EXPECT_EQ(missing_file.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(missing_file.error().message, HasSubstr("AUTH_JWT_PUBLIC_KEY: cannot read"));
  EXPECT_THAT(missing_file.error().message, HasSubstr("absent.pem"));

  auto no_secret = Make({{"AUTH_BACKEND", "jwt"},
                         {"AUTH_JWT_PUBLIC_KEY", (dir_ / "idp.pem").string()},
                         {"AUTH_JWT_AUDIENCE", "reflector"}});
  ASSERT_FALSE(no_secret.ok());
  EXPECT_THAT(no_secret.error().message, HasSubstr("SECRET_KEY is empty"));
}

}  // namespace
}  // namespace reflector::app
