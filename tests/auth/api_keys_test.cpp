#include "auth/api_keys.hpp"

#include <gmock/gmock.h>

#include <set>

#include "core/clock.hpp"
#include "store/database.hpp"

namespace reflector::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr const char* kSecret = "test-secret-key";

TEST(ApiKeyTest, FormatIsPrefixAndBase64UrlOf32Bytes) {
  std::string bytes;
  for (int i = 0; i < 32; ++i)
    bytes.push_back(static_cast<char>(i));
  EXPECT_EQ(FormatApiKey(bytes), "rfk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
}

TEST(ApiKeyTest, GeneratedKeysAreWellFormedAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto key = GenerateApiKey();
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_THAT(*key, MatchesRegex("rfk_[A-Za-z0-9_-]{43}"));
    seen.insert(*key);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(ApiKeyTest, HashIsHexHmacSha256UnderTheSecret) {
  // Python: hmac.new(b"test-secret-key", b"rfk_example", hashlib.sha256).hexdigest()
  EXPECT_EQ(HashApiKey(kSecret, "rfk_example"),
            "c992320658b5a0e5462668e84628380d84e73373853bfef0889aeb24b5752a4f");
  EXPECT_NE(HashApiKey("another-secret", "rfk_example"), HashApiKey(kSecret, "rfk_example"));
}

class CreateApiKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open("sqlite://:memory:");
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->Migrate(clock_).ok());
  }

  ManualClock clock_;
  RandomIdGenerator ids_{7};
  std::unique_ptr<store::Database> db_;
};

TEST_F(CreateApiKeyTest, StoresTheHashAndReturnsThePlaintextOnce) {
  store::ApiKeys keys(*db_, clock_);
  auto created = CreateApiKey(keys, ids_, kSecret, "alice", "ci");
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_THAT(created->key, MatchesRegex("rfk_[A-Za-z0-9_-]{43}"));
  EXPECT_TRUE(IsUuid(created->record.id));
  EXPECT_EQ(created->record.user_id, "alice");
  EXPECT_EQ(created->record.name, std::optional<std::string>("ci"));
  EXPECT_EQ(created->record.key_hash, HashApiKey(kSecret, created->key));

  auto found = keys.FindByHash(HashApiKey(kSecret, created->key));
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, created->record.id);
  auto listed = keys.ListForUser("alice");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_NE((*listed)[0].key_hash, created->key) << "the plaintext is never stored";
  EXPECT_EQ((*listed)[0].key_hash.find(created->key.substr(4)), std::string::npos);
}

TEST_F(CreateApiKeyTest, EmptySecretKeyOrUserIsRefused) {
  store::ApiKeys keys(*db_, clock_);
  auto no_secret = CreateApiKey(keys, ids_, "", "alice", std::nullopt);
  ASSERT_FALSE(no_secret.ok());
  EXPECT_EQ(no_secret.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(no_secret.error().message, HasSubstr("SECRET_KEY"));
  EXPECT_EQ(CreateApiKey(keys, ids_, kSecret, "", std::nullopt).error().kind, ErrorKind::kInvalidInput);
  auto listed = keys.ListForUser("alice");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

}  // namespace
}  // namespace reflector::auth
