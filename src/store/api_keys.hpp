#pragma once
// API keys of the HTTP API's users. Only a keyed hash of each key is stored (see
// auth/api_keys.hpp for how it is made); the plaintext is shown once, when the key is created,
// and never reaches the database.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace reflector::store {

struct ApiKey {
  std::string id;
  std::string user_id;
  std::optional<std::string> name;  // what the user called it
  std::string key_hash;             // lower-case hex HMAC-SHA256 of the key; unique
  double created_at = 0;            // Unix seconds
};

class ApiKeys {
 public:
  ApiKeys(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Inserts with created_at = now and returns the stored row. An empty id, user id or hash is
  // kInvalidInput; an id or hash already stored is kConflict.
  Result<ApiKey> Create(ApiKey key);
  // The key with this hash, or nullopt. Error messages leave the hash out.
  Result<std::optional<ApiKey>> FindByHash(std::string_view key_hash);
  // The user's keys, oldest first.
  Result<std::vector<ApiKey>> ListForUser(std::string_view user_id);
  // Deletes the key if it belongs to `user_id`; kNotFound when there is no such key of that
  // user (another user's key is not found either).
  Status Delete(std::string_view id, std::string_view user_id);

 private:
  Executor executor_;
  const Clock& clock_;
};

}  // namespace reflector::store
