// api::ParseByteRange (see fuzz_inputs.hpp).

#include <cstdint>

#include "api/byte_range.hpp"
#include "fuzz_inputs.hpp"
#include "split.hpp"

namespace reflector::fuzz {
namespace {

std::uint64_t SizeOf(std::string_view line) {
  std::uint64_t size = 0;
  for (char c : line) {
    if (c < '0' || c > '9') break;
    size = size * 10 + static_cast<std::uint64_t>(c - '0');  // wraps: any 64-bit size is fine
  }
  return size;
}

}  // namespace

void ByteRangeInput(std::string_view data) {
  auto [size_line, header] = SplitFirstLine(data);
  for (std::uint64_t size : {SizeOf(size_line), std::uint64_t{0}, std::uint64_t{1}, UINT64_MAX}) {
    auto range = api::ParseByteRange(header, size);
    if (!range || !*range) continue;
    FuzzRequire((*range)->first <= (*range)->last, "a range's first byte is not after its last");
    FuzzRequire((*range)->last < size, "a range ends inside the body");
  }
}

}  // namespace reflector::fuzz
