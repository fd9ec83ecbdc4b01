#include "store/task_cache.hpp"

#include "store/sql.hpp"

namespace reflector::store {

Result<std::optional<CacheEntry>> TaskCache::Get(std::string_view key) {
  std::optional<CacheEntry> found;
  Status status = executor_.Run("get cache entry " + sql::Quote(key), [&](Session& session) -> Status {
    CacheEntry entry;
    sql::Row row("task_cache");
    row.Text(&entry.key).Text(&entry.kind).JsonText(&entry.value, "value").Real(&entry.created_at);
    REFLECTOR_ASSIGN_OR_RETURN(
        bool any,
        sql::QueryOne(session, "SELECT key, kind, value, created_at FROM task_cache WHERE key = :key",
                      sql::Params().Text(std::string(key)), row));
    if (any) found = std::move(entry);
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return found;
}

Status TaskCache::Put(std::string_view key, std::string_view kind, const Json& value) {
  if (key.empty()) return Error::InvalidInput("cache key is empty");
  return executor_.Run("put cache entry " + sql::Quote(key), [&](Session& session) -> Status {
    sql::Exec(
        session,
        "INSERT INTO task_cache (key, kind, value, created_at) VALUES (:key, :kind, :value, :created_at) "
        "ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, value = excluded.value, "
        "created_at = excluded.created_at",
        sql::Params()
            .Text(std::string(key))
            .Text(std::string(kind))
            .JsonText(value)
            .Real(sql::ToSeconds(clock_.Now())));
    return Ok();
  });
}

}  // namespace reflector::store
