#pragma once
// What `reflector serve` assembles around the Runtime: the event hub, the API's context and
// routes, the Conductor health check, the metrics of the engine modes, the comparison of shadow
// runs as they end (ShadowMonitor), and the restart of runs a killed process left behind.

#include <memory>
#include <string>

#include "api/api_context.hpp"
#include "api/event_hub.hpp"
#include "app/daily_serve.hpp"
#include "app/runtime.hpp"
#include "auth/authenticator.hpp"
#include "engine/conductor/conductor_client.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "metrics/mode_metrics.hpp"
#include "metrics/registry.hpp"
#include "metrics/workflow_metrics.hpp"
#include "service/shadow_monitor.hpp"
#include "store/event_notifications.hpp"

namespace reflector::app {

// OK when the settings allow serving on `host`: AUTH_BACKEND=none serves a loopback address
// only (every request is the local owner).
Status CheckServeSettings(const Settings& settings, const std::string& host);

class ServeParts {
 public:
  explicit ServeParts(Runtime& runtime) : runtime_(runtime) {}
  // Stops comparing shadow runs and unhooks the metrics from the runtime's modes.
  ~ServeParts();
  ServeParts(const ServeParts&) = delete;
  ServeParts& operator=(const ServeParts&) = delete;

  // Builds everything; on PostgreSQL also listens for events other processes append.
  Status Build();
  // Counts the server's connections in /metrics (call once the server exists).
  void Observe(const http::Server& server) { server_ = &server; }
  const http::Router& router() const { return *router_; }
  api::EventHub& hub() { return *hub_; }
  // In-process engine: continues every workflow left RUNNING (by a process that was killed),
  // in every mode (in Conductor mode these are the runs that fell back to it).
  void ResumeInterruptedRuns();
  // Daily.co's poller and automatic re-runs (see DailyServeParts::StartLoop).
  void StartDailyLoop() { daily_->StartLoop(); }

 private:
  Json ConductorHealth();
  Result<std::optional<api::User>> Authenticate(const http::Request& request) const;
  void AddHttpMetrics();
  void WatchModes();
  Status ListenForOtherProcesses();

  Runtime& runtime_;
  std::unique_ptr<engine::ConductorClient> health_client_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  metrics::Registry registry_;
  std::unique_ptr<metrics::WorkflowMetrics> workflow_metrics_;
  std::unique_ptr<metrics::ModeMetrics> mode_metrics_;
  metrics::GaugeFamily* websocket_clients_ = nullptr;
  metrics::GaugeFamily* connections_ = nullptr;
  const http::Server* server_ = nullptr;
  std::unique_ptr<api::EventHub> hub_;
  api::ApiContext api_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<DailyServeParts> daily_;  // after registry_: its loop stops before the counters go
  std::unique_ptr<service::ShadowMonitor> shadow_monitor_;
  std::unique_ptr<store::EventNotificationListener> listener_;  // last: stopped before the hub goes
};

}  // namespace reflector::app
