#include "app/runtime.hpp"

#include <algorithm>
#include <thread>

#include "app/runtime_factories.hpp"
#include "engine/conductor/conductor_engine.hpp"
#include "engine/in_process/local_engine.hpp"
#include "llm/extractive/extractive_summarizer.hpp"
#include "pipeline/tasks.hpp"
#include "storage/factory.hpp"

namespace reflector::app {

namespace fs = std::filesystem;

int DefaultParallelTasks() {
  unsigned cores = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(cores, 2U, 16U));
}

Status CheckSharedState(const Settings& settings, std::string_view command) {
  std::string problems;
  std::string url = settings.EffectiveDatabaseUrl();
  if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0) {
    problems +=
        "\n  - DATABASE_URL must name a PostgreSQL database (postgresql://user:pass@host/db); now a "
        "SQLite file only this machine can see";
  }
  if (settings.storage_backend != StorageBackend::kS3) {
    problems +=
        "\n  - TRANSCRIPT_STORAGE_BACKEND must be s3 (with TRANSCRIPT_STORAGE_AWS_BUCKET_NAME, "
        "TRANSCRIPT_STORAGE_AWS_ACCESS_KEY_ID, TRANSCRIPT_STORAGE_AWS_SECRET_ACCESS_KEY and, for a "
        "non-AWS server, TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL); now local files under DATA_DIR";
  }
  if (problems.empty()) return Ok();
  return Error::InvalidInput(std::string(command) +
                             " runs tasks in several processes, so the database and the object store must be "
                             "shared:" +
                             problems);
}

std::vector<std::string> EngineChoiceNames() {
  return {"in-process", "conductor"};
}

std::optional<EngineChoice> ParseEngineChoice(std::string_view name) {
  if (name == "in-process") return EngineChoice::kInProcess;
  if (name == "conductor") return EngineChoice::kConductor;
  return std::nullopt;
}

service::EngineMode ChooseMode(const Settings& settings, std::optional<EngineChoice> override_choice) {
  if (override_choice) {
    return *override_choice == EngineChoice::kConductor ? service::EngineMode::kConductor
                                                        : service::EngineMode::kInProcess;
  }
  if (settings.conductor_enabled && settings.conductor_shadow_mode) return service::EngineMode::kShadow;
  return settings.conductor_enabled ? service::EngineMode::kConductor : service::EngineMode::kInProcess;
}

Runtime::~Runtime() {
  // Stops in-process runs before the services their tasks use go away.
  engine_.reset();
  local_engine_.reset();
}

Result<std::unique_ptr<Runtime>> Runtime::Create(const Settings& settings, RuntimeOptions options) {
  const service::EngineMode mode = ChooseMode(settings, options.engine);
  if (!options.read_only && mode != service::EngineMode::kInProcess) {
    REFLECTOR_TRY(CheckSharedState(
        settings, mode == service::EngineMode::kShadow
                      ? "shadow mode (CONDUCTOR_SHADOW_MODE=true)"
                      : "the Conductor engine (CONDUCTOR_ENABLED=true or --engine conductor)"));
  }
  std::unique_ptr<Runtime> runtime(new Runtime(settings));
  REFLECTOR_TRY(runtime->OpenStores());
  REFLECTOR_TRY(runtime->MakeBackends());
  REFLECTOR_TRY(runtime->RegisterTasks());
  REFLECTOR_TRY(runtime->MakeEngine(options));
  return runtime;
}

Status Runtime::OpenStores() {
  fs::path data_dir = settings_.data_dir;
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) {
    return Error::Terminal(ErrorKind::kIo,
                           "DATA_DIR " + data_dir.string() + " cannot be created: " + ec.message());
  }
  auto database = store::Database::Open(settings_.EffectiveDatabaseUrl());
  if (!database) return database.error().WithContext("DATABASE_URL");
  database_ = std::move(*database);
  REFLECTOR_TRY(database_->Migrate(clock_));
  auto storage = storage::MakeObjectStoreFactory(settings_.storage_backend, settings_.s3,
                                                 data_dir / "storage", http_, clock_);
  if (!storage) return storage.error().WithContext("TRANSCRIPT_STORAGE_BACKEND");
  REFLECTOR_ASSIGN_OR_RETURN(storage_, WithDailyBucket(settings_, std::move(*storage), http_, clock_));
  store_events_ = std::make_unique<events::StoreEventLog>(*database_, clock_);
  events_ = std::make_unique<events::PublishingEventLog>(*store_events_, bus_);
  return Ok();
}

Status Runtime::MakeBackends() {
  REFLECTOR_ASSIGN_OR_RETURN(speech_to_text_, MakeSpeechToText(settings_, http_));
  extractive_ = std::make_unique<llm::ExtractiveSummarizer>();
  REFLECTOR_ASSIGN_OR_RETURN(
      openai_, MakeLlmSummarizer(settings_, http_, clock_, *extractive_, services_.max_parallel_llm_calls));
  // Transcription and LLM results are cached in the database, whichever engine runs the tasks.
  summarizer_ =
      std::make_unique<pipeline::CachingSummarizer>(openai_ ? *openai_ : *extractive_, *database_, clock_);
  daily_client_ = MakeDailyClient(settings_, http_, clock_);
  if (daily_client_) daily_platform_ = std::make_unique<platform::DailyPlatform>(*daily_client_);
  zulip_ = MakeZulipClient(settings_, http_);
  local_platform_ = std::make_unique<platform::LocalPlatform>(*database_, clock_);
  return Ok();
}

