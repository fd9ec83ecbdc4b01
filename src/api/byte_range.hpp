#pragma once
// The HTTP Range header of the audio download (RFC 9110 §14.1.2, one range of bytes): what part
// of a body of known size to send. Pure, thread-safe.

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/result.hpp"

namespace reflector::api {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

// "bytes=a-b", "bytes=a-", "bytes=-n" against a body of `size` bytes. nullopt: no usable single
// range (another unit, several ranges, syntax not understood: serve everything); an
// InvalidInput error: unsatisfiable (416). A returned range has first <= last < size.
Result<std::optional<ByteRange>> ParseByteRange(std::string_view header, std::uint64_t size);

}  // namespace reflector::api
