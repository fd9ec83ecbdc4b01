#include "store/api_keys.hpp"

#include <functional>
#include <utility>

#include "store/sql.hpp"

namespace reflector::store {
namespace {

constexpr std::string_view kColumns = "id, user_id, name, key_hash, created_at";

// Binds the columns of kColumns to `out`.
void BindColumns(sql::Row& row, ApiKey& out) {
  row.Text(&out.id).Text(&out.user_id).OptionalText(&out.name).Text(&out.key_hash).Real(&out.created_at);
}

}  // namespace

Result<ApiKey> ApiKeys::Create(ApiKey key) {
  if (key.id.empty()) return Error::InvalidInput("api key id is empty");
  if (key.user_id.empty()) return Error::InvalidInput("api key " + sql::Quote(key.id) + " has no user");
  if (key.key_hash.empty()) return Error::InvalidInput("api key " + sql::Quote(key.id) + " has no hash");
  key.created_at = sql::ToSeconds(clock_.Now());
  const ApiKey& k = key;
  REFLECTOR_TRY(executor_.Run(
      "create api key " + sql::Quote(k.id) + " of user " + sql::Quote(k.user_id),
      [&](Session& session) -> Status {
        sql::Exec(
            session,
            "INSERT INTO api_keys (id, user_id, name, key_hash, created_at) VALUES (:id, :user_id, :name, "
            ":key_hash, :created_at)",
            sql::Params()
                .Text(k.id)
                .Text(k.user_id)
                .OptionalText(k.name)
                .Text(k.key_hash)
                .Real(k.created_at));
        return Ok();
      }));
  return key;
}

Result<std::optional<ApiKey>> ApiKeys::FindByHash(std::string_view key_hash) {
  std::optional<ApiKey> found;
  REFLECTOR_TRY(executor_.Run("find api key by hash", [&](Session& session) -> Status {
    ApiKey value;
    sql::Row row("api_keys");
    BindColumns(row, value);
    REFLECTOR_ASSIGN_OR_RETURN(
        bool any,
        sql::QueryOne(session, "SELECT " + std::string(kColumns) + " FROM api_keys WHERE key_hash = :hash",
                      sql::Params().Text(std::string(key_hash)), row));
    if (any) found = std::move(value);
    return Ok();
  }));
  return found;
}

Result<std::vector<ApiKey>> ApiKeys::ListForUser(std::string_view user_id) {
  std::vector<ApiKey> keys;
  REFLECTOR_TRY(
      executor_.Run("list api keys of user " + sql::Quote(user_id), [&](Session& session) -> Status {
        ApiKey value;
        sql::Row row("api_keys");
        BindColumns(row, value);
        return sql::Query(session,
                          "SELECT " + std::string(kColumns) +
                              " FROM api_keys WHERE user_id = :user_id ORDER BY created_at, id",
                          sql::Params().Text(std::string(user_id)), row, [&]() -> Status {
                            keys.push_back(value);
                            return Ok();
                          });
      }));
  return keys;
}

Status ApiKeys::Delete(std::string_view id, std::string_view user_id) {
  const std::string what = "api key " + sql::Quote(id) + " of user " + sql::Quote(user_id);
  return executor_.Run("delete " + what, [&](Session& session) -> Status {
    std::int64_t deleted = sql::Exec(session, "DELETE FROM api_keys WHERE id = :id AND user_id = :user_id",
                                     sql::Params().Text(std::string(id)).Text(std::string(user_id)));
    if (deleted == 0) return Error::NotFound(what + " not found");
    return Ok();
  });
}

}  // namespace reflector::store
