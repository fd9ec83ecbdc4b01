#pragma once
// The composition root: builds every long-lived object from the validated settings, in
// dependency order, and owns them. Commands borrow what they need. Each seam's backend is
// chosen by one small factory (runtime_factories.hpp).

#include <filesystem>
#include <memory>
#include <optional>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/ids.hpp"
#include "engine/conductor/conductor_client.hpp"
#include "engine/engine.hpp"
#include "engine/engine_router.hpp"
#include "engine/in_process/database_engine_store.hpp"
#include "engine/in_process/in_process_engine.hpp"
#include "engine/in_process/local_engine.hpp"
#include "engine/in_process/workflow_lease_keeper.hpp"
#include "events/store_event_log.hpp"
#include "llm/summarizer.hpp"
#include "net/http_client.hpp"
#include "notify/zulip.hpp"
#include "pipeline/caching_summarizer.hpp"
#include "pipeline/task_context.hpp"
#include "pipeline/workflow_definitions.hpp"
#include "platform/daily/daily_client.hpp"
#include "platform/daily/daily_platform.hpp"
#include "platform/local/local_platform.hpp"
#include "service/engine_modes.hpp"
#include "service/service_context.hpp"
#include "storage/object_store.hpp"
#include "store/database.hpp"
#include "store/workflow_leases.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::app {

// Which engine new workflows start on.
enum class EngineChoice { kInProcess, kConductor };

struct RuntimeOptions {
  int max_parallel_tasks = 2;  // in-process: tasks of one workflow run at once
  // Overrides CONDUCTOR_ENABLED (the `--engine` option); empty: the settings decide.
  std::optional<EngineChoice> engine;
  // Commands that only read (transcripts list/show) start no workflow, so they do not need the
  // state the Conductor engine shares with workers.
  bool read_only = false;
  int max_tasks_in_process = 0;  // in-process: tasks at once over every workflow; 0: no bound
};

// Default of `--parallel` for the commands that run one workflow in-process (`process`,
// `reprocess`): the machine's cores, at least 2 and at most 16, so the per-track tasks (padding,
// transcription) use every core.
int DefaultParallelTasks();

// OK when the database and object store can be shared by processes on several machines
// (PostgreSQL and S3), as the Conductor engine needs; otherwise an error for `command` that says
// which settings to change.
Status CheckSharedState(const Settings& settings, std::string_view command);

// The values of `--engine` ("in-process", "conductor") and their meaning; "" (or an unknown
// name) is no override.
std::vector<std::string> EngineChoiceNames();
std::optional<EngineChoice> ParseEngineChoice(std::string_view name);

// The mode the settings and the override choose: `--engine in-process` or `conductor` as given;
// otherwise CONDUCTOR_SHADOW_MODE=true (which needs CONDUCTOR_ENABLED=true) is kShadow,
// CONDUCTOR_ENABLED=true kConductor, else kInProcess.
service::EngineMode ChooseMode(const Settings& settings, std::optional<EngineChoice> override_choice);

class Runtime {
 public:
  // Opens the database (and migrates it), object storage, the backends and the engine. Errors
  // name the setting or resource at fault.
  static Result<std::unique_ptr<Runtime>> Create(const Settings& settings, RuntimeOptions options = {});
  // Stops in-process workflows first (they stay resumable), then releases the rest.
  ~Runtime();

  const Settings& settings() const { return settings_; }
  Clock& clock() { return clock_; }
  IdGenerator& ids() { return ids_; }
  store::Database& database() { return *database_; }
  storage::ObjectStoreFactory& storage() { return *storage_; }
  const std::string& bucket() const { return services_.bucket; }
  events::EventBus& bus() { return bus_; }
  events::EventLog& events() { return *events_; }
  // The engine new workflows start on (the mode's first engine), which also finds every
  // workflow of the other engine (engine::EngineRouter).
  engine::Engine& engine() { return *engine_; }
  // Where new workflows start, and both engines (service/engine_modes.hpp). The server sets its
  // hooks before it serves.
  service::EngineModes& modes() { return modes_; }
  // The in-process engine: always there (in Conductor mode it runs the fallbacks).
  engine::Engine& in_process_engine() { return *local_engine_; }
  // Stops the in-process runs at once (their tasks are stopped; the workflows stay RUNNING for
  // the next start) and runs nothing started later: what `serve` does on SIGTERM before it
  // finishes its requests. Blocks until the runs returned.
  void StopInProcessRuns() { local_engine_->Shutdown(); }
  // The Conductor client, when the mode uses Conductor; otherwise null.
  engine::ConductorClient* conductor_client() { return conductor_client_.get(); }
  // What the use cases of src/service/ work with.
  service::ServiceContext& service() { return service_; }
  const pipeline::PipelineDefinitions& definitions() const { return *definitions_; }
  stt::SpeechToText& speech_to_text() { return *speech_to_text_; }
  llm::Summarizer& summarizer() { return *summarizer_; }
  // Calls the summariser made and answered from the cache, since start.
  pipeline::SummarizerCacheCounts llm_calls() const { return summarizer_->Counts(); }
  net::HttpClient& http() { return http_; }
  // The Daily.co REST client (null without DAILY_API_KEY).
  platform::DailyClient* daily_client() { return daily_client_.get(); }
  // The in-process engine's state.
  engine::EngineStore* engine_store() { return engine_store_.get(); }
  // Every pipeline task function by task type (what `reflector worker` serves).
  const engine::TaskRegistry& tasks() const { return tasks_; }

 private:
  explicit Runtime(const Settings& settings) : settings_(settings) {}
  Status OpenStores();
  Status MakeBackends();
  Status RegisterTasks();
  Status MakeEngine(const RuntimeOptions& options);
  void MakeInProcessEngine(const RuntimeOptions& options);
  void MakeConductorEngine();

  Settings settings_;
  SystemClock clock_;
  RandomIdGenerator ids_;
  net::HttpClient http_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<storage::ObjectStoreFactory> storage_;
  std::unique_ptr<stt::SpeechToText> speech_to_text_;
  std::unique_ptr<llm::Summarizer> extractive_;
  std::unique_ptr<llm::Summarizer> openai_;
  std::unique_ptr<pipeline::CachingSummarizer> summarizer_;
  std::unique_ptr<platform::DailyClient> daily_client_;
  std::unique_ptr<platform::DailyPlatform> daily_platform_;
  std::unique_ptr<notify::ZulipClient> zulip_;
  events::EventBus bus_;
  std::unique_ptr<events::StoreEventLog> store_events_;
  std::unique_ptr<events::PublishingEventLog> events_;
  std::unique_ptr<platform::LocalPlatform> local_platform_;
  const pipeline::PipelineDefinitions* definitions_ = nullptr;
  engine::DefinitionRegistry registry_;
  engine::TaskRegistry tasks_;
  pipeline::PipelineServices services_;
  // The engines, last: destroyed first, so no task runs while the rest goes.
  std::unique_ptr<engine::DatabaseEngineStore> engine_store_;
  std::unique_ptr<engine::InProcessEngine> in_process_;
  std::unique_ptr<store::WorkflowLeases> workflow_leases_;
  std::unique_ptr<engine::WorkflowLeaseKeeper> lease_keeper_;
  std::unique_ptr<engine::LocalEngine> local_engine_;
  std::unique_ptr<engine::ConductorClient> conductor_client_;
  std::unique_ptr<engine::Engine> conductor_engine_;
  std::unique_ptr<engine::EngineRouter> engine_;
  service::EngineModes modes_;
  service::ServiceContext service_;
};

}  // namespace reflector::app
