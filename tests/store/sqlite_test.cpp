// The repository suite on SQLite, plus URL parsing and connection failures that need no server.

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "repository_suite.hpp"
#include "store/sql.hpp"
#include "store/transcripts.hpp"

namespace reflector::store::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

INSTANTIATE_TEST_SUITE_P(Sqlite, RepositoryTest, ::testing::Values(Backend::kSqlite),
                         [](const auto& p) { return BackendName(p.param); });

TEST(DatabaseUrlTest, SqliteForms) {
  ASSERT_OK_AND_ASSIGN(DatabaseTarget absolute, ParseDatabaseUrl("sqlite:///var/lib/reflector/db.sqlite3"));
  EXPECT_EQ(absolute.dialect, Dialect::kSqlite);
  EXPECT_EQ(absolute.sqlite_path, "/var/lib/reflector/db.sqlite3");
  ASSERT_OK_AND_ASSIGN(DatabaseTarget relative, ParseDatabaseUrl("sqlite://./data/reflector.sqlite3"));
  EXPECT_EQ(relative.sqlite_path, "./data/reflector.sqlite3");
  ASSERT_OK_AND_ASSIGN(DatabaseTarget memory, ParseDatabaseUrl("sqlite://:memory:"));
  EXPECT_EQ(memory.sqlite_path, ":memory:");

  auto empty = ParseDatabaseUrl("sqlite://");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, ErrorKind::kInvalidInput);
}

TEST(DatabaseUrlTest, PostgresUrlBecomesConninfoWithDecodedParts) {
  ASSERT_OK_AND_ASSIGN(DatabaseTarget target,
                       ParseDatabaseUrl("postgresql://reflector:p%40ss'w%5Cd@db.example:5433/refl%20db"
                                        "?sslmode=require&application_name=api"));
  EXPECT_EQ(target.dialect, Dialect::kPostgres);
  EXPECT_EQ(target.conninfo,
            "host='db.example' port='5433' user='reflector' password='p@ss\\'w\\\\d' dbname='refl db' "
            "sslmode='require' application_name='api'");
  EXPECT_EQ(target.redacted_url,
            "postgresql://reflector:***@db.example:5433/refl%20db?sslmode=require&application_name=api");

  ASSERT_OK_AND_ASSIGN(DatabaseTarget short_form, ParseDatabaseUrl("postgres://localhost/reflector"));
  EXPECT_EQ(short_form.conninfo, "host='localhost' dbname='reflector'");
  EXPECT_EQ(short_form.redacted_url, "postgres://localhost/reflector");

  ASSERT_OK_AND_ASSIGN(DatabaseTarget ipv6, ParseDatabaseUrl("postgresql://u@[::1]:6000/d"));
  EXPECT_EQ(ipv6.conninfo, "host='::1' port='6000' user='u' dbname='d'");

  EXPECT_EQ(ipv6.redacted_url, "postgresql://u@[::1]:6000/d");

  ASSERT_OK_AND_ASSIGN(DatabaseTarget socket, ParseDatabaseUrl("postgresql:///reflector"));
  EXPECT_EQ(socket.conninfo, "dbname='reflector'");

  ASSERT_OK_AND_ASSIGN(
      DatabaseTarget options,
      ParseDatabaseUrl("postgresql://u:pw@h/d?options=-c%20search_path%3Dx&&connect_timeout=3"));
  EXPECT_EQ(options.conninfo,
            "host='h' user='u' password='pw' dbname='d' options='-c search_path=x' connect_timeout='3'");
  EXPECT_EQ(options.redacted_url, "postgresql://u:***@h/d?options=-c%20search_path%3Dx&&connect_timeout=3");
}

TEST(DatabaseUrlTest, BadUrlsAreInvalidInputWithoutThePassword) {
  for (const char* url :
       {"mysql://root:hunter2@localhost/db", "hunter2", "postgresql://u:hunter2@host:port/db",
        "postgresql://u:hunter2@host/db%zz", "postgresql://u:hunter2@[::1/db", "postgresql://u:hunter2@h/d?x",
        "postgresql://u:hunter2@h/d?bad%20key=1", "postgresql://u:hunter2%@h/d",
        "postgresql://u:hunter2#@h/d"}) {
    auto parsed = ParseDatabaseUrl(url);
    ASSERT_FALSE(parsed.ok()) << url;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidInput) << url;
    EXPECT_THAT(parsed.error().message, Not(HasSubstr("hunter2"))) << url;
    EXPECT_THAT(RedactedDatabaseUrl(url), AllOf(HasSubstr("<invalid: "), Not(HasSubstr("hunter2")))) << url;
  }
  EXPECT_EQ(RedactedDatabaseUrl("postgresql://reflector:hunter2@db:5432/reflector"),
            "postgresql://reflector:***@db:5432/reflector");
  EXPECT_EQ(RedactedDatabaseUrl("sqlite:///var/lib/reflector/db.sqlite3"),
            "sqlite:///var/lib/reflector/db.sqlite3");
  auto opened = Database::Open("mysql://root@localhost/db");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kInvalidInput);
}

