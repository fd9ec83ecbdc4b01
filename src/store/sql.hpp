#pragma once
// For code that writes SQL: the repositories of src/store/ and the in-process engine's
// DatabaseEngineStore, which keeps the engine's runs in its own model. Binding parameters and reading rows
// with SOCI without repeating the indicator bookkeeping. Statements use positional parameters (":name"
// placeholders are bound in the order they appear), so a value used twice is bound twice.
//
// The functions here let SOCI exceptions through; Session::Run / Executor::Run catch them.
//
// They use soci::statement directly instead of `session << "..."`: the latter goes through
// soci::details::ref_counted_statement, whose typeinfo libsoci does not export, so it fails to
// link under UBSan's vptr check (the ASan+UBSan build).

#include <soci/soci.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/json.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace reflector::store::sql {

// Values bound to a statement's placeholders, in order. Addresses stay valid while the object
// lives, so bind from a Params that outlives the statement.
class Params {
 public:
  Params& Text(std::string value);
  Params& OptionalText(std::optional<std::string> value);
  Params& Real(double value);
  Params& OptionalReal(std::optional<double> value);
  Params& Integer(std::int64_t value);
  Params& Bool(bool value);  // stored as INTEGER 0/1 on both backends
  Params& OptionalBool(std::optional<bool> value);
  Params& JsonText(const Json& value);  // compact JSON text

  void BindTo(soci::statement& statement);

 private:
  struct Value {
    enum class Kind { kText, kReal, kInteger } kind = Kind::kText;
    std::string text;
    double real = 0;
    long long integer = 0;
    soci::indicator indicator = soci::i_ok;
  };
  std::deque<Value> values_;
};

// Output columns of a SELECT, in order. After each fetched row, Transfer() copies the buffers
// into the destinations (NULL becomes "", 0, false, an empty optional or a JSON null).
class Row {
 public:
  // `table` names the rows in error messages.
  explicit Row(std::string table) : table_(std::move(table)) {}
  Row(const Row&) = delete;
  Row& operator=(const Row&) = delete;

  Row& Text(std::string* out);
  Row& OptionalText(std::optional<std::string>* out);
  Row& Real(double* out);
  Row& OptionalReal(std::optional<double>* out);
  Row& Integer(std::int64_t* out);
  Row& Bool(bool* out);
  Row& OptionalBool(std::optional<bool>* out);
  // JSON stored as text. `column` names the column in the error for invalid JSON; NULL gives
  // `null_value`.
  Row& JsonText(Json* out, std::string column, Json null_value = Json());
  Row& OptionalJsonText(std::optional<Json>* out, std::string column);

  void BindTo(soci::statement& statement);
  // Errors (kIo) name the table, the column and the row's first text column (its id).
  Status Transfer();

 private:
  struct JsonTarget {
    Json* out;
    Json null_value;
  };
  struct OptionalJsonTarget {
    std::optional<Json>* out;
  };
  using Target = std::variant<std::string*, std::optional<std::string>*, double*, std::optional<double>*,
                              std::int64_t*, bool*, std::optional<bool>*, JsonTarget, OptionalJsonTarget>;
  struct Column {
    enum class Kind { kText, kReal, kInteger } kind = Kind::kText;
    Target target;
    std::string name;  // for JSON error messages
    std::string text;
    double real = 0;
    long long integer = 0;
    soci::indicator indicator = soci::i_null;
  };
  Row& Add(Column::Kind kind, Target target, std::string name = {});

  std::string table_;
  std::deque<Column> columns_;
};

// Executes a statement that returns no rows; returns the number of affected rows.
std::int64_t Exec(soci::session& sql, std::string_view statement, Params params = {});
// Executes a SELECT and calls on_row after each row was transferred into `row`'s destinations.
// Stops at the first error from Transfer or on_row.
Status Query(soci::session& sql, std::string_view statement, Params params, Row& row,
             const std::function<Status()>& on_row);
// Like Query for at most one row: returns whether there was one.
Result<bool> QueryOne(soci::session& sql, std::string_view statement, Params params, Row& row);

inline std::int64_t Exec(Session& session, std::string_view statement, Params params = {}) {
  return Exec(session.sql(), statement, std::move(params));
}
inline Status Query(Session& session, std::string_view statement, Params params, Row& row,
                    const std::function<Status()>& on_row) {
  return Query(session.sql(), statement, std::move(params), row, on_row);
}
inline Result<bool> QueryOne(Session& session, std::string_view statement, Params params, Row& row) {
  return QueryOne(session.sql(), statement, std::move(params), row);
}

// Whether `table` has a row with this id. `table` must be a constant, never user input.
Result<bool> Exists(Session& session, std::string_view table, std::string_view id);

// 'text', for error messages.
std::string Quote(std::string_view text);

// Checks of caller input before it reaches SQL: InvalidInput naming `field` (and the allowed
// values or range) unless `value` is one of `allowed` / within [low, high].
Status RequireOneOf(std::string_view value, std::span<const std::string_view> allowed,
                    std::string_view field);
Status RequireRange(std::int64_t value, std::int64_t low, std::int64_t high, std::string_view field);

// "LIMIT n" clause, or nothing when limit is 0.
std::string LimitClause(std::size_t limit);

// Seconds since the Unix epoch, as stored in every *_at column.
double ToSeconds(WallTime time);

}  // namespace reflector::store::sql
