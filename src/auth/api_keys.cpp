#include "auth/api_keys.hpp"

#include <utility>

#include "core/digest.hpp"

namespace reflector::auth {

std::string FormatApiKey(std::string_view random_bytes) {
  return std::string(kApiKeyPrefix) + Base64UrlEncode(random_bytes);
}

Result<std::string> GenerateApiKey() {
  REFLECTOR_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(kApiKeyRandomBytes));
  return FormatApiKey(bytes);
}

std::string HashApiKey(std::string_view secret_key, std::string_view key) {
  return HexEncode(HmacSha256(secret_key, key));
}

Result<NewApiKey> CreateApiKey(store::ApiKeys& keys, IdGenerator& ids, std::string_view secret_key,
                               std::string user_id, std::optional<std::string> name) {
  if (secret_key.empty()) {
    return Error::InvalidInput(
        "SECRET_KEY is empty: API keys are stored as HMAC-SHA256(SECRET_KEY, key), so set SECRET_KEY to a "
        "long "
        "random string first");
  }
  if (user_id.empty()) return Error::InvalidInput("an API key needs a user id");
  NewApiKey created;
  REFLECTOR_ASSIGN_OR_RETURN(created.key, GenerateApiKey());
  store::ApiKey record;
  record.id = ids.NewId();
  record.user_id = std::move(user_id);
  record.name = std::move(name);
  record.key_hash = HashApiKey(secret_key, created.key);
  REFLECTOR_ASSIGN_OR_RETURN(created.record, keys.Create(std::move(record)));
  return created;
}

}  // namespace reflector::auth
