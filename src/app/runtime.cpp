#include "app/runtime.hpp"

#include "core/log.hpp"
#include "llm/extractive/extractive_summarizer.hpp"
#include "llm/openai/openai_summarizer.hpp"
#include "pipeline/tasks.hpp"
#include "storage/factory.hpp"
#include "stt/factory.hpp"
#include "stt/pocketsphinx/pocketsphinx_speech_to_text.hpp"

namespace reflector::app {

namespace fs = std::filesystem;

constexpr int kMaxAnswerTokens = 512;  // longest LLM answer: a summary paragraph

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

  if (settings.transcript_backend == "pocketsphinx") {
    stt::PocketSphinxOptions stt_options;
    if (!settings.pocketsphinx_model_dir.empty()) stt_options.model_dir = settings.pocketsphinx_model_dir;
    REFLECTOR_TRY(stt::PocketSphinxSpeechToText::CheckModel(stt_options.model_dir));
    r.speech_to_text_ = std::make_unique<stt::PocketSphinxSpeechToText>(stt_options);
  } else {
    if (settings.transcript_backend == "modal" && settings.storage_backend != StorageBackend::kS3) {
      return Error::InvalidInput(
          "TRANSCRIPT_BACKEND=modal fetches the audio by a presigned URL, so it needs "
          "TRANSCRIPT_STORAGE_BACKEND=s3 (local files have no URL the service can reach)");
    }
    stt::RemoteSpeechToTextOptions stt_options;
    stt_options.backend = settings.transcript_backend;
    stt_options.url = settings.transcript_url;
    stt_options.api_key = settings.transcript_modal_api_key;
    stt_options.model = settings.transcript_model;
    stt_options.timeout = std::chrono::seconds(settings.transcript_file_timeout_seconds);
    auto remote = stt::MakeRemoteSpeechToText(stt_options, r.http_);
    if (!remote) return remote.error().WithContext("TRANSCRIPT_BACKEND=" + settings.transcript_backend);
    r.speech_to_text_ = std::move(*remote);
  }
  r.extractive_ = std::make_unique<llm::ExtractiveSummarizer>();
  llm::Summarizer* summarizer = r.extractive_.get();
  if (!settings.llm_url.empty()) {
    llm::OpenAiOptions llm_options;
    llm_options.base_url = settings.llm_url;
    llm_options.api_key = settings.llm_api_key;
    llm_options.model = settings.llm_model;
    llm_options.context_window = settings.llm_context_window;
    llm_options.parse_max_retries = settings.llm_parse_max_retries;
    llm_options.max_concurrent_requests = r.services_.max_parallel_llm_calls;
    // Bounds each answer: servers such as llama.cpp otherwise generate until the context is full
    // when a model rambles, which on a small CPU model takes minutes per call.
    llm_options.max_tokens = kMaxAnswerTokens;
    llm_options.fallback = r.extractive_.get();  // a small model's unusable answer does not fail a meeting
    auto openai = llm::OpenAiSummarizer::Create(llm_options, r.http_, r.clock_);
    if (!openai) return openai.error();
    r.openai_ = std::move(*openai);
    summarizer = r.openai_.get();
  }
  // Transcription and LLM results are cached in the database, whichever engine runs the tasks.
  r.summarizer_ = std::make_unique<pipeline::CachingSummarizer>(*summarizer, *r.database_, r.clock_);
  if (!settings.daily_api_key.empty()) {
    platform::DailyClientOptions daily;
    daily.api_key = settings.daily_api_key;
    daily.base_url = settings.daily_api_url;
    r.daily_client_ = std::make_unique<platform::DailyClient>(daily, r.http_, r.clock_);
    r.daily_platform_ = std::make_unique<platform::DailyPlatform>(*r.daily_client_);
  }
  if (!settings.zulip_realm.empty() && !settings.zulip_bot_email.empty() && !settings.zulip_api_key.empty()) {
    notify::ZulipOptions zulip;
    zulip.site = settings.zulip_realm;
    zulip.bot_email = settings.zulip_bot_email;
    zulip.api_key = settings.zulip_api_key;
    r.zulip_ = std::make_unique<notify::ZulipClient>(zulip, r.http_);
  }
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
  if (r.daily_platform_) s.platforms["daily"] = r.daily_platform_.get();
  s.zulip = r.zulip_.get();
  s.http = &r.http_;
  s.ui_base_url = settings.ui_base_url;
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
