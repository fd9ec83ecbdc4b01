#pragma once
// Percentiles of a set of latencies, for the events benchmark's report.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace reflector::bench {

struct LatencySummary {
  std::size_t count = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Nearest-rank percentiles of `nanoseconds` (all zero when it is empty).
LatencySummary Summarise(std::vector<std::int64_t> nanoseconds);

// "p50 0.41 ms, p99 1.20 ms (200 samples)".
std::string DescribeShort(const LatencySummary& summary);

}  // namespace reflector::bench
