#pragma once
// What the events benchmark appends, and how a received message tells its latency: every event
// is a PIPELINE_PROGRESS whose data also carries `bench_phase`, `bench_n` (0, 1, 2... in append
// order) and `sent_ns`, the monotonic clock read just before the Append call. CLOCK_MONOTONIC is
// one clock for every process of a machine, so a client subtracts `sent_ns` from its own
// reading even when another process appended the event.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "events/events.hpp"

namespace reflector::bench {

inline constexpr const char* kPacedPhase = "paced";
inline constexpr const char* kBurstPhase = "burst";

struct AppendPlan {
  int paced_events = 300;                 // appended one every 1/events_per_second
  double events_per_second = 10;          // a few tasks each reporting progress a few times a second
  int burst_events = 200;                 // then appended back to back
  std::chrono::milliseconds pause{1000};  // between the phases, so they do not overlap

  [[nodiscard]] int total() const { return paced_events + burst_events; }
};

// Nanoseconds of std::chrono::steady_clock (CLOCK_MONOTONIC on Linux).
std::int64_t MonotonicNanoseconds();

// Appends the plan's events to `log` in order, paced then burst. Stops at the first error.
Status AppendEvents(events::EventLog& log, const std::string& transcript_id, const AppendPlan& plan);

// The stamp a received message carries; nullopt for any other message (DAG_STATUS...).
struct Stamp {
  std::string phase;
  int n = 0;
  std::int64_t sent_ns = 0;
};
std::optional<Stamp> ReadStamp(const Json& message);

// The reference, without sockets: `count` times Append then List(after the previous seq) on
// `log`, the nanoseconds each pair took.
Result<std::vector<std::int64_t>> TimeAppendAndRead(events::EventLog& log, const std::string& transcript_id,
                                                    int count);

}  // namespace reflector::bench
