#include "app/runtime_factories.hpp"

#include "llm/openai/openai_summarizer.hpp"
#include "storage/bucket_routing.hpp"
#include "storage/factory.hpp"
#include "stt/factory.hpp"

namespace reflector::app {

constexpr int kMaxAnswerTokens = 512;  // longest LLM answer: a summary paragraph

Result<std::unique_ptr<stt::SpeechToText>> MakeSpeechToText(const Settings& settings, net::HttpClient& http) {
  if (settings.transcript_backend == "modal" && settings.storage_backend != StorageBackend::kS3) {
    return Error::InvalidInput(
        "TRANSCRIPT_BACKEND=modal fetches the audio by a presigned URL, so it needs "
        "TRANSCRIPT_STORAGE_BACKEND=s3 (local files have no URL the service can reach)");
  }
  stt::SpeechToTextOptions options;
  options.backend = settings.transcript_backend;
  if (!settings.pocketsphinx_model_dir.empty())
    options.pocketsphinx.model_dir = settings.pocketsphinx_model_dir;
  options.pocketsphinx.cache_dir = std::filesystem::path(settings.data_dir) / "cache" / "pocketsphinx";
  options.remote.url = settings.transcript_url;
  options.remote.api_key = settings.transcript_modal_api_key;
  options.remote.model = settings.transcript_model;
  options.remote.timeout = std::chrono::seconds(settings.transcript_file_timeout_seconds);
  auto made = stt::MakeSpeechToText(options, http);
  if (!made) return made.error().WithContext("TRANSCRIPT_BACKEND=" + settings.transcript_backend);
  return made;
}

Result<std::unique_ptr<llm::Summarizer>> MakeLlmSummarizer(const Settings& settings, net::HttpClient& http,
                                                           Clock& clock, llm::Summarizer& fallback,
                                                           int max_concurrent_requests) {
  if (settings.llm_url.empty()) return std::unique_ptr<llm::Summarizer>();
  llm::OpenAiOptions options;
  options.base_url = settings.llm_url;
  options.api_key = settings.llm_api_key;
  options.model = settings.llm_model;
  options.context_window = settings.llm_context_window;
  options.parse_max_retries = settings.llm_parse_max_retries;
  options.request_timeout_seconds = settings.llm_timeout_seconds;
  options.max_concurrent_requests = max_concurrent_requests;
  // Bounds each answer: servers such as llama.cpp otherwise generate until the context is full
  // when a model rambles, which on a small CPU model takes minutes per call.
  options.max_tokens = kMaxAnswerTokens;
  options.fallback = &fallback;  // a small model's unusable answer does not fail a meeting
  auto openai = llm::OpenAiSummarizer::Create(options, http, clock);
  if (!openai) return openai.error();
  return std::unique_ptr<llm::Summarizer>(std::move(*openai));
}

std::unique_ptr<platform::DailyClient> MakeDailyClient(const Settings& settings, net::HttpClient& http,
                                                       Clock& clock) {
  if (settings.daily_api_key.empty()) return nullptr;
  platform::DailyClientOptions options;
  options.api_key = settings.daily_api_key;
  options.base_url = settings.daily_api_url;
  return std::make_unique<platform::DailyClient>(options, http, clock);
}

Result<std::unique_ptr<storage::ObjectStoreFactory>> WithDailyBucket(
    const Settings& settings, std::unique_ptr<storage::ObjectStoreFactory> transcripts, net::HttpClient& http,
    const Clock& clock) {
  const S3Settings& daily = settings.daily_storage;
  if (daily.bucket.empty() || daily.access_key_id.empty()) return transcripts;
  auto daily_factory = storage::MakeObjectStoreFactory(StorageBackend::kS3, daily, {}, http, clock);
  if (!daily_factory) return daily_factory.error().WithContext("DAILYCO_STORAGE_AWS_*");
  auto routing = std::make_unique<storage::BucketRoutingStoreFactory>(std::move(transcripts));
  routing->Route(daily.bucket, std::move(*daily_factory));
  return std::unique_ptr<storage::ObjectStoreFactory>(std::move(routing));
}

service::DailyOptions MakeDailyOptions(const Settings& settings) {
  service::DailyOptions options;
  options.bucket = settings.daily_storage.bucket;
  options.reprocess_max_attempts = settings.reprocess_max_attempts;
  options.reprocess_delay = std::chrono::seconds(settings.reprocess_delay_seconds);
  return options;
}

std::unique_ptr<notify::ZulipClient> MakeZulipClient(const Settings& settings, net::HttpClient& http) {
  if (settings.zulip_realm.empty() || settings.zulip_bot_email.empty() || settings.zulip_api_key.empty())
    return nullptr;
  notify::ZulipOptions options;
  options.site = settings.zulip_realm;
  options.bot_email = settings.zulip_bot_email;
  options.api_key = settings.zulip_api_key;
  return std::make_unique<notify::ZulipClient>(options, http);
}

Result<std::unique_ptr<auth::Authenticator>> MakeAuthenticator(const Settings& settings,
                                                               store::Database& database,
                                                               const Clock& clock) {
  REFLECTOR_ASSIGN_OR_RETURN(auth::AuthBackend backend, auth::ParseAuthBackend(settings.auth_backend));
  auth::AuthenticatorOptions options;
  options.backend = backend;
  options.jwt_public_key_file = settings.auth_jwt_public_key;
  options.jwt_audience = settings.auth_jwt_audience;
  options.secret_key = settings.secret_key;
  return auth::Authenticator::Create(std::move(options), database, clock);
}

}  // namespace reflector::app
