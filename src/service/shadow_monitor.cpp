#include "service/shadow_monitor.hpp"

#include "core/log.hpp"
#include "service/shadow.hpp"
#include "store/shadow_runs.hpp"

namespace reflector::service {

ShadowMonitor::ShadowMonitor(ServiceContext& context, ShadowMonitorOptions options)
    : context_(context), options_(options), thread_([this](std::stop_token stop) { Loop(stop); }) {}

ShadowMonitor::~ShadowMonitor() {
  thread_.request_stop();
}

std::size_t ShadowMonitor::CheckOnce() {
  std::lock_guard lock(mutex_);
  store::ShadowRuns runs(*context_.database, *context_.clock);
  auto running = runs.ListRunning(options_.batch);
  if (!running) {
    log::Warn("cannot list running shadow runs", {{"error", running.error().Describe()}});
    return 0;
  }
  std::size_t stored = 0;
  for (const store::ShadowRun& run : *running) {
    auto compared = CompareIfEnded(context_, run);
    if (!compared) {
      log::Warn("cannot compare a shadow run",
                {{"shadow_run_id", run.id}, {"error", compared.error().Describe()}});
    } else if (compared->status == store::kShadowCompared) {
      ++stored;
    }
  }
  return stored;
}

void ShadowMonitor::Loop(std::stop_token stop) {
  while (context_.clock->SleepFor(options_.interval, stop) && !stop.stop_requested())
    CheckOnce();
}

}  // namespace reflector::service
