#pragma once
// Metrics of the engine modes (service/engine_modes.hpp): which mode the server runs in, how
// often a start meant for Conductor fell back to the in-process engine and why, and how shadow
// runs start and compare. The server feeds them from the modes' hooks, so they count what
// this process did (a `reflector process` run elsewhere is not counted here).
//
// Families registered:
//   reflector_engine_mode{mode}                  gauge, 1 for the mode new workflows start in
//                                                (in_process, conductor, shadow), 0 otherwise
//   reflector_engine_fallbacks_total{reason}     counter, starts that fell back to the in-process
//                                                engine: unreachable, unhealthy, refused
//   reflector_shadow_runs_total{result}          counter, shadow runs started / start_failed
//   reflector_shadow_comparisons_total{result}   counter, comparisons stored: agreed / differed
//   reflector_shadow_word_error_rate             histogram, word error rate of each stored
//                                                comparison (0 when the runs agree word for word)

#include <string_view>

#include "metrics/registry.hpp"

namespace reflector::metrics {

class ModeMetrics {
 public:
  // Registers the families above in `registry` (which must outlive this object), every label
  // value at 0, and `mode` as the current mode.
  ModeMetrics(Registry& registry, std::string_view mode);

  void CountFallback(std::string_view reason);
  void CountShadowStart(bool started);
  void CountComparison(bool agreed, double word_error_rate);

 private:
  CounterFamily& fallbacks_;
  CounterFamily& shadow_runs_;
  CounterFamily& comparisons_;
  HistogramFamily& word_error_rate_;
};

}  // namespace reflector::metrics
