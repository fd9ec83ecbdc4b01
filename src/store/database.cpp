#include "store/database.hpp"

#include <poll.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "store/sql.hpp"

namespace reflector::store {
namespace {

// SQLite primary result codes (sqlite3.h) that matter for classification.
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteFull = 13;
constexpr int kSqliteConstraint = 19;

std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Error translation

namespace {

struct Classified {
  Error error;
  bool broken = false;  // the connection cannot be used again
};

// The error text without SOCI's context, which repeats the statement and the bound values
// (these may hold secrets such as a webhook secret, or megabytes of JSON), and without
// PostgreSQL's DETAIL line, which quotes them too ("Key (key_hash)=(...) already exists",
// "Failing row contains (...)").
std::string ErrorText(const std::exception& e) {
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&e)) {
    std::string text = soci_error->get_error_message();
    if (dynamic_cast<const soci::postgresql_soci_error*>(&e) != nullptr) {
      const std::size_t detail = text.find("DETAIL:");
      if (detail != std::string::npos) text.erase(detail);
    }
    return OneLine(text);
  }
  return OneLine(e.what());
}

Classified Classify(std::string_view operation, const std::exception& e, soci::session& sql) {
  std::string message = std::string(operation) + ": " + ErrorText(e);
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    const std::string state = pg->sqlstate();
    if (state.starts_with("23")) return {Error::Terminal(ErrorKind::kConflict, message), false};
    if (state == "40001" || state == "40P01" || state.starts_with("53") || state == "55P03") {
      return {Error::Transient(ErrorKind::kUnavailable, message), false};
    }
    if (state.starts_with("08") || state.starts_with("57P") ||
        pg->get_error_category() == soci::soci_error::connection_error || !sql.is_connected()) {
      return {Error::Transient(ErrorKind::kUnavailable, message), true};
    }
    return {Error::Terminal(ErrorKind::kIo, message), false};
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    const int code = lite->result() & 0xff;
    if (code == kSqliteConstraint) return {Error::Terminal(ErrorKind::kConflict, message), false};
    if (code == kSqliteBusy || code == kSqliteLocked) {
      return {Error::Transient(ErrorKind::kUnavailable, message), false};
    }
    // "database or disk is full": the statement was rolled back; it may succeed once space is freed.
    if (code == kSqliteFull) return {Error::Transient(ErrorKind::kNoSpace, message), false};
    return {Error::Terminal(ErrorKind::kIo, message), false};
  }
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&e)) {
    if (soci_error->get_error_category() == soci::soci_error::connection_error || !sql.is_connected()) {
      return {Error::Transient(ErrorKind::kUnavailable, message), true};
    }
    return {Error::Terminal(ErrorKind::kIo, message), false};
  }
  return {Error::Internal(message), false};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Session

Error Session::Fail(std::string_view operation, const std::exception& e) {
  Classified classified = Classify(operation, e, sql_);
  if (classified.broken) broken_ = true;
  if (in_transaction_) failed_ = true;
  return std::move(classified.error);
}

Status Session::Run(std::string_view operation, const std::function<Status(Session&)>& fn) {
  Status status;
  try {
    status = fn(*this);
  } catch (const std::exception& e) {
    return Fail(operation, e);
  } catch (...) {
    broken_ = true;
    if (in_transaction_) failed_ = true;
    return Error::Internal(std::string(operation) + ": unknown exception");
  }
  // An error value (NotFound, InvalidInput...) leaves the transaction usable: the caller decides.
  return status;
}

