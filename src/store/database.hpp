#pragma once
// The database: a small pool of SOCI sessions over SQLite or PostgreSQL, opened from a URL.
//
// Every SOCI exception is caught here and turned into an Error whose message names the
// operation: a lost or refused connection, a PostgreSQL serialization failure or deadlock and a
// busy SQLite file are retryable kUnavailable; a full SQLite database (its disk full) is a
// retryable kNoSpace; a constraint violation (duplicate key, foreign key) is a terminal
// kConflict; anything else is a terminal kIo.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/database_url.hpp"

namespace soci {
class session;
}

namespace reflector::store {

struct DatabaseOptions {
  // Sessions kept open at most. SQLite ":memory:" always uses 1.
  std::size_t pool_size = 4;
  // SQLite: how long a writer waits for another writer (busy_timeout), in seconds.
  double busy_timeout_seconds = 10.0;
  // PostgreSQL: connect_timeout passed to libpq unless the URL sets one, in seconds.
  double connect_timeout_seconds = 10.0;
  // PostgreSQL: how long a call waits for the server to accept connections again (a restart)
  // before it fails with a retryable kUnavailable, in seconds. Open() never waits.
  double reconnect_wait_seconds = 20.0;
};

class Database;

// One connection leased from the pool for the duration of a callback. Not thread-safe; never
// keep a reference after the callback returns.
class Session {
 public:
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The SOCI session, for code in src/store/ (and tests) that writes SQL; prefer the helpers of
  // store/sql.hpp over `sql() << "..."` (see there why).
  soci::session& sql() { return sql_; }
  [[nodiscard]] Dialect dialect() const { return dialect_; }
  [[nodiscard]] bool in_transaction() const { return in_transaction_; }

  // Runs fn inside a transaction on this session: commits when fn returns Ok, rolls back when
  // it returns an error or any statement inside failed. If a transaction is already open, fn
  // simply runs inside it. SQLite transactions take the write lock at once (BEGIN IMMEDIATE), so
  // read-then-write sequences in several processes do not deadlock.
  Status Transaction(std::string_view operation, const std::function<Status(Session&)>& fn);

  // Runs fn, turning any exception into an Error named after `operation`. A failed statement
  // (an exception) marks the session so that an enclosing transaction rolls back even if the
  // caller ignores the error; an error value returned by fn does not.
  Status Run(std::string_view operation, const std::function<Status(Session&)>& fn);

 private:
  friend class Database;
  Session(soci::session& sql, Dialect dialect) : sql_(sql), dialect_(dialect) {}
  Error Fail(std::string_view operation, const std::exception& error);

  soci::session& sql_;
  Dialect dialect_;
  bool in_transaction_ = false;
  bool failed_ = false;  // a statement failed inside the current transaction
  bool broken_ = false;  // the connection is unusable; the pool drops it
};

// PostgreSQL connections the server closed (a restart) are noticed when they are taken from the
// pool, without a round trip, and replaced; while the server is down, calls wait for it up to
// reconnect_wait_seconds.
//
// Thread-safe: any number of threads may call any method at the same time; each call leases its
// own session (waiting while all `pool_size` sessions are in use). Inside a WithSession /
// WithTransaction callback, work through the given Session (repositories built over it): a call
// back into the Database needs a second session, and when none is free it fails with kInternal
// instead of waiting for itself.
class Database {
 public:
  // Connects one session at once (so a wrong URL or an unreachable server is reported here) and
  // the others on demand. SQLite files get WAL mode, busy_timeout and foreign keys, and the
  // file's parent directory is created. Connection failures: PostgreSQL → retryable
  // kUnavailable, SQLite → kIo.
  static Result<std::unique_ptr<Database>> Open(std::string_view url, DatabaseOptions options = {});

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] Dialect dialect() const { return target_.dialect; }
  [[nodiscard]] const std::string& redacted_url() const { return target_.redacted_url; }

  // Applies every migration newer than the stored schema version, each in its own transaction,
  // recording it in schema_migrations(version, applied_at). Idempotent, and safe when several
  // processes start at once. A database newer than this program is a kConflict error.
  Status Migrate(const Clock& clock);
  // The highest applied migration (0 for an empty database).
  Result<std::int64_t> SchemaVersion();

  // Runs fn on one leased session in autocommit mode.
  Status WithSession(std::string_view operation, const std::function<Status(Session&)>& fn);
  // Runs fn inside a transaction (see Session::Transaction) on one leased session.
  Status WithTransaction(std::string_view operation, const std::function<Status(Session&)>& fn);

 private:
  struct Pool;
  Database(DatabaseTarget target, DatabaseOptions options);
  Result<std::unique_ptr<soci::session>> Connect();
  // Connect(), tried again while PostgreSQL refuses connections, up to reconnect_wait_seconds.
  Result<std::unique_ptr<soci::session>> Reconnect(std::string_view operation);
  // Takes an idle session that is still connected (closing those the server has closed), or
  // reserves a slot for a new one (nullptr).
  std::unique_ptr<soci::session> LeaseIdle(std::string_view operation, Status& refused);

  DatabaseTarget target_;
  DatabaseOptions options_;
  std::unique_ptr<Pool> pool_;
};

// What repositories run their statements on: either the whole Database (each call leases a
// session, so the repository is thread-safe) or one Session (calls join its transaction, so
// several repositories can change data atomically inside Database::WithTransaction).
class Executor {
 public:
  Executor(Database& database) : database_(&database) {}  // NOLINT: implicit on purpose
  Executor(Session& session) : session_(&session) {}      // NOLINT: implicit on purpose

  Status Run(std::string_view operation, const std::function<Status(Session&)>& fn) const;
  Status Transaction(std::string_view operation, const std::function<Status(Session&)>& fn) const;

 private:
  Database* database_ = nullptr;
  Session* session_ = nullptr;
};

}  // namespace reflector::store
