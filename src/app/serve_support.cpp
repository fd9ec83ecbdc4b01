#include "app/serve_support.hpp"

#include <filesystem>

#include "api/routes.hpp"
#include "app/runtime_factories.hpp"
#include "core/log.hpp"
#include "pipeline/workflow_definitions.hpp"
#include "service/shadow_compare.hpp"
#include "web/web_routes.hpp"

namespace reflector::app {
namespace {

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.rfind("127.", 0) == 0;
}

std::vector<std::string> SplitOrigins(const std::string& text) {
  std::vector<std::string> origins;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!item.empty() && item.front() == ' ')
      item.erase(0, 1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '/'))
      item.pop_back();
    if (!item.empty()) origins.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return origins;
}

}  // namespace

Status CheckServeSettings(const Settings& settings, const std::string& host) {
  if (settings.auth_backend == "none" && !IsLoopback(host)) {
    return Error::InvalidInput(
        "--host " + host +
        ": with AUTH_BACKEND=none every request is the local owner, so serve listens on a "
        "loopback address only (127.0.0.1 or ::1); set AUTH_BACKEND=jwt to serve a network");
  }
  return Ok();
}

Result<std::optional<api::User>> ServeParts::Authenticate(const http::Request& request) const {
  auth::Credentials credentials;
  if (auto header = request.headers.Get("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (header->size() > kBearer.size() && header->substr(0, kBearer.size()) == kBearer) {
      credentials.bearer_token = std::string(header->substr(kBearer.size()));
    } else {
      return Error::Terminal(ErrorKind::kUnauthorized, "Authorization: only Bearer tokens are accepted");
    }
  }
  if (auto key = request.headers.Get("X-API-Key")) credentials.api_key = std::string(*key);
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<auth::Principal> principal,
                             authenticator_->Authenticate(credentials));
  if (!principal) return std::optional<api::User>();
  return std::optional<api::User>(api::User{principal->user_id, principal->email});
}

Json ServeParts::ConductorHealth() {
  if (!health_client_) {
    return Json{{"status", "disabled"}, {"connected", false}};
  }
  auto healthy = health_client_->Health();
  if (healthy.ok()) return Json{{"status", "healthy"}, {"connected", true}};
  return Json{{"status", "unhealthy"}, {"connected", false}, {"error", healthy.error().message}};
}

Status ServeParts::Build() {
  const Settings& settings = runtime_.settings();
  if (runtime_.modes().conductor != nullptr) {
    engine::ConductorClientOptions options;
    options.base_url = settings.conductor_server_url;
    options.health_timeout = std::chrono::milliseconds(2500);
    health_client_ = std::make_unique<engine::ConductorClient>(runtime_.http(), options);
  }
  workflow_metrics_ = std::make_unique<metrics::WorkflowMetrics>(registry_, runtime_.clock());
  WatchModes();
  api::EventHubOptions hub_options;
  hub_options.snapshot_observer = [this](const engine::WorkflowSnapshot& snapshot) {
    workflow_metrics_->Observe(snapshot);
  };
  const pipeline::PipelineDefinitions& definitions = runtime_.definitions();
  hub_options.workflows = {{&definitions.pipeline, definitions.dynamic_fork_task_types},
                           {&definitions.failure, {}}};
  hub_ = std::make_unique<api::EventHub>(runtime_.service(), runtime_.events(), hub_options);
  REFLECTOR_TRY(ListenForOtherProcesses());
  api_.service = &runtime_.service();
  api_.events = &runtime_.events();
  api_.bus = &runtime_.bus();
  api_.http = &runtime_.http();
  api_.everyone_is_owner = settings.auth_backend == "none";
  REFLECTOR_ASSIGN_OR_RETURN(authenticator_,
                             MakeAuthenticator(settings, runtime_.database(), runtime_.clock()));
  api_.secret_key = settings.secret_key;
  api_.authenticate = [this](const http::Request& request) { return Authenticate(request); };
  api_.hooks.audio_token = [this](const std::string& token,
                                  const std::string& transcript_id) -> Result<api::User> {
    REFLECTOR_ASSIGN_OR_RETURN(auth::Principal principal,
                               authenticator_->AuthenticateAudioToken(token, transcript_id));
    return api::User{principal.user_id, principal.email};
  };
  api_.scratch_dir = std::filesystem::path(settings.data_dir) / "scratch" / "api";
  std::error_code ec;
  std::filesystem::create_directories(api_.scratch_dir, ec);
  if (ec) {
    return Error::Terminal(ErrorKind::kIo,
                           "cannot create " + api_.scratch_dir.string() + ": " + ec.message());
  }
  api_.max_upload_bytes = static_cast<std::uint64_t>(settings.max_upload_mb) << 20;
  api_.hooks.conductor_health = [this] { return ConductorHealth(); };
  api_.hooks.dag_status = [this](const store::Transcript& t) { return hub_->DagStatus(t.id, t.workflow_id); };
  api_.hooks.user_event = [this](const std::optional<std::string>& user_id, const std::string& event,
                                 const Json& data) { hub_->PublishUserEvent(user_id, event, data); };
  router_ = std::make_unique<http::Router>(http::CorsOptions{SplitOrigins(settings.cors_origin)});
  AddHttpMetrics();
  daily_ = std::make_unique<DailyServeParts>(runtime_, registry_, api_);
  api::AddAllRoutes(*router_, api_, *hub_);
  web::AddWebRoutes(*router_);
  return Ok();
}

