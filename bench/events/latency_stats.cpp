#include "latency_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace reflector::bench {
namespace {

double Milliseconds(std::int64_t nanoseconds) {
  return static_cast<double>(nanoseconds) / 1e6;
}

// The smallest value with at least `fraction` of the samples at or below it.
std::int64_t Percentile(const std::vector<std::int64_t>& sorted, double fraction) {
  const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

LatencySummary Summarise(std::vector<std::int64_t> nanoseconds) {
  LatencySummary summary;
  if (nanoseconds.empty()) return summary;
  std::sort(nanoseconds.begin(), nanoseconds.end());
  summary.count = nanoseconds.size();
  summary.p50_ms = Milliseconds(Percentile(nanoseconds, 0.50));
  summary.p95_ms = Milliseconds(Percentile(nanoseconds, 0.95));
  summary.p99_ms = Milliseconds(Percentile(nanoseconds, 0.99));
  summary.max_ms = Milliseconds(nanoseconds.back());
  return summary;
}

std::string DescribeShort(const LatencySummary& summary) {
  char text[128];
  std::snprintf(text, sizeof text, "p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu samples)", summary.p50_ms,
                summary.p99_ms, summary.max_ms, summary.count);
  return text;
}

}  // namespace reflector::bench
