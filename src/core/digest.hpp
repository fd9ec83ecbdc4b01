#pragma once
// Digests (OpenSSL) and their text forms: SHA-256 of bytes or of a file, HMAC-SHA256, lower-case
// hex, standard and URL-safe Base64, a constant-time comparison and random bytes from the
// operating system's CSPRNG. The one place for hashing: S3 signing, webhook signatures, cache keys,
// Basic auth and the API's tokens and keys all use these. All functions are thread-safe.

#include <cstddef>
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

// URL-safe Base64 without padding (RFC 4648 §5, alphabet "A-Za-z0-9-_"), as JWTs use:
// "\xfb\xff" -> "-_8".
std::string Base64UrlEncode(std::string_view bytes);

// Decodes URL-safe Base64. Padding is optional ('=' only at the end, to a multiple of 4); any
// other character, or a length no encoding produces, is kInvalidInput. The message never
// contains the input (it may be a credential).
Result<std::string> Base64UrlDecode(std::string_view text);

// Decodes standard Base64 (the alphabet of Base64Encode) with its '=' padding, as Python's
// base64.b64decode does: a length that is not a multiple of 4, a character outside the
// alphabet, or non-zero padding bits is kInvalidInput. The message never contains the input.
Result<std::string> Base64Decode(std::string_view text);
// Whether `a` and `b` are equal, in time that depends on their lengths only (CRYPTO_memcmp):
// for comparing signatures and hashes.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// `size` bytes from OpenSSL's CSPRNG (RAND_bytes). kInternal if it cannot produce them.
Result<std::string> RandomBytes(std::size_t size);

}  // namespace reflector
