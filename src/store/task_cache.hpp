#pragma once
// Result cache for expensive calls (transcription, LLM), keyed by a hash of everything that
// determines the result, so a retry or a re-run never pays twice.

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace reflector::store {

struct CacheEntry {
  std::string key;   // e.g. a hex SHA-256
  std::string kind;  // "transcription", "llm", ...
  Json value;
  double created_at = 0;  // Unix seconds of the last Put
};

class TaskCache {
 public:
  TaskCache(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // The entry, or nothing when the key is absent.
  Result<std::optional<CacheEntry>> Get(std::string_view key);
  // Inserts or replaces (kind, value, created_at = now) in one statement.
  Status Put(std::string_view key, std::string_view kind, const Json& value);

 private:
  Executor executor_;
  const Clock& clock_;
};

}  // namespace reflector::store
