#pragma once
// Identifiers. Production code takes an IdGenerator so tests can make ids predictable.

#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

namespace reflector {

// Formats 16 random bytes as a version-4 UUID ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx").
std::string FormatUuid4(std::uint64_t high, std::uint64_t low);

bool IsUuid(std::string_view text);

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // A new uuid4 string. Thread-safe.
  virtual std::string NewId() = 0;
};

// Random uuid4 from a per-instance generator seeded by std::random_device.
class RandomIdGenerator final : public IdGenerator {
 public:
  RandomIdGenerator();
  explicit RandomIdGenerator(std::uint64_t seed);
  std::string NewId() override;

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

// Convenience for code that has no generator at hand (process-wide RandomIdGenerator).
std::string NewUuid4();

}  // namespace reflector
