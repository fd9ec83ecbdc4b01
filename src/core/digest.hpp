#pragma once
// Digests (OpenSSL) and their text forms: SHA-256 of bytes or of a file, HMAC-SHA256, lower-case
// hex and standard Base64. The one place for hashing: S3 signing, webhook signatures, cache keys
// and Basic auth all use these. All functions are pure and thread-safe.

#include <filesystem>
#include <stop_token>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace reflector {

// Lower-case hex of the SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// Lower-case hex of the SHA-256 of a file's contents, read in 1 MiB chunks (`stop` is checked
// between chunks). A missing file is kInvalidInput naming it; read failures are kIo.
Result<std::string> Sha256HexOfFile(const std::filesystem::path& file, std::stop_token stop = {});

// Raw (binary, 32 bytes) HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);

// Lower-case hex of the bytes of `bytes`: "\x01\xab" -> "01ab".
std::string HexEncode(std::string_view bytes);

// Standard Base64 (RFC 4648 §4, alphabet "A-Za-z0-9+/", '=' padding): "Man" -> "TWFu".
std::string Base64Encode(std::string_view bytes);

}  // namespace reflector
