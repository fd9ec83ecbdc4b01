#include "storage/object_store.hpp"

#include <cctype>

namespace reflector::storage {
namespace {

// Keys are quoted in messages with control characters escaped, so a NUL cannot hide the rest.
std::string Quote(std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    } else {
      out.push_back(ch);
    }
  }
  return out + "'";
}

}  // namespace

Status ValidateKey(std::string_view key) {
  auto invalid = [&](std::string_view why) {
    return Error::InvalidInput("invalid object key " + Quote(key) + ": " + std::string(why));
  };
  if (key.empty()) return invalid("empty");
  if (key.size() > 1024) return invalid("longer than 1024 bytes");
  if (key.find('\0') != std::string_view::npos) return invalid("contains a NUL byte");
  if (key.front() == '/') return invalid("starts with '/'");
  if (key.back() == '/') return invalid("ends with '/'");
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view segment = key.substr(start, end - start);
    if (segment.empty()) return invalid("contains '//'");
    if (segment == "." || segment == "..")
      return invalid("contains a '" + std::string(segment) + "' segment");
    start = end + 1;
  }
  return Ok();
}

Status ValidateBucket(std::string_view bucket) {
  auto invalid = [&](std::string_view why) {
    return Error::InvalidInput("invalid bucket name " + Quote(bucket) + ": " + std::string(why));
  };
  if (bucket.empty()) return invalid("empty");
  if (bucket.size() > 255) return invalid("longer than 255 characters");
  if (bucket == "." || bucket == "..") return invalid("not a name");
  for (char ch : bucket) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) == 0 && c != '.' && c != '-' && c != '_') {
      return invalid("only letters, digits, '.', '-' and '_' are allowed");
    }
  }
  return Ok();
}

}  // namespace reflector::storage
