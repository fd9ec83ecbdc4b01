#pragma once
// One small factory per seam: the backend the settings choose, built and checked. Used by the
// composition root (runtime.cpp) and, for the API's authentication, by the server command.

#include <memory>

#include "auth/authenticator.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "llm/summarizer.hpp"
#include "net/http_client.hpp"
#include "notify/zulip.hpp"
#include "platform/daily/daily_client.hpp"
#include "service/daily_recordings.hpp"
#include "storage/object_store.hpp"
#include "store/database.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::app {

// TRANSCRIPT_BACKEND: the settings as stt::MakeSpeechToText's options (PocketSphinx's dictionary cache
// under DATA_DIR/cache/pocketsphinx); modal needs S3 storage. Errors name TRANSCRIPT_BACKEND.
Result<std::unique_ptr<stt::SpeechToText>> MakeSpeechToText(const Settings& settings, net::HttpClient& http);

// LLM_URL set: the OpenAI-compatible summariser, answering with `fallback` when the model's
// answer is unusable; empty: nullptr (the caller uses the extractive summariser).
Result<std::unique_ptr<llm::Summarizer>> MakeLlmSummarizer(const Settings& settings, net::HttpClient& http,
                                                           Clock& clock, llm::Summarizer& fallback,
                                                           int max_concurrent_requests);

// DAILY_API_KEY set: the Daily.co REST client; otherwise nullptr.
std::unique_ptr<platform::DailyClient> MakeDailyClient(const Settings& settings, net::HttpClient& http,
                                                       Clock& clock);

// The object storage the pipeline uses: `transcripts` (TRANSCRIPT_STORAGE_*), and, when
// DAILYCO_STORAGE_AWS_BUCKET_NAME and DAILYCO_STORAGE_AWS_ACCESS_KEY_ID are set, Daily.co's
// bucket opened on S3 with the DAILYCO_STORAGE_AWS_* endpoint, region and credentials
// (storage::BucketRoutingStoreFactory). Without a Daily access key Daily's bucket is opened like
// any other, with the transcript storage's backend and credentials. `http` and `clock` must
// outlive the result.
Result<std::unique_ptr<storage::ObjectStoreFactory>> WithDailyBucket(
    const Settings& settings, std::unique_ptr<storage::ObjectStoreFactory> transcripts, net::HttpClient& http,
    const Clock& clock);

// Daily.co recordings: Daily's bucket and the automatic re-runs (REPROCESS_*).
service::DailyOptions MakeDailyOptions(const Settings& settings);

// ZULIP_REALM, ZULIP_BOT_EMAIL and ZULIP_API_KEY set: the Zulip client; otherwise nullptr.
std::unique_ptr<notify::ZulipClient> MakeZulipClient(const Settings& settings, net::HttpClient& http);

// AUTH_BACKEND: none (every request is the local owner) or jwt (RS256 tokens checked against the
// PEM file AUTH_JWT_PUBLIC_KEY for AUTH_JWT_AUDIENCE; API keys looked up in `database` by their
// HMAC under SECRET_KEY). A jwt backend without a readable key, an audience or SECRET_KEY is
// kInvalidInput naming each setting. `database` and `clock` must outlive the result.
Result<std::unique_ptr<auth::Authenticator>> MakeAuthenticator(const Settings& settings,
                                                               store::Database& database, const Clock& clock);

}  // namespace reflector::app
