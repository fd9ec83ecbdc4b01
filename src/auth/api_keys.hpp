#pragma once
// API keys: "rfk_" + 43 base64url characters (32 bytes from OpenSSL's CSPRNG). The database
// keeps only HMAC-SHA256(SECRET_KEY, key) in hex, so a copy of the database opens nothing, and
// the plaintext is shown once, when the key is created. Nothing here logs a key. Thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "store/api_keys.hpp"

namespace reflector::auth {

inline constexpr std::string_view kApiKeyPrefix = "rfk_";
inline constexpr std::size_t kApiKeyRandomBytes = 32;

// The key text for `random_bytes`: kApiKeyPrefix + base64url (no padding).
std::string FormatApiKey(std::string_view random_bytes);

// A new key from kApiKeyRandomBytes CSPRNG bytes. kInternal if the generator fails.
Result<std::string> GenerateApiKey();

// What the database stores for `key`: lower-case hex HMAC-SHA256 under `secret_key`.
std::string HashApiKey(std::string_view secret_key, std::string_view key);

struct NewApiKey {
  store::ApiKey record;  // as stored (hash, never the key)
  std::string key;       // the plaintext: show it once, never store or log it
};

// Generates a key for `user_id` and stores its hash. An empty secret key (the message names
// SECRET_KEY) or user id is kInvalidInput; store errors keep their kind.
Result<NewApiKey> CreateApiKey(store::ApiKeys& keys, IdGenerator& ids, std::string_view secret_key,
                               std::string user_id, std::optional<std::string> name);

}  // namespace reflector::auth
