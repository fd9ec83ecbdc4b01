#include "core/ids.hpp"

#include <cctype>
#include <cstdio>

namespace reflector {

std::string FormatUuid4(std::uint64_t high, std::uint64_t low) {
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // variant 10
  char buffer[37];
  std::snprintf(buffer, sizeof buffer, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xFFFF), static_cast<unsigned>(high & 0xFFFF),
                static_cast<unsigned>(low >> 48), static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return buffer;
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

RandomIdGenerator::RandomIdGenerator() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(), device(), device()};
  engine_.seed(seed);
}

RandomIdGenerator::RandomIdGenerator(std::uint64_t seed) : engine_(seed) {}

std::string RandomIdGenerator::NewId() {
  std::lock_guard lock(mutex_);
  std::uint64_t high = engine_();
  std::uint64_t low = engine_();
  return FormatUuid4(high, low);
}

std::string NewUuid4() {
  static RandomIdGenerator generator;
  return generator.NewId();
}

}  // namespace reflector
