#pragma once

// What a database URL means, without connecting: the store's own parsing (no database library
// needed, so that settings checks and their fuzz target can use it).

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace reflector::store {

enum class Dialect { kSqlite, kPostgres };

std::string_view ToString(Dialect dialect);

// What a database URL means. Accepted forms:
//   sqlite:///abs/path/file.sqlite3   (everything after "sqlite://" is the path)
//   sqlite://relative/path.sqlite3
//   sqlite://:memory:                 (a private in-memory database; the pool holds one session)
//   postgresql://user:password@host:port/dbname?param=value&...   (also postgres://)
// PostgreSQL user, password and database name are percent-decoded; query parameters are passed
// to libpq as they are (for example sslmode, connect_timeout, options).
struct DatabaseTarget {
  Dialect dialect = Dialect::kSqlite;
  std::string sqlite_path;   // SQLite only: the file path or ":memory:"
  std::string conninfo;      // PostgreSQL only: libpq "key='value' ..." string
  std::string redacted_url;  // the URL with the password replaced by "***", for messages
};

// Parses a URL without connecting. Errors are InvalidInput and never contain the password.
Result<DatabaseTarget> ParseDatabaseUrl(std::string_view url);

// What messages may show of a database URL: its redacted_url, or "<invalid: ...>" with
// ParseDatabaseUrl's error.
std::string RedactedDatabaseUrl(std::string_view url);

}  // namespace reflector::store
