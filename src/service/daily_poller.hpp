#pragma once
// The background loop of `reflector serve` for Daily.co: polls Daily's recordings (when there is
// a Daily client) and runs the automatic re-run pass, on its own thread, until it is destroyed.
// Polling catches recordings whose webhook was lost (or is the only way in without a webhook);
// the re-run pass runs in every process that has the loop, and the database decides which
// process takes each re-run (see daily_recordings.hpp).

#include <chrono>
#include <functional>
#include <stop_token>
#include <thread>

#include "platform/daily/daily_client.hpp"
#include "service/daily_recordings.hpp"
#include "service/service_context.hpp"

namespace reflector::service {

struct DailyPollerOptions {
  std::chrono::seconds poll_interval{15};  // DAILY_POLL_SECONDS
  // How often the re-run pass looks for failed runs; it never waits longer than reprocess_delay.
  std::chrono::seconds rerun_interval{15};
};

// What the loop reports (for metrics); each may be empty. Called on the loop's thread.
struct DailyPollerHooks {
  std::function<void(const Result<DailyPollSummary>&)> polled;
  std::function<void(const Result<DailyRerunPass>&)> rerun;
};

class DailyPoller {
 public:
  // Starts the loop at once: a poll (when `client` is set) and a re-run pass right away, then
  // each at its interval. `context`, `client` and the context's clock must outlive the poller.
  DailyPoller(ServiceContext& context, DailyOptions daily, platform::DailyClient* client,
              DailyPollerOptions options, DailyPollerHooks hooks = {});
  // Stops the loop (a poll or pass under way finishes first) and joins its thread.
  ~DailyPoller();
  DailyPoller(const DailyPoller&) = delete;
  DailyPoller& operator=(const DailyPoller&) = delete;

 private:
  void Run(std::stop_token stop);

  ServiceContext& context_;
  DailyOptions daily_;
  platform::DailyClient* client_;
  DailyPollerOptions options_;
  DailyPollerHooks hooks_;
  std::jthread thread_;  // last: started after every member it uses
};

}  // namespace reflector::service
