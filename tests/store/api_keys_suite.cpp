// The ApiKeys repository, part of the repository suite (run on SQLite and PostgreSQL).

#include <gmock/gmock.h>

#include "repository_suite.hpp"
#include "store/api_keys.hpp"

namespace reflector::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Not;

ApiKey Key(std::string id, std::string user_id, std::string hash) {
  ApiKey key;
  key.id = std::move(id);
  key.user_id = std::move(user_id);
  key.key_hash = std::move(hash);
  return key;
}

}  // namespace

TEST_P(RepositoryTest, ApiKeyRoundTripAndLookUpByHash) {
  ApiKeys keys(*db_, clock_);
  ApiKey key = Key("k-1", "alice", "aa11");
  key.name = "laptop";
  ASSERT_OK_AND_ASSIGN(ApiKey created, keys.Create(key));
  EXPECT_GT(created.created_at, 0);

  ASSERT_OK_AND_ASSIGN(std::optional<ApiKey> found, keys.FindByHash("aa11"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, "k-1");
  EXPECT_EQ(found->user_id, "alice");
  EXPECT_EQ(found->name, std::optional<std::string>("laptop"));
  EXPECT_EQ(found->key_hash, "aa11");
  EXPECT_DOUBLE_EQ(found->created_at, created.created_at);

  ASSERT_OK_AND_ASSIGN(std::optional<ApiKey> missing, keys.FindByHash("bb22"));
  EXPECT_FALSE(missing.has_value());

  ASSERT_OK(keys.Create(Key("k-2", "alice", "bb22")));
  ASSERT_OK_AND_ASSIGN(std::optional<ApiKey> unnamed, keys.FindByHash("bb22"));
  ASSERT_TRUE(unnamed.has_value());
  EXPECT_EQ(unnamed->name, std::nullopt);
}

TEST_P(RepositoryTest, ApiKeyHashesAndIdsAreUnique) {
  ApiKeys keys(*db_, clock_);
  ASSERT_OK(keys.Create(Key("k-1", "alice", "aa11")));
  auto same_hash = keys.Create(Key("k-2", "bob", "aa11"));
  ASSERT_FALSE(same_hash.ok());
  EXPECT_EQ(same_hash.error().kind, ErrorKind::kConflict);
  EXPECT_THAT(same_hash.error().message, Not(HasSubstr("aa11"))) << "bound values stay out of messages";
  auto same_id = keys.Create(Key("k-1", "bob", "cc33"));
  ASSERT_FALSE(same_id.ok());
  EXPECT_EQ(same_id.error().kind, ErrorKind::kConflict);

  for (ApiKey incomplete : {Key("", "alice", "dd44"), Key("k-3", "", "dd44"), Key("k-3", "alice", "")}) {
    auto refused = keys.Create(incomplete);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
  }
}

TEST_P(RepositoryTest, ApiKeysListPerUserOldestFirst) {
  ApiKeys keys(*db_, clock_);
  ASSERT_OK(keys.Create(Key("k-b", "alice", "h1")));
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_OK(keys.Create(Key("k-a", "alice", "h2")));
  ASSERT_OK(keys.Create(Key("k-c", "bob", "h3")));

  ASSERT_OK_AND_ASSIGN(std::vector<ApiKey> alice, keys.ListForUser("alice"));
  EXPECT_THAT(alice, ElementsAre(Field(&ApiKey::id, "k-b"), Field(&ApiKey::id, "k-a")));
  ASSERT_OK_AND_ASSIGN(std::vector<ApiKey> nobody, keys.ListForUser("nobody"));
  EXPECT_TRUE(nobody.empty());
}

TEST_P(RepositoryTest, ApiKeyDeleteOnlyByItsOwner) {
  ApiKeys keys(*db_, clock_);
  ASSERT_OK(keys.Create(Key("k-1", "alice", "h1")));

  Status wrong_user = keys.Delete("k-1", "bob");
  ASSERT_FALSE(wrong_user.ok());
  EXPECT_EQ(wrong_user.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(wrong_user.error().message, HasSubstr("k-1"));
  ASSERT_OK_AND_ASSIGN(std::optional<ApiKey> kept, keys.FindByHash("h1"));
  EXPECT_TRUE(kept.has_value()) << "another user's delete leaves the key";

  ASSERT_OK(keys.Delete("k-1", "alice"));
  ASSERT_OK_AND_ASSIGN(std::optional<ApiKey> gone, keys.FindByHash("h1"));
  EXPECT_FALSE(gone.has_value());
  EXPECT_EQ(keys.Delete("k-1", "alice").error().kind, ErrorKind::kNotFound);
}

}  // namespace reflector::store::testing
