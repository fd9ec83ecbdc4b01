#include "app/daily_serve.hpp"

#include "app/runtime_factories.hpp"
#include "core/log.hpp"

namespace reflector::app {

DailyServeParts::DailyServeParts(Runtime& runtime, metrics::Registry& registry, api::ApiContext& api)
    : runtime_(runtime),
      deliveries_(registry.AddCounter("reflector_daily_webhook_deliveries_total",
                                      "Daily.co webhook deliveries answered, by event type and outcome",
                                      {"event", "outcome"})),
      polls_(registry.AddCounter("reflector_daily_polls_total", "lists of Daily.co recordings, by outcome",
                                 {"outcome"})),
      polled_recordings_(registry.AddCounter("reflector_daily_polled_recordings_total",
                                             "recordings seen by the Daily.co poller, by what became of them",
                                             {"outcome"})),
      reruns_(registry.AddCounter("reflector_daily_reruns_total",
                                  "automatic re-runs of failed Daily.co recordings, by outcome",
                                  {"outcome"})) {
  const Settings& settings = runtime.settings();
  api.daily.secret = settings.daily_webhook_secret;
  api.daily.recordings = MakeDailyOptions(settings);
  api.hooks.daily_webhook = [this](std::string_view event, std::string_view outcome) {
    deliveries_.With({event, outcome}).Increment();
  };
}

DailyServeParts::~DailyServeParts() {
  poller_.reset();  // joins the loop before the counters it reports to go
}

void DailyServeParts::StartLoop() {
  const Settings& settings = runtime_.settings();
  if (settings.daily_storage.bucket.empty()) {
    if (!settings.daily_api_key.empty()) {
      log::Warn(
          "DAILY_API_KEY is set but DAILYCO_STORAGE_AWS_BUCKET_NAME is not: Daily.co recordings are not "
          "polled");
    }
    return;
  }
  service::DailyPollerOptions options;
  options.poll_interval = std::chrono::seconds(settings.EffectiveDailyPollSeconds());
  service::DailyPollerHooks hooks;
  hooks.polled = [this](const Result<service::DailyPollSummary>& summary) {
    polls_.With({summary.ok() ? "ok" : "error"}).Increment();
    if (!summary.ok()) return;
    polled_recordings_.With({"started"}).Increment(summary->started);
    polled_recordings_.With({"known"}).Increment(summary->known);
    polled_recordings_.With({"skipped"}).Increment(summary->skipped);
    polled_recordings_.With({"failed"}).Increment(summary->failed);
  };
  hooks.rerun = [this](const Result<service::DailyRerunPass>& pass) {
    if (!pass.ok()) {
      reruns_.With({"pass_failed"}).Increment();
      return;
    }
    reruns_.With({"scheduled"}).Increment(pass->scheduled);
    reruns_.With({"started"}).Increment(pass->started);
    reruns_.With({"failed"}).Increment(pass->failed);
  };
  poller_ = std::make_unique<service::DailyPoller>(runtime_.service(), MakeDailyOptions(settings),
                                                   runtime_.daily_client(), options, std::move(hooks));
}

}  // namespace reflector::app
