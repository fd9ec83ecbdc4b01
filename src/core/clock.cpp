#include "core/clock.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace reflector {

bool SystemClock::SleepFor(std::chrono::milliseconds duration, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  return !wake.wait_for(lock, stop, duration, [] { return false; }) && !stop.stop_requested();
}

ManualClock::ManualClock(WallTime start) : wall_(start), steady_(SteadyTime{} + std::chrono::hours(1)) {}

WallTime ManualClock::Now() const {
  std::lock_guard lock(mutex_);
  return wall_;
}

SteadyTime ManualClock::Monotonic() const {
  std::lock_guard lock(mutex_);
  return steady_;
}

bool ManualClock::SleepFor(std::chrono::milliseconds duration, std::stop_token stop) {
  if (stop.stop_requested()) return false;
  std::lock_guard lock(mutex_);
  wall_ += duration;
  steady_ += duration;
  slept_ += duration;
  return true;
}

void ManualClock::Advance(std::chrono::milliseconds duration) {
  std::lock_guard lock(mutex_);
  wall_ += duration;
  steady_ += duration;
}

std::chrono::milliseconds ManualClock::TotalSlept() const {
  std::lock_guard lock(mutex_);
  return slept_;
}

std::string FormatIso8601(WallTime time, IsoFraction fraction, IsoZone zone) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  long micro_part = static_cast<long>(micros % 1000000);
  if (micro_part < 0) {
    micro_part += 1000000;
    seconds -= 1;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  int length = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", utc.tm_year + 1900,
                             utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  std::string text(buffer, static_cast<std::size_t>(length));
  if (fraction == IsoFraction::kAlways || micro_part != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06ld", micro_part);
    text += buffer;
  }
  text += zone == IsoZone::kZ ? "Z" : "+00:00";
  return text;
}

std::int64_t UnixSeconds(WallTime time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

WallTime FromUnixSeconds(double seconds) {
  const std::chrono::microseconds micros(std::llround(seconds * 1e6));
  return WallTime(std::chrono::duration_cast<WallTime::duration>(micros));
}

}  // namespace reflector
