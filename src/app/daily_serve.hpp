#pragma once
// What `reflector serve` adds for Daily.co: the webhook's settings and its metrics, and the loop
// that polls Daily's recordings (with DAILY_API_KEY) and re-runs failed ones.

#include <memory>

#include "api/api_context.hpp"
#include "app/runtime.hpp"
#include "metrics/registry.hpp"
#include "service/daily_poller.hpp"

namespace reflector::app {

class DailyServeParts {
 public:
  // Registers the Daily metrics in `registry` and gives `api` the webhook's settings and its
  // counting hook. `runtime`, `registry` and `api` must outlive this object.
  DailyServeParts(Runtime& runtime, metrics::Registry& registry, api::ApiContext& api);
  // Stops the loop.
  ~DailyServeParts();
  DailyServeParts(const DailyServeParts&) = delete;
  DailyServeParts& operator=(const DailyServeParts&) = delete;

  // Starts the loop when DAILYCO_STORAGE_AWS_BUCKET_NAME is set: polls every DAILY_POLL_SECONDS
  // when DAILY_API_KEY is set, and runs the automatic re-runs in any case. Call once, when the
  // server listens.
  void StartLoop();

 private:
  Runtime& runtime_;
  metrics::CounterFamily& deliveries_;
  metrics::CounterFamily& polls_;
  metrics::CounterFamily& polled_recordings_;
  metrics::CounterFamily& reruns_;
  std::unique_ptr<service::DailyPoller> poller_;
};

}  // namespace reflector::app
