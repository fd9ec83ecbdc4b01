#include "metrics/mode_metrics.hpp"

namespace reflector::metrics {

ModeMetrics::ModeMetrics(Registry& registry, std::string_view mode)
    : fallbacks_(registry.AddCounter(
          "reflector_engine_fallbacks_total",
          "Workflow starts meant for Conductor that ran on the in-process engine, by reason", {"reason"})),
      shadow_runs_(
          registry.AddCounter("reflector_shadow_runs_total", "Shadow runs started or refused", {"result"})),
      comparisons_(registry.AddCounter("reflector_shadow_comparisons_total",
                                       "Shadow comparisons stored, by whether the runs agreed", {"result"})),
      word_error_rate_(registry.AddHistogram("reflector_shadow_word_error_rate",
                                             "Word error rate between the primary and the shadow run", {},
                                             {0, 0.01, 0.05, 0.1, 0.25, 0.5, 1})) {
  GaugeFamily& modes =
      registry.AddGauge("reflector_engine_mode", "The mode new workflows start in (1)", {"mode"});
  for (std::string_view known : {"in_process", "conductor", "shadow"})
    modes.With({known}).Set(known == mode ? 1 : 0);
  for (std::string_view reason : {"unreachable", "unhealthy", "refused"})
    fallbacks_.With({reason});
  for (std::string_view result : {"started", "start_failed"})
    shadow_runs_.With({result});
  for (std::string_view result : {"agreed", "differed"})
    comparisons_.With({result});
}

void ModeMetrics::CountFallback(std::string_view reason) {
  fallbacks_.With({reason}).Increment();
}

void ModeMetrics::CountShadowStart(bool started) {
  shadow_runs_.With({started ? "started" : "start_failed"}).Increment();
}

void ModeMetrics::CountComparison(bool agreed, double word_error_rate) {
  comparisons_.With({agreed ? "agreed" : "differed"}).Increment();
  word_error_rate_.With({}).Observe(word_error_rate);
}

}  // namespace reflector::metrics
