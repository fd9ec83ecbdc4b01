#pragma once
// Internal to src/notify/: times as Reflector's Python code writes them.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace reflector::notify {

enum class IsoZone {
  kZ,       // "…Z" (Pydantic's JSON)
  kOffset,  // "…+00:00" (datetime.isoformat())
};

// "2026-03-12T14:28:11.902113Z" from Unix seconds (UTC); the fraction is left out when it is
// zero, as Python does.
inline std::string IsoTime(double unix_seconds, IsoZone zone) {
  auto micros_total = static_cast<std::int64_t>(std::llround(unix_seconds * 1e6));
  std::int64_t seconds = micros_total / 1000000;
  std::int64_t micros = micros_total % 1000000;
  if (micros < 0) {
    micros += 1000000;
    seconds -= 1;
  }
  auto time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char buffer[64];
  int n = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", utc.tm_year + 1900,
                        utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  std::string text(buffer, static_cast<std::size_t>(n));
  if (micros != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06lld", static_cast<long long>(micros));
    text += buffer;
  }
  text += zone == IsoZone::kZ ? "Z" : "+00:00";
  return text;
}

}  // namespace reflector::notify
