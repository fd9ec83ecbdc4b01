#pragma once
// Time. Code that waits or stamps times takes a Clock, so tests can control it.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <string>

namespace reflector {

using WallTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime Now() const = 0;
  virtual SteadyTime Monotonic() const = 0;
  // Waits `duration` or until `stop` is requested. Returns false if it was stopped.
  virtual bool SleepFor(std::chrono::milliseconds duration, std::stop_token stop) = 0;
};

class SystemClock final : public Clock {
 public:
  WallTime Now() const override { return std::chrono::system_clock::now(); }
  SteadyTime Monotonic() const override { return std::chrono::steady_clock::now(); }
  bool SleepFor(std::chrono::milliseconds duration, std::stop_token stop) override;
};

// A clock that only moves when told to. SleepFor advances it at once (and records the wait),
// so code under test that backs off runs instantly and its delays can be asserted.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(WallTime start = WallTime{} + std::chrono::hours(24 * 365 * 56));
  WallTime Now() const override;
  SteadyTime Monotonic() const override;
  bool SleepFor(std::chrono::milliseconds duration, std::stop_token stop) override;
  void Advance(std::chrono::milliseconds duration);
  std::chrono::milliseconds TotalSlept() const;

 private:
  mutable std::mutex mutex_;
  WallTime wall_;
  SteadyTime steady_;
  std::chrono::milliseconds slept_{0};
};

// How FormatIso8601 writes the fraction of a second.
enum class IsoFraction {
  kAlways,       // ".250318", and ".000000" for a whole second
  kWhenNotZero,  // left out for a whole second, as Python's datetime.isoformat() does
};
// How FormatIso8601 writes the zone (always UTC).
enum class IsoZone {
  kZ,       // "...Z" (Pydantic's JSON)
  kOffset,  // "...+00:00" (Python's datetime.isoformat())
};

// ISO 8601 in UTC with microseconds: "2026-03-12T14:30:01.250318Z" by default;
// "2026-03-12T14:30:01+00:00" with kWhenNotZero and kOffset for a whole second.
std::string FormatIso8601(WallTime time, IsoFraction fraction = IsoFraction::kAlways,
                          IsoZone zone = IsoZone::kZ);
// Seconds since the Unix epoch.
std::int64_t UnixSeconds(WallTime time);
// The time `seconds` after the Unix epoch, rounded to the nearest microsecond (the unit of
// the database's REAL timestamps).
WallTime FromUnixSeconds(double seconds);

}  // namespace reflector
