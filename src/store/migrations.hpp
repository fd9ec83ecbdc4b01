#pragma once
// The schema, as an ordered list of migrations. Database::Migrate applies the ones a database
// lacks. Rules: never edit a migration that has shipped; add a new one with the next version.
//
// SQL must run unchanged on SQLite and PostgreSQL, one statement per string: TEXT ids and JSON,
// BIGINT counters, DOUBLE PRECISION seconds (Unix time for *_at columns), INTEGER 0/1 booleans.

#include <cstdint>
#include <string_view>
#include <vector>

namespace reflector::store {

struct Migration {
  std::int64_t version;
  std::string_view name;
  std::vector<std::string_view> statements;
};

// Ascending versions, starting at 1, without gaps.
const std::vector<Migration>& Migrations();

}  // namespace reflector::store
