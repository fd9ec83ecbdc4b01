// The repository suite on PostgreSQL (REFLECTOR_TEST_DATABASE_URL), plus connection failures.

#include <gmock/gmock.h>

#include "repository_suite.hpp"
#include "store/sql.hpp"
#include "store/transcripts.hpp"
#include "support/test_env.hpp"

namespace reflector::store::testing {
namespace {

using ::testing::HasSubstr;

DatabaseOptions OnePooledSession() {
  DatabaseOptions options;
  options.pool_size = 1;
  return options;
}

INSTANTIATE_TEST_SUITE_P(Postgres, RepositoryTest, ::testing::Values(Backend::kPostgres),
                         [](const auto& p) { return BackendName(p.param); });

TEST(PostgresConnectionTest, LostConnectionIsRetryableAndTheNextCallReconnects) {
  auto fresh = FreshDatabase::Create(Backend::kPostgres);
  ASSERT_NE(fresh, nullptr);
  ManualClock clock;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(fresh->url(), OnePooledSession()));
  ASSERT_OK(db->Migrate(clock));
  Transcripts transcripts(*db, clock);
  Transcript t;
  t.id = "t-1";
  ASSERT_OK(transcripts.Create(t));

  // Another connection kills this database's session, as a server restart or a proxy would.
  ASSERT_OK_AND_ASSIGN(auto admin, Database::Open(reflector::testing::RequireServiceVariable(
                                       "REFLECTOR_TEST_DATABASE_URL", "PostgreSQL 15")));
  std::int64_t killed = 0;
  ASSERT_OK(admin->WithSession("terminate test connections", [&](Session& session) -> Status {
    sql::Row row("pg_stat_activity");
    row.Integer(&killed);
    return sql::Query(
        session,
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :name",
        sql::Params().Text(fresh->application_name()), row, [] { return Ok(); });
  }));
  ASSERT_EQ(killed, 1);

  auto broken = transcripts.Get("t-1");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(broken.error().retryable);
  EXPECT_THAT(broken.error().message, HasSubstr("t-1"));

  ASSERT_OK_AND_ASSIGN(Transcript again, transcripts.Get("t-1"));
  EXPECT_EQ(again.id, "t-1");
}

TEST(PostgresConnectionTest, MissingDatabaseIsAnErrorNotACrash) {
  const std::string base =
      reflector::testing::RequireServiceVariable("REFLECTOR_TEST_DATABASE_URL", "PostgreSQL 15");
  ASSERT_FALSE(base.empty());
  // Same server, a database that does not exist.
  const std::string url = base.substr(0, base.rfind('/')) + "/reflector_no_such_database";
  auto opened = Database::Open(url);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kUnavailable);
  EXPECT_THAT(opened.error().message, HasSubstr("reflector_no_such_database"));
}

}  // namespace
}  // namespace reflector::store::testing