void ServeParts::AddHttpMetrics() {
  auto& requests = registry_.AddCounter("reflector_http_requests_total",
                                        "HTTP requests answered, by route and status", {"route", "code"});
  auto& durations = registry_.AddHistogram("reflector_http_request_duration_seconds",
                                           "time handlers took to answer, by route", {"route"},
                                           {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  websocket_clients_ = &registry_.AddGauge("reflector_websocket_clients", "WebSocket clients connected");
  connections_ = &registry_.AddGauge("reflector_http_connections", "HTTP connections open");
  router_->SetObserver(
      [&requests, &durations](std::string_view route, int status, std::chrono::duration<double> took) {
        const std::string name = route.empty() ? "unmatched" : std::string(route);
        requests.With({name, std::to_string(status)}).Increment();
        durations.With({name}).Observe(took.count());
      });
  api_.hooks.metrics_text = [this] {
    if (server_ != nullptr) {
      const http::ServerCounters counters = server_->counters();
      websocket_clients_->With({}).Set(static_cast<double>(counters.websockets));
      connections_->With({}).Set(static_cast<double>(counters.connections));
    }
    return registry_.Render();
  };
}

ServeParts::~ServeParts() {
  shadow_monitor_.reset();
  runtime_.modes().hooks = {};
}

void ServeParts::WatchModes() {
  service::EngineModes& modes = runtime_.modes();
  mode_metrics_ = std::make_unique<metrics::ModeMetrics>(registry_, service::ToString(modes.mode));
  modes.hooks.fallback = [this](service::FallbackReason reason) {
    mode_metrics_->CountFallback(service::ToString(reason));
  };
  modes.hooks.shadow_started = [this](bool started) { mode_metrics_->CountShadowStart(started); };
  modes.hooks.compared = [this](const service::ShadowComparison& comparison) {
    mode_metrics_->CountComparison(comparison.agreed, comparison.words.word_error_rate);
  };
  // Shadow runs (this process's, other processes', and those left by a restart) are compared
  // as they end, wherever both engines are at hand.
  if (modes.conductor != nullptr)
    shadow_monitor_ = std::make_unique<service::ShadowMonitor>(runtime_.service());
}

Status ServeParts::ListenForOtherProcesses() {
  auto target = store::ParseDatabaseUrl(runtime_.settings().EffectiveDatabaseUrl());
  if (!target || target->dialect != store::Dialect::kPostgres) return Ok();  // one process: the bus is enough
  // After a lost connection the notifications sent meanwhile are gone: read every followed
  // transcript's events back from the last one delivered.
  listener_ = std::make_unique<store::EventNotificationListener>(
      target->conninfo,
      [this](const store::EventNotification& notification) {
        hub_->Notify(notification.transcript_id, notification.seq);
      },
      [this] { hub_->CatchUpAll(); });
  return listener_->Start();
}

void ServeParts::ResumeInterruptedRuns() {
  engine::EngineStore* store = runtime_.engine_store();
  if (store == nullptr) return;
  auto running = store->ListWorkflowIds(engine::WorkflowStatus::kRunning);
  if (!running) {
    log::Warn("cannot list interrupted workflows", {{"error", running.error().Describe()}});
    return;
  }
  for (const std::string& id : *running) {
    if (auto resumed = runtime_.in_process_engine().Resume(id); !resumed.ok()) {
      log::Warn("cannot resume a workflow", {{"workflow_id", id}, {"error", resumed.error().Describe()}});
    } else {
      log::Info("resumed an interrupted workflow", {{"workflow_id", id}});
    }
  }
}

}  // namespace reflector::app
