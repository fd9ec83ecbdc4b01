#pragma once
// One small factory per seam: the backend the settings choose, built and checked. Used by the
// composition root (runtime.cpp) only.

#include <memory>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "llm/summarizer.hpp"
#include "net/http_client.hpp"
#include "notify/zulip.hpp"
#include "platform/daily/daily_client.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::app {

// TRANSCRIPT_BACKEND: pocketsphinx (its model checked), modal (needs S3 storage) or openai.
Result<std::unique_ptr<stt::SpeechToText>> MakeSpeechToText(const Settings& settings, net::HttpClient& http);

// LLM_URL set: the OpenAI-compatible summariser, answering with `fallback` when the model's
// answer is unusable; empty: nullptr (the caller uses the extractive summariser).
Result<std::unique_ptr<llm::Summarizer>> MakeLlmSummarizer(const Settings& settings, net::HttpClient& http,
                                                           Clock& clock, llm::Summarizer& fallback,
                                                           int max_concurrent_requests);

// DAILY_API_KEY set: the Daily.co REST client; otherwise nullptr.
std::unique_ptr<platform::DailyClient> MakeDailyClient(const Settings& settings, net::HttpClient& http,
                                                       Clock& clock);

// ZULIP_REALM, ZULIP_BOT_EMAIL and ZULIP_API_KEY set: the Zulip client; otherwise nullptr.
std::unique_ptr<notify::ZulipClient> MakeZulipClient(const Settings& settings, net::HttpClient& http);

}  // namespace reflector::app
