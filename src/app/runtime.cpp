#include "app/runtime.hpp"

#include "core/log.hpp"
#include "llm/extractive/extractive_summarizer.hpp"
#include "pipeline/tasks.hpp"
#include "storage/factory.hpp"
#include "stt/pocketsphinx/pocketsphinx_speech_to_text.hpp"

namespace reflector::app {

namespace fs = std::filesystem;

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

Result<std::unique_ptr<Runtime>> Runtime::Create(const Settings& settings, RuntimeOptions options) {
  std::unique_ptr<Runtime> runtime(new Runtime(settings));
  Runtime& r = *runtime;
  fs::path data_dir = settings.data_dir;
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec)
    return Error::Terminal(ErrorKind::kIo,
                           "DATA_DIR " + data_dir.string() + " cannot be created: " + ec.message());

  auto database = store::Database::Open(settings.EffectiveDatabaseUrl());
  if (!database) return database.error().WithContext("DATABASE_URL");
  r.database_ = std::move(*database);
  REFLECTOR_TRY(r.database_->Migrate(r.clock_));

  auto storage = storage::MakeObjectStoreFactory(settings.storage_backend, settings.s3, data_dir / "storage",
                                                 r.http_, r.clock_);
  if (!storage) return storage.error().WithContext("TRANSCRIPT_STORAGE_BACKEND");
  r.storage_ = std::move(*storage);

  if (settings.transcript_backend != "pocketsphinx") {
    return Error::InvalidInput("TRANSCRIPT_BACKEND=" + settings.transcript_backend +
                               " is not available in this build (use pocketsphinx)");
  }
  stt::PocketSphinxOptions stt_options;
  if (!settings.pocketsphinx_model_dir.empty()) stt_options.model_dir = settings.pocketsphinx_model_dir;
  REFLECTOR_TRY(stt::PocketSphinxSpeechToText::CheckModel(stt_options.model_dir));
  r.speech_to_text_ = std::make_unique<stt::PocketSphinxSpeechToText>(stt_options);

  if (!settings.llm_url.empty()) {
    log::Warn("LLM_URL is set but this build has only the offline extractive summariser; using it",
              {{"llm_url", settings.llm_url}});
  }
  r.summarizer_ = std::make_unique<llm::ExtractiveSummarizer>();

  r.store_events_ = std::make_unique<events::StoreEventLog>(*r.database_, r.clock_);
  r.events_ = std::make_unique<events::PublishingEventLog>(*r.store_events_, r.bus_);
  r.local_platform_ = std::make_unique<platform::LocalPlatform>(*r.database_, r.clock_);

  const auto& definitions = pipeline::LoadPipelineDefinitions();
  if (!definitions) return definitions.error().WithContext("embedded workflow definitions");
  r.definitions_ = &definitions.value();
  r.registry_.workflows[r.definitions_->pipeline.name] = r.definitions_->pipeline;
  r.registry_.workflows[r.definitions_->failure.name] = r.definitions_->failure;
  r.registry_.task_defs = r.definitions_->task_defs;

  pipeline::PipelineServices& s = r.services_;
  s.database = r.database_.get();
  s.storage = r.storage_.get();
  s.bucket = settings.s3.bucket;
  s.speech_to_text = r.speech_to_text_.get();
  s.summarizer = r.summarizer_.get();
  s.events = r.events_.get();
  s.bus = &r.bus_;
  s.platforms["local"] = r.local_platform_.get();
  s.clock = &r.clock_;
  s.ids = &r.ids_;
  s.scratch_dir = data_dir / "scratch";
  s.step_names = pipeline::PipelineStepNames(*r.definitions_);
  pipeline::RegisterPipelineTasks(r.tasks_, s);

  r.engine_store_ = std::make_unique<engine::DatabaseEngineStore>(*r.database_, r.clock_);
  engine::InProcessOptions engine_options;
  engine_options.max_parallel_tasks = options.max_parallel_tasks;
  r.engine_ = std::make_unique<engine::InProcessEngine>(r.registry_, *r.engine_store_, r.tasks_, r.clock_,
                                                        r.ids_, engine_options);
  return runtime;
}

}  // namespace reflector::app
