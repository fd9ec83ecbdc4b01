#include "api/byte_range.hpp"

#include <algorithm>
#include <cstdint>

namespace reflector::api {
namespace {

// A non-empty run of decimal digits that fits in 64 bits.
bool ParseDecimal(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || out > (UINT64_MAX - 9) / 10) return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

}  // namespace

Result<std::optional<ByteRange>> ParseByteRange(std::string_view header, std::uint64_t size) {
  if (header.substr(0, 6) != "bytes=" || header.find(',') != std::string_view::npos)
    return std::optional<ByteRange>();
  std::string_view spec = header.substr(6);
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::optional<ByteRange>();
  std::uint64_t a = 0, b = 0;
  const bool has_a = ParseDecimal(spec.substr(0, dash), a);
  const bool has_b = ParseDecimal(spec.substr(dash + 1), b);
  if (!has_a && !has_b) return std::optional<ByteRange>();
  ByteRange range;
  if (!has_a) {  // the last b bytes
    if (b == 0 || size == 0) return Error::InvalidInput("unsatisfiable range");
    range.first = b >= size ? 0 : size - b;
    range.last = size - 1;
  } else {
    if (a >= size || (has_b && b < a)) return Error::InvalidInput("unsatisfiable range");
    range.first = a;
    range.last = has_b ? std::min(b, size - 1) : size - 1;
  }
  return std::optional<ByteRange>(range);
}

}  // namespace reflector::api
