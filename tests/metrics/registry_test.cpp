// The registry and its text exposition format, compared line by line with what Prometheus
// expects.

#include "metrics/registry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace reflector::metrics {
namespace {

TEST(RegistryTest, CounterFamilyWithLabelsRendersHelpTypeAndSortedSamples) {
  Registry registry;
  CounterFamily& requests = registry.AddCounter("reflector_http_requests_total",
                                                "HTTP requests by route and code", {"route", "code"});
  requests.With({"/v1/transcripts", "200"}).Increment();
  requests.With({"/v1/transcripts", "200"}).Increment(2);
  requests.With({"/health", "200"}).Increment();
  requests.With({"/v1/transcripts", "404"});

  EXPECT_EQ(registry.Render(),
            "# HELP reflector_http_requests_total HTTP requests by route and code\n"
            "# TYPE reflector_http_requests_total counter\n"
            "reflector_http_requests_total{route=\"/health\",code=\"200\"} 1\n"
            "reflector_http_requests_total{route=\"/v1/transcripts\",code=\"200\"} 3\n"
            "reflector_http_requests_total{route=\"/v1/transcripts\",code=\"404\"} 0\n");
  EXPECT_DOUBLE_EQ(requests.With({"/v1/transcripts", "200"}).Value(), 3.0);
}

TEST(RegistryTest, FamiliesAreRenderedByNameAndUnlabelledOnesStartAtZero) {
  Registry registry;
  GaugeFamily& clients = registry.AddGauge("reflector_websocket_clients", "Connected WebSocket clients");
  registry.AddCounter("reflector_a_total", "Comes first");
  clients.With({}).Increment(3);
  clients.With({}).Decrement();

  EXPECT_EQ(registry.Render(),
            "# HELP reflector_a_total Comes first\n"
            "# TYPE reflector_a_total counter\n"
            "reflector_a_total 0\n"
            "# HELP reflector_websocket_clients Connected WebSocket clients\n"
            "# TYPE reflector_websocket_clients gauge\n"
            "reflector_websocket_clients 2\n");
}

TEST(RegistryTest, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  CounterFamily& family =
      registry.AddCounter("reflector_escape_total", "Back\\slash and\nnewline \"kept\"", {"v"});
  family.With({"a\\b \"quoted\"\nnext"}).Increment();

  EXPECT_EQ(registry.Render(),
            "# HELP reflector_escape_total Back\\\\slash and\\nnewline \"kept\"\n"
            "# TYPE reflector_escape_total counter\n"
            "reflector_escape_total{v=\"a\\\\b \\\"quoted\\\"\\nnext\"} 1\n");
}

TEST(RegistryTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry registry;
  HistogramFamily& family =
      registry.AddHistogram("reflector_step_seconds", "Step durations", {"step"}, {0.5, 1, 2.5});
  Histogram& pad = family.With({"pad_track"});
  for (double value : {0.5, 0.75, 2.0, 9.0, 0.125})
    pad.Observe(value);
  family.With({"finalize"});

  EXPECT_EQ(registry.Render(),
            "# HELP reflector_step_seconds Step durations\n"
            "# TYPE reflector_step_seconds histogram\n"
            "reflector_step_seconds_bucket{step=\"finalize\",le=\"0.5\"} 0\n"
            "reflector_step_seconds_bucket{step=\"finalize\",le=\"1\"} 0\n"
            "reflector_step_seconds_bucket{step=\"finalize\",le=\"2.5\"} 0\n"
            "reflector_step_seconds_bucket{step=\"finalize\",le=\"+Inf\"} 0\n"
            "reflector_step_seconds_sum{step=\"finalize\"} 0\n"
            "reflector_step_seconds_count{step=\"finalize\"} 0\n"
            "reflector_step_seconds_bucket{step=\"pad_track\",le=\"0.5\"} 2\n"
            "reflector_step_seconds_bucket{step=\"pad_track\",le=\"1\"} 3\n"
            "reflector_step_seconds_bucket{step=\"pad_track\",le=\"2.5\"} 4\n"
            "reflector_step_seconds_bucket{step=\"pad_track\",le=\"+Inf\"} 5\n"
            "reflector_step_seconds_sum{step=\"pad_track\"} 12.375\n"
            "reflector_step_seconds_count{step=\"pad_track\"} 5\n");
}

TEST(RegistryTest, HistogramWithoutLabelsAndATrailingInfBound) {
  Registry registry;
  HistogramFamily& family =
      registry.AddHistogram("reflector_h", "H", {}, {1, std::numeric_limits<double>::infinity()});
  family.With({}).Observe(4);

  EXPECT_EQ(registry.Render(),
            "# HELP reflector_h H\n"
            "# TYPE reflector_h histogram\n"
            "reflector_h_bucket{le=\"1\"} 0\n"
            "reflector_h_bucket{le=\"+Inf\"} 1\n"
            "reflector_h_sum 4\n"
            "reflector_h_count 1\n");
}

TEST(RegistryTest, ValuesAreFormattedAsPrometheusParsesThem) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(-1.5), "-1.5");
  EXPECT_EQ(FormatValue(1e6), "1e+06");
  EXPECT_EQ(FormatValue(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");

  Registry registry;
  registry.AddGauge("reflector_g", "G").With({}).Set(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(registry.Render(), "# HELP reflector_g G\n# TYPE reflector_g gauge\nreflector_g -Inf\n");
}

TEST(RegistryTest, MisuseIsRefused) {
  Registry registry;
  CounterFamily& family = registry.AddCounter("reflector_x_total", "X", {"a"});
  EXPECT_THROW(registry.AddGauge("reflector_x_total", "again"), std::invalid_argument);
  EXPECT_THROW(registry.AddCounter("2bad", "name"), std::invalid_argument);
  EXPECT_THROW(registry.AddCounter("reflector-dash", "name"), std::invalid_argument);
  EXPECT_THROW(registry.AddCounter("reflector_y", "label", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(registry.AddCounter("reflector_y", "label", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(registry.AddHistogram("reflector_y", "le", {"le"}, {1}), std::invalid_argument);
  EXPECT_THROW(registry.AddHistogram("reflector_y", "order", {}, {2, 1}), std::invalid_argument);
  EXPECT_THROW(registry.AddHistogram("reflector_y", "nan", {}, {std::nan("")}), std::invalid_argument);
  EXPECT_THROW(family.With({}), std::invalid_argument);
  EXPECT_THROW(family.With({"1", "2"}), std::invalid_argument);
  EXPECT_THROW(family.With({"1"}).Increment(-1), std::invalid_argument);
  EXPECT_NO_THROW(registry.AddCounter("reflector_y", "label", {"a"}));
}

TEST(RegistryTest, ConcurrentIncrementsAreAllCounted) {
  Registry registry;
  CounterFamily& family = registry.AddCounter("reflector_c_total", "C", {"thread"});
  HistogramFamily& histogram = registry.AddHistogram("reflector_d", "D", {}, {1});
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        family.With({t % 2 == 0 ? "even" : "odd"}).Increment();
        histogram.With({}).Observe(0.5);
        if (i % 1000 == 0) (void)registry.Render();
      }
    });
  }
  threads.clear();
  EXPECT_DOUBLE_EQ(family.With({"even"}).Value(), 20000);
  EXPECT_DOUBLE_EQ(family.With({"odd"}).Value(), 20000);
  Histogram::Counts counts = histogram.With({}).Read();
  EXPECT_EQ(counts.count, 40000U);
  EXPECT_EQ(counts.cumulative.front(), 40000U);
  EXPECT_DOUBLE_EQ(counts.sum, 20000);
}

}  // namespace
}  // namespace reflector::metrics
