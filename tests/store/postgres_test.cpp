// The repository suite on PostgreSQL (REFLECTOR_TEST_DATABASE_URL), plus connection failures and
// the LISTEN connection of event notifications ended by the server.

#include <gmock/gmock.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "repository_suite.hpp"
#include "store/event_notifications.hpp"
#include "store/sql.hpp"
#include "store/transcripts.hpp"
#include "support/tcp_proxy.hpp"
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

// How many sessions of `application_name` the server has (after terminating them when asked).
std::int64_t Sessions(Database& admin, const std::string& application_name, bool terminate) {
  std::int64_t count = -1;
  const std::string select = terminate ? "SELECT COUNT(pg_terminate_backend(pid))" : "SELECT COUNT(*)";
  Status done = admin.WithSession("count test connections", [&](Session& session) -> Status {
    sql::Row row("pg_stat_activity");
    row.Integer(&count);
    return sql::Query(session, select + " FROM pg_stat_activity WHERE application_name = :name",
                      sql::Params().Text(application_name), row, [] { return Ok(); });
  });
  EXPECT_TRUE(done.ok()) << done.error().Describe();
  return count;
}

TEST(PostgresConnectionTest, AConnectionTheServerClosedIsReplacedWithoutAnError) {
  auto fresh = FreshDatabase::Create(Backend::kPostgres);
  ASSERT_NE(fresh, nullptr);
  ManualClock clock;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(fresh->url(), OnePooledSession()));
  ASSERT_OK(db->Migrate(clock));
  Transcripts transcripts(*db, clock);
  Transcript t;
  t.id = "t-1";
  ASSERT_OK(transcripts.Create(t));

  // Another connection ends this database's idle session, as a server restart would.
  ASSERT_OK_AND_ASSIGN(auto admin, Database::Open(reflector::testing::RequireServiceVariable(
                                       "REFLECTOR_TEST_DATABASE_URL", "PostgreSQL 15")));
  ASSERT_EQ(Sessions(*admin, fresh->application_name(), /*terminate=*/true), 1);
  for (int i = 0; i < 100 && Sessions(*admin, fresh->application_name(), false) > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));

  // The session leaves pg_stat_activity a moment before its FATAL message and the end of the
  // stream reach the client.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_OK_AND_ASSIGN(Transcript again, transcripts.Get("t-1"));
  EXPECT_EQ(again.id, "t-1");
  EXPECT_EQ(Sessions(*admin, fresh->application_name(), false), 1) << "one new session";
}

// The URL with its host and port replaced by 127.0.0.1:port.
std::string ThroughPort(const std::string& url, int port) {
  const std::size_t at = url.find('@');
  const std::size_t slash = url.find('/', at);
  return url.substr(0, at + 1) + "127.0.0.1:" + std::to_string(port) + url.substr(slash);
}

TEST(PostgresConnectionTest, ACallWaitsForTheServerToComeBackUpToTheReconnectWait) {
  auto fresh = FreshDatabase::Create(Backend::kPostgres);
  ASSERT_NE(fresh, nullptr);
  const std::string server = fresh->url().substr(fresh->url().find('@') + 1);
  const std::string host = server.substr(0, server.find(':'));
  const int port = std::stoi(server.substr(server.find(':') + 1));
  reflector::testing::TcpProxy proxy(host, port, /*start_down=*/false);
  DatabaseOptions options = OnePooledSession();
  options.reconnect_wait_seconds = 1.0;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(ThroughPort(fresh->url(), proxy.port()), options));

  // Down for longer than the wait: the call fails, retryable, after waiting.
  proxy.SetDown(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the proxy resets the open connection
  const auto started = std::chrono::steady_clock::now();
  Status refused = db->WithSession("read", [](Session& session) -> Status {
    sql::Exec(session.sql(), "SELECT 1");
    return Ok();
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kUnavailable) << refused.error().Describe();
  EXPECT_TRUE(refused.error().retryable);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(800)) << "it waited";

  // Back within the wait: the call succeeds.
  std::thread back([&proxy] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    proxy.SetDown(false);
  });
  Status read = db->WithSession("read", [](Session& session) -> Status {
    sql::Exec(session.sql(), "SELECT 1");
    return Ok();
  });
  back.join();
  EXPECT_TRUE(read.ok()) << read.error().Describe();
  EXPECT_GT(proxy.refused(), 0U);
}

TEST(PostgresEventNotificationsTest, AListenerWhoseConnectionIsEndedReconnectsSaysSoAndHearsLaterEvents) {
  auto fresh = FreshDatabase::Create(Backend::kPostgres);
  ASSERT_NE(fresh, nullptr);
  ManualClock clock;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(fresh->url(), OnePooledSession()));
  ASSERT_OK(db->Migrate(clock));
  Transcript t;
  t.id = "t-" + fresh->application_name();  // the channel is shared by every database on the server
  ASSERT_OK(Transcripts(*db, clock).Create(t));
  std::mutex mutex;
  std::vector<std::int64_t> heard;  // seqs notified for t
  std::atomic<int> reconnects{0};
  ASSERT_OK_AND_ASSIGN(DatabaseTarget target, ParseDatabaseUrl(fresh->url()));
  EventNotificationListener listener(
      target.conninfo,
      [&](const EventNotification& notification) {
        std::lock_guard lock(mutex);
        if (notification.transcript_id == t.id) heard.push_back(notification.seq);
      },
      [&] { ++reconnects; });
  ASSERT_OK(listener.Start());
  auto heard_seq = [&](std::int64_t seq) {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(mutex);
        if (std::find(heard.begin(), heard.end(), seq) != heard.end()) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  TranscriptEvents events(*db, clock);
  ASSERT_OK_AND_ASSIGN(std::int64_t first, events.Append(t.id, "FINAL_TITLE", Json{{"title", "one"}}));
  ASSERT_TRUE(heard_seq(first));

  // The server ends the listener's session (and the pool's), as a restart or a network cut would.
  ASSERT_OK_AND_ASSIGN(auto admin, Database::Open(reflector::testing::RequireServiceVariable(
                                       "REFLECTOR_TEST_DATABASE_URL", "PostgreSQL 15")));
  EXPECT_GE(Sessions(*admin, fresh->application_name(), /*terminate=*/true), 1);
  for (int i = 0; i < 200 && reconnects.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(reconnects.load(), 1) << "the reconnect is reported, so that readers catch up";
  ASSERT_OK_AND_ASSIGN(std::int64_t second, events.Append(t.id, "FINAL_TITLE", Json{{"title", "two"}}));
  EXPECT_TRUE(heard_seq(second)) << "listening again after the reconnect";
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