Status Session::Transaction(std::string_view operation, const std::function<Status(Session&)>& fn) {
  if (in_transaction_) return Run(operation, fn);
  try {
    sql::Exec(sql_, dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  } catch (const std::exception& e) {
    return Fail(std::string(operation) + " (begin transaction)", e);
  }
  in_transaction_ = true;
  failed_ = false;
  Status status = Run(operation, fn);
  const bool commit = status.ok() && !failed_;
  in_transaction_ = false;
  failed_ = false;
  if (commit) {
    try {
      sql::Exec(sql_, "COMMIT");
      return Ok();
    } catch (const std::exception& e) {
      status = Fail(std::string(operation) + " (commit)", e);
    }
  }
  try {
    sql::Exec(sql_, "ROLLBACK");
  } catch (const std::exception&) {
    broken_ = true;  // the state of the connection is unknown: do not reuse it
  }
  if (status.ok()) {
    return Error::Internal(std::string(operation) + ": a statement failed inside the transaction");
  }
  return status;
}

// ---------------------------------------------------------------------------------------------
// Database

namespace {
// The pools whose sessions the current thread holds (innermost last).
thread_local std::vector<const void*> held_pools;
}  // namespace

struct Database::Pool {
  std::mutex mutex;
  std::condition_variable released;
  std::vector<std::unique_ptr<soci::session>> idle;
  std::size_t open = 0;  // sessions that exist, idle or leased
  std::size_t capacity = 1;
};

Database::Database(DatabaseTarget target, DatabaseOptions options)
    : target_(std::move(target)), options_(options), pool_(std::make_unique<Pool>()) {
  pool_->capacity = std::max<std::size_t>(1, options_.pool_size);
  if (target_.dialect == Dialect::kSqlite && target_.sqlite_path == ":memory:") pool_->capacity = 1;
}

Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::Open(std::string_view url, DatabaseOptions options) {
  REFLECTOR_ASSIGN_OR_RETURN(DatabaseTarget target, ParseDatabaseUrl(url));
  if (target.dialect == Dialect::kSqlite && target.sqlite_path != ":memory:") {
    std::filesystem::path parent = std::filesystem::path(target.sqlite_path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Error::Terminal(ErrorKind::kIo, "cannot create the directory '" + parent.string() +
                                                 "' of the SQLite database: " + ec.message());
    }
  }
  if (target.dialect == Dialect::kPostgres && target.conninfo.find("connect_timeout=") == std::string::npos) {
    const long seconds = std::max(1L, std::lround(options.connect_timeout_seconds));
    target.conninfo +=
        std::string(target.conninfo.empty() ? "" : " ") + "connect_timeout='" + std::to_string(seconds) + "'";
  }
  std::unique_ptr<Database> database(new Database(std::move(target), options));
  REFLECTOR_ASSIGN_OR_RETURN(std::unique_ptr<soci::session> first, database->Connect());
  database->pool_->idle.push_back(std::move(first));
  database->pool_->open = 1;
  log::Debug("database opened", {{"url", database->redacted_url()},
                                 {"dialect", std::string(ToString(database->dialect()))},
                                 {"pool_size", static_cast<std::int64_t>(database->pool_->capacity)}});
  return database;
}

Result<std::unique_ptr<soci::session>> Database::Connect() {
  auto session = std::make_unique<soci::session>();
  if (target_.dialect == Dialect::kPostgres) {
    try {
      session->open(*soci::factory_postgresql(), target_.conninfo);
    } catch (const std::exception& e) {
      return Error::Transient(ErrorKind::kUnavailable,
                              "connect to " + target_.redacted_url + ": " + ErrorText(e));
    }
    // Keep "relation already exists, skipping" and similar notices out of stderr.
    try {
      sql::Exec(*session, "SET client_min_messages TO WARNING");
    } catch (const std::exception& e) {
      Classified classified = Classify("connect to " + target_.redacted_url, e, *session);
      return std::move(classified.error);
    }
    return session;
  }
  const std::string where = "open SQLite database '" + target_.sqlite_path + "'";
  try {
    session->open(*soci::factory_sqlite3(), "db=\"" + target_.sqlite_path + "\"");
  } catch (const std::exception& e) {
    return Error::Terminal(ErrorKind::kIo, where + ": " + ErrorText(e));
  }
  try {
    const long long busy_ms = std::llround(std::max(0.0, options_.busy_timeout_seconds) * 1000.0);
    sql::Exec(*session, "PRAGMA busy_timeout = " + std::to_string(busy_ms));
    sql::Exec(*session, "PRAGMA foreign_keys = ON");
    if (target_.sqlite_path != ":memory:") {
      std::string mode;
      sql::Row row("pragma");
      row.Text(&mode);
      REFLECTOR_TRY(sql::QueryOne(*session, "PRAGMA journal_mode = WAL", {}, row));
      sql::Exec(*session, "PRAGMA synchronous = NORMAL");
    }
  } catch (const std::exception& e) {
    Classified classified = Classify(where, e, *session);
    return std::move(classified.error);
  }
  return session;
}

namespace {

// Whether a pooled PostgreSQL connection (only: the backend is known, not checked) is still usable: reads
// whatever the server sent while it was idle (without blocking: libpq's sockets are non-blocking), which is
// how a connection the server terminated (a restart, an administrator) turns CONNECTION_BAD.
bool StillConnected(soci::session& sql) {
  // The library exports no type information for its backends, so no dynamic_cast.
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  if (backend == nullptr || backend->conn_ == nullptr) return true;
  PGconn* connection = backend->conn_;
  // An idle connection has nothing to read unless the server said something (a notice, or a
  // FATAL message followed by the end of the stream): read until nothing is left.
  for (int reads = 0; reads < 8 && PQstatus(connection) == CONNECTION_OK; ++reads) {
    pollfd readable{PQsocket(connection), POLLIN, 0};
    if (poll(&readable, 1, 0) <= 0) break;
    if (PQconsumeInput(connection) == 0) break;
  }
  return PQstatus(connection) == CONNECTION_OK;
}

}  // namespace

std::unique_ptr<soci::session> Database::LeaseIdle(std::string_view operation, Status& refused) {
  std::unique_lock lock(pool_->mutex);
  const bool available = !pool_->idle.empty() || pool_->open < pool_->capacity;
  if (!available && std::count(held_pools.begin(), held_pools.end(), pool_.get()) > 0) {
    // This thread already holds a session of this pool (a callback called back into the
    // Database); waiting could last forever.
    refused =
        Error::Internal(std::string(operation) +
                        ": every database session is in use and this thread holds one of them; inside a "
                        "callback use repositories built over the Session");
    return nullptr;
  }
  pool_->released.wait(lock, [&] { return !pool_->idle.empty() || pool_->open < pool_->capacity; });
  while (!pool_->idle.empty()) {
    std::unique_ptr<soci::session> idle = std::move(pool_->idle.back());
    pool_->idle.pop_back();
    if (target_.dialect != Dialect::kPostgres || StillConnected(*idle)) return idle;
    log::Info("database connection closed by the server; opening a new one", {{"url", target_.redacted_url}});
    --pool_->open;
  }
  ++pool_->open;  // reserve the slot, connect outside the lock
  return nullptr;
}

Result<std::unique_ptr<soci::session>> Database::Reconnect(std::string_view operation) {
  const auto give_up =
      std::chrono::steady_clock::now() +
      std::chrono::milliseconds(std::llround(std::max(0.0, options_.reconnect_wait_seconds) * 1000));
  auto pause = std::chrono::milliseconds(200);
  bool warned = false;
  while (true) {
    auto connected = Connect();
    const auto now = std::chrono::steady_clock::now();
    if (connected.ok() || target_.dialect != Dialect::kPostgres ||
        connected.error().kind != ErrorKind::kUnavailable || now >= give_up)
      return connected;
    if (!warned) {
      log::Warn("database unreachable; waiting for it",
                {{"operation", std::string(operation)}, {"error", connected.error().message}});
      warned = true;
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(pause, give_up - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
}

Status Database::WithSession(std::string_view operation, const std::function<Status(Session&)>& fn) {
  Status refused;
  std::unique_ptr<soci::session> leased = LeaseIdle(operation, refused);
  if (!refused.ok()) return refused;
  if (!leased) {
    auto connected = Reconnect(operation);
    if (!connected.ok()) {
      {
        std::lock_guard lock(pool_->mutex);
        --pool_->open;
      }
      pool_->released.notify_one();
      return std::move(connected).error().WithContext(operation);
    }
    leased = std::move(connected).value();
  }

  Session session(*leased, target_.dialect);
  held_pools.push_back(pool_.get());
  Status status = session.Run(operation, fn);
  held_pools.pop_back();
  if (session.in_transaction_) session.broken_ = true;  // fn leaked an open transaction
  {
    std::lock_guard lock(pool_->mutex);
    if (session.broken_) {
      --pool_->open;
      leased.reset();
    } else {
      pool_->idle.push_back(std::move(leased));
    }
  }
  pool_->released.notify_one();
  return status;
}

Status Database::WithTransaction(std::string_view operation, const std::function<Status(Session&)>& fn) {
  return WithSession(operation, [&](Session& session) { return session.Transaction(operation, fn); });
}

// ---------------------------------------------------------------------------------------------
// Executor

Status Executor::Run(std::string_view operation, const std::function<Status(Session&)>& fn) const {
  if (session_ != nullptr) return session_->Run(operation, fn);
  return database_->WithSession(operation, fn);
}

Status Executor::Transaction(std::string_view operation, const std::function<Status(Session&)>& fn) const {
  if (session_ != nullptr) return session_->Transaction(operation, fn);
  return database_->WithTransaction(operation, fn);
}

}  // namespace reflector::store
