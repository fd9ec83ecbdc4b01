#include "core/clock.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace reflector {
namespace {

using std::chrono::milliseconds;

TEST(ClockTest, Iso8601WithMicroseconds) {
  WallTime time = WallTime{} + std::chrono::seconds(1773325801) + std::chrono::microseconds(250318);
  EXPECT_EQ(FormatIso8601(time), "2026-03-12T14:30:01.250318Z");
  EXPECT_EQ(UnixSeconds(time), 1773325801);
  EXPECT_EQ(FormatIso8601(WallTime{} + std::chrono::seconds(1773325801)), "2026-03-12T14:30:01.000000Z");
}

// The forms Reflector's Python code writes: Pydantic's "Z" and isoformat()'s "+00:00", both
// without a fraction for a whole second.
TEST(ClockTest, Iso8601PythonForms) {
  WallTime whole = WallTime{} + std::chrono::seconds(1773325691);
  WallTime fractional = whole + std::chrono::microseconds(902113);
  EXPECT_EQ(FormatIso8601(whole, IsoFraction::kWhenNotZero), "2026-03-12T14:28:11Z");
  EXPECT_EQ(FormatIso8601(fractional, IsoFraction::kWhenNotZero), "2026-03-12T14:28:11.902113Z");
  EXPECT_EQ(FormatIso8601(whole, IsoFraction::kWhenNotZero, IsoZone::kOffset), "2026-03-12T14:28:11+00:00");
  EXPECT_EQ(FormatIso8601(fractional, IsoFraction::kWhenNotZero, IsoZone::kOffset),
            "2026-03-12T14:28:11.902113+00:00");
  EXPECT_EQ(FormatIso8601(WallTime{} - std::chrono::microseconds(1)), "1969-12-31T23:59:59.999999Z");
}

TEST(ClockTest, FromUnixSecondsRoundsToMicroseconds) {
  EXPECT_EQ(FromUnixSeconds(1773325691.902113),
            WallTime{} + std::chrono::seconds(1773325691) + std::chrono::microseconds(902113));
  EXPECT_EQ(FromUnixSeconds(1.0000004), WallTime{} + std::chrono::seconds(1));
  EXPECT_EQ(FromUnixSeconds(1.0000006), WallTime{} + std::chrono::microseconds(1000001));
  EXPECT_EQ(FormatIso8601(FromUnixSeconds(1773325691.0), IsoFraction::kWhenNotZero), "2026-03-12T14:28:11Z");
}

TEST(ClockTest, ManualClockSleepAdvancesTime) {
  ManualClock clock;
  WallTime before = clock.Now();
  SteadyTime steady_before = clock.Monotonic();
  EXPECT_TRUE(clock.SleepFor(milliseconds(1500), {}));
  EXPECT_EQ(clock.Now() - before, milliseconds(1500));
  EXPECT_EQ(clock.Monotonic() - steady_before, milliseconds(1500));
  clock.Advance(milliseconds(500));
  EXPECT_EQ(clock.Now() - before, milliseconds(2000));
  EXPECT_EQ(clock.TotalSlept(), milliseconds(1500));
}

TEST(ClockTest, ManualClockSleepHonoursStop) {
  ManualClock clock;
  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(clock.SleepFor(milliseconds(10), stop.get_token()));
  EXPECT_EQ(clock.TotalSlept(), milliseconds(0));
}

TEST(ClockTest, SystemClockSleepWakesOnStop) {
  SystemClock clock;
  std::stop_source stop;
  std::thread stopper([&] { stop.request_stop(); });
  // A stop request ends a one-hour wait; the test would hang (and time out) otherwise.
  EXPECT_FALSE(clock.SleepFor(std::chrono::hours(1), stop.get_token()));
  stopper.join();
  EXPECT_TRUE(clock.SleepFor(milliseconds(1), {}));
}

}  // namespace
}  // namespace reflector
