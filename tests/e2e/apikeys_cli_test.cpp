// `reflector apikeys` through the binary: the key is printed once, only its hash reaches the
// database (and the right user's), and SECRET_KEY is required and never printed.

#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/api_keys.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "store/api_keys.hpp"
#include "store/database.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "cli-test-secret-0123456789abcdef";

class ApiKeysCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {{"DATA_DIR", (dir_ / "data").string()},
            {"LOG_LEVEL", "debug"},
            {"LLM_URL", ""},
            {"DATABASE_URL", ""},
            {"TRANSCRIPT_STORAGE_BACKEND", "local"},
            {"SECRET_KEY", kSecret}};
  }

  CommandResult Reflector(std::vector<std::string> args) {
    args.insert(args.begin(), BuiltBinary("reflector").string());
    CommandResult result = RunCommand(args, env_, std::chrono::seconds(120));
    output_ += result.out + result.err;
    return result;
  }

  // Every byte under DATA_DIR (the SQLite file and its journal).
  std::string DataFiles() const {
    std::string all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "data")) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      all += bytes.str();
    }
    return all;
  }

  TempDir dir_{"reflector-apikeys-cli"};
  std::map<std::string, std::string> env_;
  std::string output_;  // everything the commands printed
};

TEST_F(ApiKeysCliTest, CreateListAndDelete) {
  auto created = Reflector({"apikeys", "create", "--user", "alice", "--name", "laptop"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  ASSERT_EQ(created.out.rfind("api key: ", 0), 0u) << created.out;
  const std::string id = created.out.substr(9, 36);
  EXPECT_TRUE(IsUuid(id)) << created.out;
  const std::size_t at = created.out.find("\nkey: ");
  ASSERT_NE(at, std::string::npos) << created.out;
  const std::string key = created.out.substr(at + 6, 4 + 43);
  EXPECT_EQ(key.rfind("rfk_", 0), 0u) << created.out;
  EXPECT_THAT(created.err, HasSubstr("shown only now"));

  auto listed = Reflector({"apikeys", "list", "--user", "alice"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr(id));
  EXPECT_THAT(listed.out, HasSubstr("laptop"));
  auto others = Reflector({"apikeys", "list", "--user", "bob"});
  ASSERT_EQ(others.exit_code, 0) << others.err;
  EXPECT_THAT(others.out, Not(HasSubstr(id)));

  // The database holds the key's hash under SECRET_KEY, never the key.
  EXPECT_THAT(DataFiles(), Not(HasSubstr(key.substr(4))));
  {
    ManualClock clock;
    auto db = store::Database::Open("sqlite://" + (dir_ / "data" / "reflector.sqlite3").string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    store::ApiKeys keys(**db, clock);
    auto found = keys.FindByHash(auth::HashApiKey(kSecret, key));
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->user_id, "alice");
    EXPECT_EQ((*found)->id, id);
  }

  auto wrong_user = Reflector({"apikeys", "delete", id, "--user", "bob"});
  EXPECT_EQ(wrong_user.exit_code, 2);
  EXPECT_THAT(wrong_user.err, HasSubstr("not found"));
  auto deleted = Reflector({"apikeys", "delete", id, "--user", "alice"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  auto after = Reflector({"apikeys", "list", "--user", "alice"});
  EXPECT_THAT(after.out, Not(HasSubstr(id)));

  EXPECT_THAT(output_, Not(HasSubstr(kSecret)));
  EXPECT_EQ(output_.find(key), output_.rfind(key)) << "the key is printed once, by create";
}

TEST_F(ApiKeysCliTest, CreateWithoutSecretKeyIsRefused) {
  env_["SECRET_KEY"] = "";
  auto refused = Reflector({"apikeys", "create", "--user", "alice"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("SECRET_KEY is empty"));
  EXPECT_THAT(refused.out, Not(HasSubstr("rfk_")));
  EXPECT_NE(Reflector({"apikeys", "create"}).exit_code, 0) << "--user is required";
}

}  // namespace
}  // namespace reflector::testing