Status Runtime::RegisterTasks() {
  const auto& definitions = pipeline::LoadPipelineDefinitions();
  if (!definitions) return definitions.error().WithContext("embedded workflow definitions");
  definitions_ = &definitions.value();
  pipeline::PipelineServices& s = services_;
  s.database = database_.get();
  s.storage = storage_.get();
  s.bucket = settings_.s3.bucket;
  s.speech_to_text = speech_to_text_.get();
  s.summarizer = summarizer_.get();
  s.events = events_.get();
  s.bus = &bus_;
  s.platforms["local"] = local_platform_.get();
  if (daily_platform_) s.platforms["daily"] = daily_platform_.get();
  s.zulip = zulip_.get();
  s.http = &http_;
  s.ui_base_url = settings_.ui_base_url;
  s.clock = &clock_;
  s.ids = &ids_;
  s.scratch_dir = fs::path(settings_.data_dir) / "scratch";
  s.step_names = pipeline::PipelineStepNames(*definitions_);
  pipeline::RegisterPipelineTasks(tasks_, s);
  return Ok();
}

void Runtime::MakeInProcessEngine(const RuntimeOptions& options) {
  registry_.workflows[definitions_->pipeline.name] = definitions_->pipeline;
  registry_.workflows[definitions_->failure.name] = definitions_->failure;
  registry_.task_defs = definitions_->task_defs;
  engine_store_ = std::make_unique<engine::DatabaseEngineStore>(*database_);
  engine::InProcessOptions engine_options;
  engine_options.max_parallel_tasks = options.max_parallel_tasks;
  engine_options.max_tasks_in_process = options.max_tasks_in_process;
  in_process_ = std::make_unique<engine::InProcessEngine>(registry_, *engine_store_, tasks_, clock_, ids_,
                                                          engine_options);
  // Every in-process run holds its workflow's lease, so `serve` processes (and a `process`
  // run) sharing the database never run the same workflow twice.
  workflow_leases_ = std::make_unique<store::WorkflowLeases>(*database_, clock_);
  lease_keeper_ = std::make_unique<engine::WorkflowLeaseKeeper>(*workflow_leases_, clock_);
  local_engine_ =
      std::make_unique<engine::LocalEngine>(*in_process_, engine::LocalEngineOptions{}, lease_keeper_.get());
}

void Runtime::MakeConductorEngine() {
  conductor_client_ = std::make_unique<engine::ConductorClient>(
      http_, engine::ConductorClientOptions{settings_.conductor_server_url});
  engine::ConductorDefinitions conductor_definitions;
  for (const auto& [name, def] : definitions_->task_defs)
    conductor_definitions.task_defs.push_back(def);
  conductor_definitions.workflows = {definitions_->failure, definitions_->pipeline};
  conductor_engine_ =
      std::make_unique<engine::ConductorEngine>(*conductor_client_, std::move(conductor_definitions));
}

Status Runtime::MakeEngine(const RuntimeOptions& options) {
  // The in-process engine is always there: it runs kInProcess and kShadow primaries, and
  // kConductor's fallbacks (on the same shared database and storage).
  MakeInProcessEngine(options);
  modes_.mode = ChooseMode(settings_, options.engine);
  modes_.in_process = local_engine_.get();
  std::vector<engine::Engine*> engines = {local_engine_.get()};
  if (modes_.mode != service::EngineMode::kInProcess) {
    MakeConductorEngine();
    modes_.conductor = conductor_engine_.get();
    engines.push_back(conductor_engine_.get());
    modes_.conductor_health = [client =
                                   conductor_client_.get()]() -> std::optional<service::ConductorTrouble> {
      engine::HealthCheck check = client->CheckHealth();
      if (!check.error) return std::nullopt;
      const bool unreachable = check.state == engine::HealthCheck::State::kUnreachable;
      return service::ConductorTrouble{
          unreachable ? service::FallbackReason::kUnreachable : service::FallbackReason::kUnhealthy,
          check.error->WithContext("Conductor at " + client->base_url() + " is not available")};
    };
  }
  engine::Engine& start_on =
      modes_.mode == service::EngineMode::kConductor ? *conductor_engine_ : *local_engine_;
  engine_ = std::make_unique<engine::EngineRouter>(start_on, engines);
  service_.database = database_.get();
  service_.clock = &clock_;
  service_.ids = &ids_;
  service_.storage = storage_.get();
  service_.bucket = settings_.s3.bucket;
  service_.engine = engine_.get();
  service_.bus = &bus_;
  service_.pipeline_name = definitions_->pipeline.name;
  service_.modes = &modes_;
  return Ok();
}

}  // namespace reflector::app