// A TCP port on which nothing listens: bind port 0, read the port, close.
int UnusedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST(DatabaseOpenTest, UnreachablePostgresIsRetryableUnavailable) {
  const std::string url =
      "postgresql://reflector:hunter2@127.0.0.1:" + std::to_string(UnusedPort()) + "/reflector";
  DatabaseOptions options;
  options.connect_timeout_seconds = 2;
  auto opened = Database::Open(url, options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(opened.error().retryable);
  EXPECT_THAT(opened.error().message, HasSubstr("127.0.0.1"));
  EXPECT_THAT(opened.error().message, Not(HasSubstr("hunter2")));
}

TEST(DatabaseOpenTest, UnopenableSqliteFileIsAnIoError) {
  reflector::testing::TempDir dir("reflector-store-test");
  std::ofstream(dir / "plain-file") << "not a directory";
  auto opened = Database::Open("sqlite://" + (dir / "plain-file" / "db.sqlite3").string());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kIo);
  EXPECT_THAT(opened.error().message, HasSubstr("plain-file"));

  std::ofstream(dir / "garbage.sqlite3") << std::string(4096, 'x');
  auto garbage = Database::Open("sqlite://" + (dir / "garbage.sqlite3").string());
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().kind, ErrorKind::kIo);
  EXPECT_THAT(garbage.error().message, HasSubstr("garbage.sqlite3"));
}

TEST(DatabaseOpenTest, InMemoryDatabaseWorks) {
  ManualClock clock;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("sqlite://:memory:"));
  ASSERT_OK(db->Migrate(clock));
  Transcripts transcripts(*db, clock);
  Transcript t;
  t.id = "mem";
  ASSERT_OK(transcripts.Create(t));
  ASSERT_OK_AND_ASSIGN(Transcript got, transcripts.Get("mem"));
  EXPECT_EQ(got.id, "mem");
}

TEST(DatabaseOpenTest, SqliteFileUsesWalAndForeignKeys) {
  reflector::testing::TempDir dir("reflector-store-test");
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("sqlite://" + (dir / "wal.sqlite3").string()));
  std::string mode;
  std::int64_t foreign_keys = 0;
  ASSERT_OK(db->WithSession("read pragmas", [&](Session& session) -> Status {
    sql::Row journal("pragma");
    journal.Text(&mode);
    REFLECTOR_TRY(sql::QueryOne(session, "PRAGMA journal_mode", {}, journal));
    sql::Row keys("pragma");
    keys.Integer(&foreign_keys);
    REFLECTOR_TRY(sql::QueryOne(session, "PRAGMA foreign_keys", {}, keys));
    return Ok();
  }));
  EXPECT_EQ(mode, "wal");
  EXPECT_EQ(foreign_keys, 1);
}

TEST(DatabaseOpenTest, AFullSqliteDatabaseIsARetryableNoSpaceErrorAndWritesAgainOnceThereIsRoom) {
  reflector::testing::TempDir dir("reflector-store-test");
  DatabaseOptions options;
  options.pool_size = 1;  // the size limit below is a setting of the connection
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("sqlite://" + (dir / "full.sqlite3").string(), options));
  ManualClock clock;
  ASSERT_OK(db->Migrate(clock));
  auto limit_pages = [&](std::int64_t pages) {
    return db->WithSession("limit the size", [pages](Session& session) -> Status {
      sql::Exec(session, "PRAGMA max_page_count = " + std::to_string(pages));
      return Ok();
    });
  };
  ASSERT_OK(limit_pages(1));  // no page more than the database has now: as on a full disk
  Transcripts transcripts(*db, clock);
  Transcript big;
  big.id = "big";
  big.name = std::string(200000, 'x');
  auto full = transcripts.Create(big);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().kind, ErrorKind::kNoSpace);
  EXPECT_TRUE(full.error().retryable) << full.error().Describe();
  EXPECT_THAT(full.error().message, HasSubstr("full"));
  EXPECT_EQ(transcripts.Get("big").error().kind, ErrorKind::kNotFound) << "nothing half-written";

  ASSERT_OK(limit_pages(1000000));
  ASSERT_OK(transcripts.Create(big));
  ASSERT_OK_AND_ASSIGN(Transcript stored, transcripts.Get("big"));
  EXPECT_EQ(stored.name.size(), big.name.size());
}

TEST(DatabaseOpenTest, CallingBackIntoAnExhaustedPoolFailsInsteadOfWaitingForever) {
  reflector::testing::TempDir dir("reflector-store-test");
  DatabaseOptions options;
  options.pool_size = 1;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("sqlite://" + (dir / "one.sqlite3").string(), options));
  ManualClock clock;
  ASSERT_OK(db->Migrate(clock));
  Status outer = db->WithTransaction("outer", [&](Session& session) -> Status {
    Transcripts wrong(*db, clock);  // should have been built over `session`
    auto nested = wrong.Get("x");
    EXPECT_FALSE(nested.ok());
    if (!nested.ok()) {
      EXPECT_EQ(nested.error().kind, ErrorKind::kInternal);
      EXPECT_THAT(nested.error().message, HasSubstr("in use"));
    }
    Transcripts right(session, clock);
    EXPECT_EQ(right.Get("x").error().kind, ErrorKind::kNotFound);
    return Ok();
  });
  ASSERT_OK(outer);
}

}  // namespace
}  // namespace reflector::store::testing
