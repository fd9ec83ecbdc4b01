#pragma once
// The OpenAI-compatible chat backend: topics, title and summaries asked of a model behind
// `POST {base_url}/chat/completions` (OpenAI, vLLM, Ollama, LiteLLM, llama.cpp's server, ...).
// Prompts and answer parsing live in prompts.hpp; the policies (retries, re-asking, fallback)
// are described in ../README.md.
//
// Thread-safe: any number of threads may call any method at once. At most
// `max_concurrent_requests` requests of one instance are in flight at any time, whichever
// methods they come from; callers beyond that wait (and stop waiting when their stop token
// fires).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "llm/openai/prompts.hpp"
#include "llm/summarizer.hpp"
#include "net/http_client.hpp"

namespace reflector::llm {

struct OpenAiOptions {
  std::string base_url;  // LLM_URL, ending in /v1 ("http://host:port/v1"); a trailing '/' is ignored
  std::string api_key;   // LLM_API_KEY; sent as "Authorization: Bearer <key>" when not empty
  std::string model;     // LLM_MODEL, sent as "model"
  // LLM_CONTEXT_WINDOW, in tokens. Caps the transcript text of one prompt at about 4 characters
  // per token of what is left after the answer (max_tokens, or 1024 when unset) and the
  // instructions.
  int context_window = 16000;
  // LLM_PARSE_MAX_RETRIES: how many times an answer that cannot be used is asked again (with the
  // answer and the reason shown to the model) before the fallback (or a terminal error).
  int parse_max_retries = 3;
  double request_timeout_seconds = 120;  // one HTTP exchange
  int max_concurrent_requests = 2;       // requests of this instance in flight at once
  int max_tokens = 0;                    // "max_tokens" of each request; 0 = not sent (server default)
  double temperature = 0.2;
  // Asks for JSON output (`"response_format": {"type": "json_object"}`) in the calls whose answer
  // is a JSON object. Supported by OpenAI, vLLM, Ollama, LiteLLM and llama.cpp's servers, where
  // it constrains the output to valid JSON; turn off for a server that refuses the field.
  bool json_response_format = true;
  // Transport retries: 429 (Retry-After honoured, at most max_retry_after_seconds), 408, 5xx,
  // timeouts and connection errors are tried `max_attempts` times in all, waiting
  // initial_backoff_seconds × 2^(n-1), at most max_backoff_seconds, between attempts.
  int max_attempts = 4;
  double initial_backoff_seconds = 0.5;
  double max_backoff_seconds = 8;
  double max_retry_after_seconds = 60;
  // Answers for a call whose answers could not be used after the retries (not owned; may be
  // null: then such a call is a terminal error). Usually the extractive backend.
  Summarizer* fallback = nullptr;
};

class OpenAiSummarizer final : public Summarizer {
 public:
  static constexpr std::string_view kBackend = "openai";

  // Checks the options (URL scheme, model, positive limits); errors are kInvalidInput naming the
  // option. `http` and `clock` (used for the waits between attempts) must outlive the
  // summarizer.
  static Result<std::unique_ptr<OpenAiSummarizer>> Create(OpenAiOptions options, net::HttpClient& http,
                                                          Clock& clock);
  ~OpenAiSummarizer() override;
  OpenAiSummarizer(const OpenAiSummarizer&) = delete;
  OpenAiSummarizer& operator=(const OpenAiSummarizer&) = delete;

  // One call: {"title", "summary"} of the chunk, with the chunk's speakers named. An empty
  // chunk gives empty strings without a call.
  Result<TopicDraft> DescribeTopic(std::span<const Word> chunk, const SpeakerNames& names,
                                   std::stop_token stop) override;

  // One call: the meeting title from the topic titles, CleanTitle applied, at most
  // kMaxTitleWords words. No titled topics give "" without a call.
  Result<std::string> Title(std::span<const TopicDraft> topics, std::stop_token stop) override;

  // 1 + n + 1 calls: the subjects (at most kMaxSubjects), one paragraph per subject (these run
  // concurrently), then the recap; laid out with SummaryMarkdown. No topics give an empty
  // draft without a call. A subject whose paragraph cannot be had is left out (when a fallback
  // is set); see ../README.md for the other fallbacks.
  Result<SummaryDraft> Summarize(std::span<const TopicDraft> topics, std::span<const Word> words,
                                 const SpeakerNames& names, std::stop_token stop) override;

  std::string_view Backend() const override { return kBackend; }
  // "<model>/<kPromptVersion>", e.g. "smollm2-135m-instruct/prompts-v1".
  std::string_view Model() const override { return model_id_; }

  // Code points of transcript text one prompt may carry (derived from context_window).
  [[nodiscard]] std::size_t PromptBudgetChars() const { return budget_chars_; }

 private:
  class CallSlots;
  struct Answer {
    std::string content;
    bool cut_off = false;  // finish_reason "length"
  };

  OpenAiSummarizer(OpenAiOptions options, net::HttpClient& http, Clock& clock);

  // One chat completion with transport retries. Cancelled when `stop` fires; retryable errors
  // after the last attempt; terminal errors for 4xx and unreadable responses.
  Result<Answer> Complete(std::string_view call, const std::vector<openai::ChatMessage>& messages,
                          bool json_answer, std::stop_token stop);

  // Asks until `parse` accepts the answer: the value, nullopt when no answer could be used after
  // parse_max_retries re-asks (the last reason in *problem), or Complete's error.
  template <typename T, typename Parse>
  Result<std::optional<T>> Ask(std::string_view call, const openai::Prompt& prompt, Parse&& parse,
                               std::stop_token stop, std::string* problem);

  Error Unusable(std::string_view call, const std::string& problem) const;
  Error Stopped(std::string_view call) const;

  OpenAiOptions options_;
  net::HttpClient& http_;
  Clock& clock_;
  std::string endpoint_;
  std::string model_id_;
  std::size_t budget_chars_ = 0;
  std::unique_ptr<CallSlots> slots_;
};

}  // namespace reflector::llm
