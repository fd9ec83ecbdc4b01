#include "metrics/registry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace reflector::metrics {
namespace {

bool IsMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

bool IsLabelName(std::string_view name) {
  return IsMetricName(name) && name.find(':') == std::string_view::npos && !name.starts_with("__");
}

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void AppendEscaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="x",b="y"}` (nothing without labels); `le`, when given, is added last.
void AppendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, const std::string* le = nullptr) {
  if (names.empty() && le == nullptr) return;
  out += '{';
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    AppendEscaped(out, values[i], true);
    out += '"';
  }
  if (le != nullptr) {
    if (!names.empty()) out += ',';
    out += "le=\"";
    out += *le;
    out += '"';
  }
  out += '}';
}

void AppendSample(std::string& out, std::string_view name, const std::vector<std::string>& label_names,
                  const std::vector<std::string>& values, double value, const std::string* le = nullptr) {
  out += name;
  AppendLabels(out, label_names, values, le);
  out += ' ';
  out += FormatValue(value);
  out += '\n';
}

void RenderMetric(std::string& out, const FamilyBase& family, const std::vector<std::string>& values,
                  const Counter& counter) {
  AppendSample(out, family.name(), family.label_names(), values, counter.Value());
}

void RenderMetric(std::string& out, const FamilyBase& family, const std::vector<std::string>& values,
                  const Gauge& gauge) {
  AppendSample(out, family.name(), family.label_names(), values, gauge.Value());
}

void RenderHistogram(std::string& out, const FamilyBase& family, std::span<const double> bounds,
                     const std::vector<std::string>& values, const Histogram& histogram) {
  Histogram::Counts counts = histogram.Read();
  const std::string bucket = family.name() + "_bucket";
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    std::string le = i < bounds.size() ? FormatValue(bounds[i]) : "+Inf";
    AppendSample(out, bucket, family.label_names(), values, static_cast<double>(counts.cumulative[i]), &le);
  }
  AppendSample(out, family.name() + "_sum", family.label_names(), values, counts.sum);
  AppendSample(out, family.name() + "_count", family.label_names(), values,
               static_cast<double>(counts.count));
}

void AtomicAdd(std::atomic<double>& target, double amount) {
  target.fetch_add(amount, std::memory_order_relaxed);
}

}  // namespace

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (error != std::errc()) return "NaN";  // cannot happen with 64 characters
  return std::string(buffer, end);
}

void Counter::Increment(double amount) {
  if (!(amount >= 0.0)) throw std::invalid_argument("a counter cannot go down (or by NaN)");
  AtomicAdd(value_, amount);
}

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds), buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::Observe(double value) {
  // First bound >= value; NaN and values above every bound land in +Inf.
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  if (std::isnan(value)) it = bounds_.end();
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
}

Histogram::Counts Histogram::Read() const {
  Counts counts;
  counts.cumulative.resize(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    counts.cumulative[i] = running;
  }
  counts.count = running;
  counts.sum = sum_.load(std::memory_order_relaxed);
  return counts;
}

FamilyBase::FamilyBase(std::string name, std::string help, MetricType type,
                       std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), type_(type), label_names_(std::move(label_names)) {}

void FamilyBase::RenderHeader(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  AppendEscaped(out, help_, false);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += TypeName(type_);
  out += '\n';
}

template <typename Metric>
Family<Metric>::Family(std::string name, std::string help, MetricType type,
                       std::vector<std::string> label_names, std::vector<double> bounds)
    : FamilyBase(std::move(name), std::move(help), type, std::move(label_names)), bounds_(std::move(bounds)) {
  if (this->label_names().empty()) Find({});
}

template <typename Metric>
Metric& Family<Metric>::With(std::initializer_list<std::string_view> label_values) {
  return Find(std::vector<std::string>(label_values.begin(), label_values.end()));
}

template <typename Metric>
Metric& Family<Metric>::With(std::span<const std::string> label_values) {
  return Find(std::vector<std::string>(label_values.begin(), label_values.end()));
}

template <typename Metric>
Metric& Family<Metric>::Find(std::vector<std::string> key) {
  if (key.size() != label_names().size()) {
    throw std::invalid_argument(name() + ": " + std::to_string(label_names().size()) +
                                " label values expected, " + std::to_string(key.size()) + " given");
  }
  std::lock_guard lock(mutex_);
  auto it = children_.find(key);
  if (it != children_.end()) return *it->second;
  std::unique_ptr<Metric> metric;
  if constexpr (std::is_same_v<Metric, Histogram>) {
    metric = std::make_unique<Histogram>(bounds_);
  } else {
    metric = std::make_unique<Metric>();
  }
  return *children_.emplace(std::move(key), std::move(metric)).first->second;
}

template <typename Metric>
void Family<Metric>::Render(std::string& out) const {
  RenderHeader(out);
  std::lock_guard lock(mutex_);
  for (const auto& [values, metric] : children_) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      RenderHistogram(out, *this, bounds_, values, *metric);
    } else {
      RenderMetric(out, *this, values, *metric);
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename Metric>
Family<Metric>& Registry::Add(std::string name, std::string help, MetricType type,
                              std::vector<std::string> label_names, std::vector<double> bounds) {
  if (!IsMetricName(name)) throw std::invalid_argument("invalid metric name '" + name + "'");
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    if (!IsLabelName(label)) throw std::invalid_argument(name + ": invalid label name '" + label + "'");
    if (type == MetricType::kHistogram && label == "le") {
      throw std::invalid_argument(name + ": a histogram cannot have a label 'le'");
    }
    if (std::find(label_names.begin(), label_names.begin() + static_cast<std::ptrdiff_t>(i), label) !=
        label_names.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument(name + ": label '" + label + "' given twice");
    }
  }
  std::lock_guard lock(mutex_);
  if (families_.contains(name)) throw std::invalid_argument("metric '" + name + "' registered twice");
  std::string key = name;
  auto family = std::unique_ptr<Family<Metric>>(
      new Family<Metric>(std::move(name), std::move(help), type, std::move(label_names), std::move(bounds)));
  Family<Metric>& result = *family;
  families_.emplace(std::move(key), std::move(family));
  return result;
}

CounterFamily& Registry::AddCounter(std::string name, std::string help,
                                    std::vector<std::string> label_names) {
  return Add<Counter>(std::move(name), std::move(help), MetricType::kCounter, std::move(label_names), {});
}

GaugeFamily& Registry::AddGauge(std::string name, std::string help, std::vector<std::string> label_names) {
  return Add<Gauge>(std::move(name), std::move(help), MetricType::kGauge, std::move(label_names), {});
}

HistogramFamily& Registry::AddHistogram(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bucket_bounds) {
  if (!bucket_bounds.empty() && bucket_bounds.back() == std::numeric_limits<double>::infinity()) {
    bucket_bounds.pop_back();
  }
  for (std::size_t i = 0; i < bucket_bounds.size(); ++i) {
    if (!std::isfinite(bucket_bounds[i]) || (i > 0 && !(bucket_bounds[i - 1] < bucket_bounds[i]))) {
      throw std::invalid_argument(name + ": bucket bounds must be finite and strictly increasing");
    }
  }
  return Add<Histogram>(std::move(name), std::move(help), MetricType::kHistogram, std::move(label_names),
                        std::move(bucket_bounds));
}

std::string Registry::Render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_)
    family->Render(out);
  return out;
}

}  // namespace reflector::metrics
