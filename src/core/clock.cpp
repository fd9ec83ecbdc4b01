#include "core/clock.hpp"

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

std::string FormatIso8601(WallTime time) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  long fraction = static_cast<long>(micros % 1000000);
  if (fraction < 0) {
    fraction += 1000000;
    seconds -= 1;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
  return buffer;
}

std::int64_t UnixSeconds(WallTime time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace reflector
