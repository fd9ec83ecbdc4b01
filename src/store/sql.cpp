#include "store/sql.hpp"

#include <utility>
#include <variant>

namespace reflector::store::sql {

// ---------------------------------------------------------------------------------------------
// Params

Params& Params::Text(std::string value) {
  Value& v = values_.emplace_back();
  v.kind = Value::Kind::kText;
  v.text = std::move(value);
  return *this;
}

Params& Params::OptionalText(std::optional<std::string> value) {
  Value& v = values_.emplace_back();
  v.kind = Value::Kind::kText;
  if (value) {
    v.text = std::move(*value);
  } else {
    v.indicator = soci::i_null;
  }
  return *this;
}

Params& Params::Real(double value) {
  Value& v = values_.emplace_back();
  v.kind = Value::Kind::kReal;
  v.real = value;
  return *this;
}

Params& Params::OptionalReal(std::optional<double> value) {
  Value& v = values_.emplace_back();
  v.kind = Value::Kind::kReal;
  if (value) {
    v.real = *value;
  } else {
    v.indicator = soci::i_null;
  }
  return *this;
}

Params& Params::Integer(std::int64_t value) {
  Value& v = values_.emplace_back();
  v.kind = Value::Kind::kInteger;
  v.integer = value;
  return *this;
}

Params& Params::Bool(bool value) {
  return Integer(value ? 1 : 0);
}

Params& Params::OptionalBool(std::optional<bool> value) {
  Value& v = values_.emplace_back();
  v.kind = Value::Kind::kInteger;
  if (value) {
    v.integer = *value ? 1 : 0;
  } else {
    v.indicator = soci::i_null;
  }
  return *this;
}

Params& Params::JsonText(const Json& value) {
  return Text(DumpCompact(value));
}

void Params::BindTo(soci::statement& statement) {
  for (Value& v : values_) {
    switch (v.kind) {
      case Value::Kind::kText:
        statement.exchange(soci::use(v.text, v.indicator));
        break;
      case Value::Kind::kReal:
        statement.exchange(soci::use(v.real, v.indicator));
        break;
      case Value::Kind::kInteger:
        statement.exchange(soci::use(v.integer, v.indicator));
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Row

Row& Row::Add(Column::Kind kind, Target target, std::string name) {
  Column& column = columns_.emplace_back();
  column.kind = kind;
  column.target = std::move(target);
  column.name = std::move(name);
  return *this;
}

Row& Row::Text(std::string* out) {
  return Add(Column::Kind::kText, out);
}
Row& Row::OptionalText(std::optional<std::string>* out) {
  return Add(Column::Kind::kText, out);
}
Row& Row::Real(double* out) {
  return Add(Column::Kind::kReal, out);
}
Row& Row::OptionalReal(std::optional<double>* out) {
  return Add(Column::Kind::kReal, out);
}
Row& Row::Integer(std::int64_t* out) {
  return Add(Column::Kind::kInteger, out);
}
Row& Row::Bool(bool* out) {
  return Add(Column::Kind::kInteger, out);
}
Row& Row::OptionalBool(std::optional<bool>* out) {
  return Add(Column::Kind::kInteger, out);
}
Row& Row::JsonText(Json* out, std::string column, Json null_value) {
  return Add(Column::Kind::kText, JsonTarget{out, std::move(null_value)}, std::move(column));
}
Row& Row::OptionalJsonText(std::optional<Json>* out, std::string column) {
  return Add(Column::Kind::kText, OptionalJsonTarget{out}, std::move(column));
}

void Row::BindTo(soci::statement& statement) {
  for (Column& c : columns_) {
    switch (c.kind) {
      case Column::Kind::kText:
        statement.exchange(soci::into(c.text, c.indicator));
        break;
      case Column::Kind::kReal:
        statement.exchange(soci::into(c.real, c.indicator));
        break;
      case Column::Kind::kInteger:
        statement.exchange(soci::into(c.integer, c.indicator));
        break;
    }
  }
}

Status Row::Transfer() {
  std::string row_key;
  for (const Column& c : columns_) {
    if (c.kind == Column::Kind::kText && c.indicator == soci::i_ok) {
      row_key = c.text;
      break;
    }
  }
  for (Column& c : columns_) {
    const bool null = c.indicator == soci::i_null;
    Status status;
    std::visit(
        [&](auto&& target) {
          using T = std::decay_t<decltype(target)>;
          if constexpr (std::is_same_v<T, std::string*>) {
            *target = null ? std::string() : c.text;
          } else if constexpr (std::is_same_v<T, std::optional<std::string>*>) {
            *target = null ? std::nullopt : std::optional<std::string>(c.text);
          } else if constexpr (std::is_same_v<T, double*>) {
            *target = null ? 0.0 : c.real;
          } else if constexpr (std::is_same_v<T, std::optional<double>*>) {
            *target = null ? std::nullopt : std::optional<double>(c.real);
          } else if constexpr (std::is_same_v<T, std::int64_t*>) {
            *target = null ? 0 : static_cast<std::int64_t>(c.integer);
          } else if constexpr (std::is_same_v<T, bool*>) {
            *target = !null && c.integer != 0;
          } else if constexpr (std::is_same_v<T, std::optional<bool>*>) {
            *target = null ? std::nullopt : std::optional<bool>(c.integer != 0);
          } else {
            if (null) {
              if constexpr (std::is_same_v<T, JsonTarget>) {
                *target.out = target.null_value;
              } else {
                *target.out = std::nullopt;
              }
              return;
            }
            auto parsed = ParseJson(c.text, table_ + "." + c.name + " of row '" + row_key + "'");
            if (!parsed.ok()) {
              status = Error::Terminal(ErrorKind::kIo, parsed.error().message);
              return;
            }
            *target.out = std::move(parsed).value();
          }
        },
        c.target);
    REFLECTOR_TRY(status);
  }
  return Ok();
}

// ---------------------------------------------------------------------------------------------
// Statements

std::int64_t Exec(soci::session& sql, std::string_view statement, Params params) {
  soci::statement st(sql);
  params.BindTo(st);
  st.alloc();
  st.prepare(std::string(statement), soci::details::st_one_time_query);
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

Status Query(soci::session& sql, std::string_view statement, Params params, Row& row,
             const std::function<Status()>& on_row) {
  soci::statement st(sql);
  row.BindTo(st);
  params.BindTo(st);
  st.alloc();
  st.prepare(std::string(statement), soci::details::st_one_time_query);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    REFLECTOR_TRY(row.Transfer());
    REFLECTOR_TRY(on_row());
  }
  return Ok();
}

Result<bool> QueryOne(soci::session& sql, std::string_view statement, Params params, Row& row) {
  bool found = false;
  Status status = Query(sql, statement, std::move(params), row, [&]() -> Status {
    if (found) return Error::Internal("query returned more than one row: " + std::string(statement));
    found = true;
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return found;
}

Result<bool> Exists(Session& session, std::string_view table, std::string_view id) {
  std::int64_t count = 0;
  Row row{std::string(table)};
  row.Integer(&count);
  REFLECTOR_TRY(QueryOne(session, "SELECT COUNT(*) FROM " + std::string(table) + " WHERE id = :id",
                         Params().Text(std::string(id)), row));
  return count > 0;
}

std::string Quote(std::string_view text) {
  return "'" + std::string(text) + "'";
}

Status RequireOneOf(std::string_view value, std::span<const std::string_view> allowed,
                    std::string_view field) {
  std::string expected;
  for (std::string_view option : allowed) {
    if (option == value) return Ok();
    expected += (expected.empty() ? "" : ", ") + std::string(option);
  }
  return Error::InvalidInput("invalid " + std::string(field) + " " + Quote(value) + " (expected one of " +
                             expected + ")");
}

Status RequireRange(std::int64_t value, std::int64_t low, std::int64_t high, std::string_view field) {
  if (value < low || value > high) {
    return Error::InvalidInput(std::string(field) + " must be between " + std::to_string(low) + " and " +
                               std::to_string(high) + ", got " + std::to_string(value));
  }
  return Ok();
}

std::string LimitClause(std::size_t limit) {
  return limit == 0 ? std::string() : " LIMIT " + std::to_string(limit);
}

double ToSeconds(WallTime time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

}  // namespace reflector::store::sql
