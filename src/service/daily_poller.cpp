#include "service/daily_poller.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace reflector::service {

DailyPoller::DailyPoller(ServiceContext& context, DailyOptions daily, platform::DailyClient* client,
                         DailyPollerOptions options, DailyPollerHooks hooks)
    : context_(context),
      daily_(std::move(daily)),
      client_(client),
      options_(options),
      hooks_(std::move(hooks)),
      thread_([this](std::stop_token stop) { Run(stop); }) {}

DailyPoller::~DailyPoller() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

void DailyPoller::Run(std::stop_token stop) {
  using std::chrono::seconds;
  Clock& clock = *context_.clock;
  const seconds rerun_every =
      std::max(seconds(1), std::min(options_.rerun_interval, std::max(seconds(1), daily_.reprocess_delay)));
  const seconds poll_every = std::max(seconds(1), options_.poll_interval);
  const seconds tick = client_ != nullptr ? std::min(rerun_every, poll_every) : rerun_every;
  SteadyTime next_poll = clock.Monotonic();
  SteadyTime next_rerun = clock.Monotonic();
  log::Info("Daily recordings loop started",
            {{"polling", client_ != nullptr},
             {"poll_seconds", static_cast<long long>(poll_every.count())},
             {"rerun_check_seconds", static_cast<long long>(rerun_every.count())}});
  while (!stop.stop_requested()) {
    if (client_ != nullptr && clock.Monotonic() >= next_poll) {
      next_poll = clock.Monotonic() + poll_every;
      auto polled = PollDailyRecordings(context_, daily_, *client_, stop);
      if (!polled) log::Warn("cannot list Daily.co recordings", {{"error", polled.error().Describe()}});
      if (hooks_.polled) hooks_.polled(polled);
    }
    if (clock.Monotonic() >= next_rerun) {
      next_rerun = clock.Monotonic() + rerun_every;
      auto pass = RerunFailedDailyRecordings(context_, daily_);
      if (!pass) log::Warn("the re-run pass failed", {{"error", pass.error().Describe()}});
      if (hooks_.rerun) hooks_.rerun(pass);
    }
    if (!clock.SleepFor(std::chrono::duration_cast<std::chrono::milliseconds>(tick), stop)) break;
  }
}

}  // namespace reflector::service
