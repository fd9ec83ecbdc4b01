#include "store/database_url.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "net/url.hpp"

namespace reflector::store {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";

Result<std::string> DecodePart(std::string_view text, std::string_view what) {
  auto decoded = net::UriDecode(text);
  if (!decoded) return Error::InvalidInput("database URL: bad percent-encoding in the " + std::string(what));
  return decoded;
}

// libpq conninfo value: single-quoted, with ' and \ escaped by a backslash.
std::string ConninfoValue(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

bool IsConninfoKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

using ConninfoParams = std::vector<std::pair<std::string, std::string>>;

// Adds the query's "key=value&..." pairs, decoded, in order.
Status AddQueryParams(std::string_view query, ConninfoParams& params) {
  while (!query.empty()) {
    std::string_view item = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), item.size() + 1));
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Error::InvalidInput("database URL: query parameter '" + std::string(item) + "' has no value");
    }
    REFLECTOR_ASSIGN_OR_RETURN(std::string key, DecodePart(item.substr(0, eq), "query parameter name"));
    REFLECTOR_ASSIGN_OR_RETURN(std::string value, DecodePart(item.substr(eq + 1), "query parameter"));
    if (!IsConninfoKey(key))
      return Error::InvalidInput("database URL: bad query parameter name '" + key + "'");
    params.emplace_back(std::move(key), std::move(value));
  }
  return Ok();
}

Result<DatabaseTarget> ParsePostgresUrl(std::string_view url) {
  auto parts = net::SplitUrl(url);
  if (!parts) return Error::InvalidInput("database URL: " + parts.error().message);
  if (parts->fragment) return Error::InvalidInput("database URL: '#' must be percent-encoded (%23)");

  ConninfoParams params;
  REFLECTOR_ASSIGN_OR_RETURN(std::string host, DecodePart(parts->host, "host"));
  if (!host.empty()) params.emplace_back("host", std::move(host));
  if (!parts->port.empty()) params.emplace_back("port", parts->port);
  REFLECTOR_ASSIGN_OR_RETURN(std::string user, DecodePart(parts->user.value_or(""), "user name"));
  if (!user.empty()) params.emplace_back("user", std::move(user));
  if (parts->password) {
    REFLECTOR_ASSIGN_OR_RETURN(std::string password, DecodePart(*parts->password, "password"));
    params.emplace_back("password", std::move(password));
  }
  const std::string_view path = parts->path;
  REFLECTOR_ASSIGN_OR_RETURN(std::string dbname,
                             DecodePart(path.substr(path.empty() ? 0 : 1), "database name"));
  if (!dbname.empty()) params.emplace_back("dbname", std::move(dbname));
  REFLECTOR_TRY(AddQueryParams(parts->query.value_or(""), params));

  DatabaseTarget target;
  target.dialect = Dialect::kPostgres;
  for (const auto& [key, value] : params) {
    if (!target.conninfo.empty()) target.conninfo.push_back(' ');
    target.conninfo += key + "=" + ConninfoValue(value);
  }
  target.redacted_url = net::RedactedUrl(*parts);
  return target;
}

}  // namespace

std::string_view ToString(Dialect dialect) {
  return dialect == Dialect::kSqlite ? "sqlite" : "postgresql";
}

Result<DatabaseTarget> ParseDatabaseUrl(std::string_view url) {
  if (url.starts_with(kSqliteScheme)) {
    DatabaseTarget target;
    target.dialect = Dialect::kSqlite;
    target.sqlite_path = std::string(url.substr(kSqliteScheme.size()));
    target.redacted_url = std::string(url);
    if (target.sqlite_path.empty()) {
      return Error::InvalidInput("database URL '" + std::string(url) + "' names no SQLite file");
    }
    if (target.sqlite_path.find('"') != std::string::npos) {
      return Error::InvalidInput("database URL '" + std::string(url) + "': the SQLite path contains '\"'");
    }
    return target;
  }
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (url.starts_with(scheme)) return ParsePostgresUrl(url);
  }
  const std::size_t end = url.find("://");
  const std::string got =
      end == std::string_view::npos ? "no scheme" : "'" + std::string(url.substr(0, end)) + "://'";
  return Error::InvalidInput("database URL must start with sqlite://, postgresql:// or postgres:// (got " +
                             got + ")");
}

std::string RedactedDatabaseUrl(std::string_view url) {
  auto target = ParseDatabaseUrl(url);
  return target ? target->redacted_url : "<invalid: " + target.error().message + ">";
}

}  // namespace reflector::store
