#pragma once
// Prometheus metrics: counters, gauges and histograms grouped in families with label names, and
// the text exposition format (version 0.0.4) that `GET /metrics` serves.
//
//   Registry registry;
//   CounterFamily& requests = registry.AddCounter("reflector_http_requests_total",
//                                                 "HTTP requests by route and code", {"route", "code"});
//   requests.With({"/v1/transcripts", "200"}).Increment();
//   std::string body = registry.Render();  // served with kContentType
//
// Threads: every method here is thread-safe. With() looks the labelled metric up under the
// family's mutex; Increment, Set and Observe on the metric it returns are lock-free atomics, so a
// hot path may keep the reference. References stay valid as long as the Registry lives.
//
// Misuse is a programmer error and throws std::invalid_argument: an invalid metric or label
// name, a name registered twice, the wrong number of label values, a negative or NaN counter
// increment, histogram bounds that are not finite and strictly increasing.

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace reflector::metrics {

// The Content-Type of what Registry::Render returns.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Only goes up. Starts at 0.
class Counter {
 public:
  // `amount` must be >= 0 (not NaN).
  void Increment(double amount = 1.0);
  [[nodiscard]] double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Goes up and down. Starts at 0.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Increment(double amount = 1.0) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void Decrement(double amount = 1.0) { value_.fetch_sub(amount, std::memory_order_relaxed); }
  [[nodiscard]] double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Counts observations into buckets by upper bound (value <= bound); the last bucket is +Inf.
class Histogram {
 public:
  // `bounds` (finite, strictly increasing, without +Inf) must outlive the histogram; its family
  // owns them.
  explicit Histogram(std::span<const double> bounds);

  void Observe(double value);

  struct Counts {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0.0;
    std::uint64_t count = 0;
  };
  // A consistent view for rendering: count is the +Inf bucket's cumulative count.
  [[nodiscard]] Counts Read() const;

 private:
  std::span<const double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0.0};
};

enum class MetricType { kCounter, kGauge, kHistogram };

// What every family has: a name, a help text, a type and its label names.
class FamilyBase {
 public:
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] MetricType type() const { return type_; }
  [[nodiscard]] const std::vector<std::string>& label_names() const { return label_names_; }

  // Appends the family's `# HELP`, `# TYPE` and sample lines (children ordered by label values).
  virtual void Render(std::string& out) const = 0;

 protected:
  FamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> label_names);
  void RenderHeader(std::string& out) const;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
};

// The metrics of one name, one per combination of label values (given in the order of the
// family's label names). A family without labels has exactly one metric, With({}), created with
// the family so that it is rendered (as 0) before it is first touched.
template <typename Metric>
class Family final : public FamilyBase {
 public:
  // Creates the metric for `label_values` on first use (0).
  Metric& With(std::initializer_list<std::string_view> label_values);
  Metric& With(std::span<const std::string> label_values);

  void Render(std::string& out) const override;

 private:
  friend class Registry;
  Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
         std::vector<double> bounds);
  Metric& Find(std::vector<std::string> key);

  std::vector<double> bounds_;  // histograms only
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

// Owns families; renders them all, ordered by name.
class Registry {
 public:
  CounterFamily& AddCounter(std::string name, std::string help, std::vector<std::string> label_names = {});
  GaugeFamily& AddGauge(std::string name, std::string help, std::vector<std::string> label_names = {});
  // `bucket_bounds`: upper bounds, finite and strictly increasing; +Inf is always added (a
  // trailing +Inf given here is dropped). Label names may not include "le".
  HistogramFamily& AddHistogram(std::string name, std::string help, std::vector<std::string> label_names,
                                std::vector<double> bucket_bounds);

  // The text exposition format 0.0.4: for each family `# HELP` and `# TYPE` once, then its
  // samples. Every line ends with '\n'.
  [[nodiscard]] std::string Render() const;

 private:
  template <typename Metric>
  Family<Metric>& Add(std::string name, std::string help, MetricType type,
                      std::vector<std::string> label_names, std::vector<double> bounds);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<FamilyBase>> families_;  // by name
};

// How a sample value or a bucket bound is written: shortest round-trip form without locale
// ("1", "0.25", "1e+06"), "+Inf", "-Inf", "NaN". Exposed for tests and the server's tests.
std::string FormatValue(double value);

}  // namespace reflector::metrics
