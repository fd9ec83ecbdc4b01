// The engine-mode metrics, rendered and compared exactly.

#include "metrics/mode_metrics.hpp"

#include <gtest/gtest.h>

namespace reflector::metrics {
namespace {

TEST(ModeMetricsTest, FallbacksShadowRunsAndComparisonsAreCounted) {
  Registry registry;
  ModeMetrics metrics(registry, "conductor");
  metrics.CountFallback("unreachable");
  metrics.CountFallback("unreachable");
  metrics.CountFallback("refused");
  metrics.CountShadowStart(true);
  metrics.CountShadowStart(false);
  metrics.CountComparison(true, 0.0);
  metrics.CountComparison(false, 0.2);
  EXPECT_EQ(
      registry.Render(),
      "# HELP reflector_engine_fallbacks_total Workflow starts meant for Conductor that ran on the "
      "in-process engine, by reason\n"
      "# TYPE reflector_engine_fallbacks_total counter\n"
      "reflector_engine_fallbacks_total{reason=\"refused\"} 1\n"
      "reflector_engine_fallbacks_total{reason=\"unhealthy\"} 0\n"
      "reflector_engine_fallbacks_total{reason=\"unreachable\"} 2\n"
      "# HELP reflector_engine_mode The mode new workflows start in (1)\n"
      "# TYPE reflector_engine_mode gauge\n"
      "reflector_engine_mode{mode=\"conductor\"} 1\n"
      "reflector_engine_mode{mode=\"in_process\"} 0\n"
      "reflector_engine_mode{mode=\"shadow\"} 0\n"
      "# HELP reflector_shadow_comparisons_total Shadow comparisons stored, by whether the runs agreed\n"
      "# TYPE reflector_shadow_comparisons_total counter\n"
      "reflector_shadow_comparisons_total{result=\"agreed\"} 1\n"
      "reflector_shadow_comparisons_total{result=\"differed\"} 1\n"
      "# HELP reflector_shadow_runs_total Shadow runs started or refused\n"
      "# TYPE reflector_shadow_runs_total counter\n"
      "reflector_shadow_runs_total{result=\"start_failed\"} 1\n"
      "reflector_shadow_runs_total{result=\"started\"} 1\n"
      "# HELP reflector_shadow_word_error_rate Word error rate between the primary and the shadow run\n"
      "# TYPE reflector_shadow_word_error_rate histogram\n"
      "reflector_shadow_word_error_rate_bucket{le=\"0\"} 1\n"
      "reflector_shadow_word_error_rate_bucket{le=\"0.01\"} 1\n"
      "reflector_shadow_word_error_rate_bucket{le=\"0.05\"} 1\n"
      "reflector_shadow_word_error_rate_bucket{le=\"0.1\"} 1\n"
      "reflector_shadow_word_error_rate_bucket{le=\"0.25\"} 2\n"
      "reflector_shadow_word_error_rate_bucket{le=\"0.5\"} 2\n"
      "reflector_shadow_word_error_rate_bucket{le=\"1\"} 2\n"
      "reflector_shadow_word_error_rate_bucket{le=\"+Inf\"} 2\n"
      "reflector_shadow_word_error_rate_sum 0.2\n"
      "reflector_shadow_word_error_rate_count 2\n");
}

}  // namespace
}  // namespace reflector::metrics
