#include "llm/openai/openai_summarizer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <future>
#include <mutex>
#include <system_error>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "llm/text.hpp"

namespace reflector::llm {

using openai::ChatMessage;
using openai::Prompt;

namespace {

constexpr int kDefaultAnswerTokens = 1024;  // reserved for the answer when max_tokens is unset
constexpr int kInstructionTokens = 400;     // reserved for the instructions around the transcript
constexpr int kCharsPerToken = 4;
constexpr std::size_t kMinBudgetChars = 1000;
constexpr std::size_t kMaxEchoedAnswerChars = 2000;  // of a failed answer, shown back to the model

std::chrono::milliseconds Milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(std::max(0.0, seconds) * 1000.0)));
}

std::string CutCodePoints(std::string_view text, std::size_t max_chars) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0U) == 0x80U) continue;
    if (count == max_chars) return std::string(text.substr(0, i));
    ++count;
  }
  return std::string(text);
}

// Statuses worth another attempt. A 429 that says the quota is used up is not: waiting does
// not refill it.
bool RetryableStatus(const net::HttpResponse& response) {
  if (response.status == 429) return response.body.find("insufficient_quota") == std::string::npos;
  return response.status == 408 || response.status >= 500;
}

}  // namespace

// A counting semaphore whose waits end when the caller's stop token fires.
class OpenAiSummarizer::CallSlots {
 public:
  explicit CallSlots(int count) : free_(count) {}

  bool Acquire(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    if (!available_.wait(lock, stop, [&] { return free_ > 0; })) return false;
    --free_;
    return true;
  }

  void Release() {
    {
      std::lock_guard lock(mutex_);
      ++free_;
    }
    available_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable_any available_;
  int free_;
};

Result<std::unique_ptr<OpenAiSummarizer>> OpenAiSummarizer::Create(OpenAiOptions options,
                                                                   net::HttpClient& http, Clock& clock) {
  std::vector<std::string> problems;
  if (!options.base_url.starts_with("http://") && !options.base_url.starts_with("https://")) {
    problems.push_back("base_url (LLM_URL) must start with http:// or https://, got '" + options.base_url +
                       "'");
  }
  if (options.model.empty()) problems.push_back("model (LLM_MODEL) is empty");
  if (options.context_window < 256) {
    problems.push_back("context_window (LLM_CONTEXT_WINDOW) must be at least 256 tokens, got " +
                       std::to_string(options.context_window));
  }
  if (options.parse_max_retries < 0) {
    problems.push_back("parse_max_retries (LLM_PARSE_MAX_RETRIES) must not be negative, got " +
                       std::to_string(options.parse_max_retries));
  }
  if (!(options.request_timeout_seconds > 0)) problems.push_back("request_timeout_seconds must be positive");
  if (options.max_concurrent_requests < 1) problems.push_back("max_concurrent_requests must be at least 1");
  if (options.max_tokens < 0) problems.push_back("max_tokens must not be negative");
  if (options.max_attempts < 1) problems.push_back("max_attempts must be at least 1");
  if (!(options.initial_backoff_seconds >= 0) || !(options.max_backoff_seconds >= 0) ||
      !(options.max_retry_after_seconds >= 0)) {
    problems.push_back("backoff times must not be negative");
  }
  if (!problems.empty()) {
    std::string message = "openai summarizer options: ";
    for (std::size_t i = 0; i < problems.size(); ++i)
      message += (i == 0 ? "" : "; ") + problems[i];
    return Error::InvalidInput(message);
  }
  return std::unique_ptr<OpenAiSummarizer>(new OpenAiSummarizer(std::move(options), http, clock));
}

OpenAiSummarizer::OpenAiSummarizer(OpenAiOptions options, net::HttpClient& http, Clock& clock)
    : options_(std::move(options)), http_(http), clock_(clock) {
  std::string base = options_.base_url;
  while (base.ends_with('/'))
    base.pop_back();
  endpoint_ = base + "/chat/completions";
  model_id_ = options_.model + "/" + std::string(openai::kPromptVersion);
  const int answer_tokens = options_.max_tokens > 0 ? options_.max_tokens : kDefaultAnswerTokens;
  const long long tokens =
      static_cast<long long>(options_.context_window) - answer_tokens - kInstructionTokens;
  budget_chars_ = std::max(kMinBudgetChars, static_cast<std::size_t>(std::max(0LL, tokens) * kCharsPerToken));
  slots_ = std::make_unique<CallSlots>(options_.max_concurrent_requests);
}

OpenAiSummarizer::~OpenAiSummarizer() = default;

Error OpenAiSummarizer::Stopped(std::string_view call) const {
  return Error::Cancelled("llm " + std::string(call) + ": stopped before it finished");
}

Error OpenAiSummarizer::Unusable(std::string_view call, const std::string& problem) const {
  return Error::Terminal(ErrorKind::kExternal, "llm " + std::string(call) + ": no usable answer from model " +
                                                   options_.model + " after " +
                                                   std::to_string(options_.parse_max_retries + 1) +
                                                   " attempts: " + problem);
}

Result<OpenAiSummarizer::Answer> OpenAiSummarizer::Complete(std::string_view call,
                                                            const std::vector<ChatMessage>& messages,
                                                            bool json_answer, std::stop_token stop) {
  const std::string what = "llm " + std::string(call);
  Json body = {{"model", options_.model}, {"messages", Json::array()}, {"temperature", options_.temperature}};
  for (const ChatMessage& message : messages)
    body["messages"].push_back({{"role", message.role}, {"content", message.content}});
  if (options_.max_tokens > 0) body["max_tokens"] = options_.max_tokens;
  if (json_answer && options_.json_response_format) body["response_format"] = {{"type", "json_object"}};

  net::HttpRequest request;
  request.method = "POST";
  request.url = endpoint_;
  request.headers.emplace_back("Content-Type", "application/json");
  if (!options_.api_key.empty()) request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
  request.body = DumpCompact(body);
  request.timeout = Milliseconds(options_.request_timeout_seconds);

  Error last;
  for (int attempt = 1;; ++attempt) {
    if (stop.stop_requested()) return Stopped(call);
    std::optional<std::chrono::milliseconds> retry_after;
    {
      if (!slots_->Acquire(stop)) return Stopped(call);
      const auto started = std::chrono::steady_clock::now();
      Result<net::HttpResponse> response = http_.Send(request, stop);
      slots_->Release();
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

      if (!response.ok()) {
        if (response.error().kind == ErrorKind::kCancelled || stop.stop_requested()) return Stopped(call);
        if (!response.error().retryable) return response.error().WithContext(what);
        last = response.error();
      } else if (response->ok()) {
        auto json = ParseJson(response->body, "chat completion response");
        if (!json.ok()) {
          return Error::Terminal(ErrorKind::kExternal,
                                 what + ": POST " + endpoint_ + ": " + json.error().message);
        }
        const Json& choices = json->contains("choices") ? (*json)["choices"] : Json();
        if (!choices.is_array() || choices.empty() || !choices[0].is_object() ||
            !choices[0].contains("message") || !choices[0]["message"].is_object()) {
          return Error::Terminal(ErrorKind::kExternal,
                                 what + ": POST " + endpoint_ + ": response has no choices[0].message");
        }
        const Json& message = choices[0]["message"];
        Answer answer;
        if (message.contains("content") && message["content"].is_string()) {
          answer.content = message["content"].get<std::string>();
        }
        answer.cut_off = choices[0].value("finish_reason", Json()) == "length";
        const Json usage = json->value("usage", Json::object());
        log::Debug("llm call",
                   {{"call", call},
                    {"attempt", attempt},
                    {"seconds", seconds},
                    {"prompt_tokens", usage.is_object() ? usage.value("prompt_tokens", 0) : 0},
                    {"completion_tokens", usage.is_object() ? usage.value("completion_tokens", 0) : 0},
                    {"cut_off", answer.cut_off}});
        return answer;
      } else {
        Error error = net::HttpStatusError(*response, what + ": POST " + endpoint_);
        if (!RetryableStatus(*response)) {
          if (error.kind == ErrorKind::kUnavailable) error.kind = ErrorKind::kExternal;
          error.retryable = false;
          return error;
        }
        error.kind = ErrorKind::kUnavailable;
        error.retryable = true;
        last = std::move(error);
        retry_after = net::RetryAfter(*response);
      }
    }
    if (attempt >= options_.max_attempts) {
      Error error = last.message.starts_with(what) ? last : last.WithContext(what);
      error.message += " (gave up after " + std::to_string(attempt) + " attempts)";
      error.retryable = true;
      return error;
    }
    const double backoff =
        std::min(options_.max_backoff_seconds, options_.initial_backoff_seconds * std::pow(2.0, attempt - 1));
    const std::chrono::milliseconds delay =
        retry_after ? std::min(*retry_after, Milliseconds(options_.max_retry_after_seconds))
                    : Milliseconds(backoff);
    log::Warn("llm request failed, trying again",
              {{"call", call},
               {"attempt", attempt},
               {"delay_seconds", static_cast<double>(delay.count()) / 1000.0},
               {"error", last.message}});
    if (!clock_.SleepFor(delay, stop)) return Stopped(call);
  }
}

template <typename T, typename Parse>
Result<std::optional<T>> OpenAiSummarizer::Ask(std::string_view call, const Prompt& prompt, Parse&& parse,
                                               std::stop_token stop, std::string* problem) {
  std::vector<ChatMessage> messages = prompt.messages;
  const std::size_t asked = messages.size();
  for (int attempt = 0; attempt <= options_.parse_max_retries; ++attempt) {
    REFLECTOR_ASSIGN_OR_RETURN(Answer answer, Complete(call, messages, prompt.json, stop));
    Result<T> parsed = parse(answer);
    if (parsed.ok()) return std::optional<T>(std::move(parsed).value());
    *problem = parsed.error().message;
    if (answer.cut_off) *problem += " (the answer was cut off at the length limit)";
    log::Info("llm answer could not be used",
              {{"call", call}, {"attempt", attempt + 1}, {"problem", *problem}});
    // Only the latest failed answer is shown, so a prompt does not grow with each re-ask.
    messages.resize(asked);
    messages.push_back({"assistant", CutCodePoints(answer.content, kMaxEchoedAnswerChars)});
    messages.push_back({"user", openai::RetryMessage(*problem, prompt)});
  }
  return std::optional<T>();
}

Result<TopicDraft> OpenAiSummarizer::DescribeTopic(std::span<const Word> chunk, const SpeakerNames& names,
                                                   std::stop_token stop) {
  constexpr std::string_view kCall = "DescribeTopic";
  if (stop.stop_requested()) return Stopped(kCall);
  if (chunk.empty()) return TopicDraft{};
  std::string problem;
  REFLECTOR_ASSIGN_OR_RETURN(
      std::optional<TopicDraft> draft,
      Ask<TopicDraft>(
          kCall, openai::TopicPrompt(chunk, names, budget_chars_),
          [](const Answer& answer) { return openai::ParseTopicAnswer(answer.content); }, stop, &problem));
  if (draft) return std::move(*draft);
  if (options_.fallback == nullptr) return Unusable(kCall, problem);
  log::Warn("llm answers could not be used, taking the fallback's",
            {{"call", kCall}, {"fallback", options_.fallback->Backend()}, {"problem", problem}});
  return options_.fallback->DescribeTopic(chunk, names, stop);
}

Result<std::string> OpenAiSummarizer::Title(std::span<const TopicDraft> topics, std::stop_token stop) {
  constexpr std::string_view kCall = "Title";
  if (stop.stop_requested()) return Stopped(kCall);
  if (std::none_of(topics.begin(), topics.end(), [](const TopicDraft& t) { return !t.title.empty(); })) {
    return std::string();
  }
  std::string problem;
  REFLECTOR_ASSIGN_OR_RETURN(
      std::optional<std::string> title,
      Ask<std::string>(
          kCall, openai::TitlePrompt(topics, budget_chars_),
          [](const Answer& answer) { return openai::ParseTitleAnswer(answer.content); }, stop, &problem));
  if (title) return std::move(*title);
  if (options_.fallback == nullptr) return Unusable(kCall, problem);
  log::Warn("llm answers could not be used, taking the fallback's",
            {{"call", kCall}, {"fallback", options_.fallback->Backend()}, {"problem", problem}});
  return options_.fallback->Title(topics, stop);
}

Result<SummaryDraft> OpenAiSummarizer::Summarize(std::span<const TopicDraft> topics,
                                                 std::span<const Word> words, const SpeakerNames& names,
                                                 std::stop_token stop) {
  if (stop.stop_requested()) return Stopped("Summarize");
  if (topics.empty()) return SummaryDraft{};
  const std::string context = openai::MeetingContext(topics, words, names, budget_chars_);

  // The fallback's whole draft, computed at most once and only when needed.
  std::optional<Result<SummaryDraft>> fallback_draft;
  auto fallback_summary = [&](std::string_view call, const std::string& problem) -> Result<SummaryDraft> {
    log::Warn("llm answers could not be used, taking the fallback's",
              {{"call", call}, {"fallback", options_.fallback->Backend()}, {"problem", problem}});
    if (!fallback_draft) fallback_draft = options_.fallback->Summarize(topics, words, names, stop);
    return *fallback_draft;
  };

  // 1. Subjects.
  std::string problem;
  REFLECTOR_ASSIGN_OR_RETURN(
      std::optional<std::vector<std::string>> subjects,
      Ask<std::vector<std::string>>(
          "Summarize subjects", openai::SubjectsPrompt(context),
          [](const Answer& answer) { return openai::ParseSubjectsAnswer(answer.content); }, stop, &problem));
  if (!subjects) {
    if (options_.fallback == nullptr) return Unusable("Summarize subjects", problem);
    return fallback_summary("Summarize subjects", problem);
  }

  // 2. One paragraph per subject, concurrently (the call slots bound the requests in flight).
  std::vector<std::string> problems(subjects->size());
  std::vector<std::string> calls(subjects->size());
  std::vector<std::future<Result<std::optional<std::string>>>> futures;
  std::optional<Error> failure;
  try {
    for (std::size_t i = 0; i < subjects->size(); ++i) {
      calls[i] = "Summarize paragraph " + std::to_string(i + 1);
      futures.push_back(std::async(std::launch::async, [&, i] {
        return Ask<std::string>(
            calls[i], openai::ParagraphPrompt(context, (*subjects)[i]),
            [](const Answer& answer) { return openai::ParseParagraphAnswer(answer.content, answer.cut_off); },
            stop, &problems[i]);
      }));
    }
  } catch (const std::system_error& error) {
    failure = Error::Transient(ErrorKind::kUnavailable,
                               std::string("llm Summarize: could not start a thread: ") + error.what());
  }
  std::vector<SubjectParagraph> paragraphs;
  for (std::size_t i = 0; i < futures.size(); ++i) {
    Result<std::optional<std::string>> paragraph = futures[i].get();
    if (!paragraph.ok()) {
      if (!failure) failure = std::move(paragraph).error();
      continue;
    }
    if (*paragraph) {
      paragraphs.push_back({(*subjects)[i], std::move(**paragraph)});
    } else if (options_.fallback == nullptr) {
      if (!failure) failure = Unusable(calls[i], problems[i]);
    } else {
      log::Warn("llm answers could not be used, leaving the subject out",
                {{"call", calls[i]}, {"subject", (*subjects)[i]}, {"problem", problems[i]}});
    }
  }
  if (stop.stop_requested()) return Stopped("Summarize");
  if (failure) return *failure;
  if (paragraphs.empty()) return fallback_summary("Summarize paragraphs", problems.back());

  // 3. The recap.
  REFLECTOR_ASSIGN_OR_RETURN(
      std::optional<std::string> recap,
      Ask<std::string>(
          "Summarize recap",
          openai::RecapPrompt(openai::ParticipantsLine(words, names), paragraphs, budget_chars_),
          [](const Answer& answer) { return openai::ParseParagraphAnswer(answer.content, answer.cut_off); },
          stop, &problem));
  if (!recap) {
    if (options_.fallback == nullptr) return Unusable("Summarize recap", problem);
    Result<SummaryDraft> fallback = fallback_summary("Summarize recap", problem);
    if (!fallback.ok()) return std::move(fallback).error();
    recap = fallback->short_summary;
  }

  SummaryDraft draft;
  for (const SubjectParagraph& paragraph : paragraphs)
    draft.subjects.push_back(paragraph.subject);
  draft.long_summary = SummaryMarkdown(*recap, paragraphs);
  draft.short_summary = std::move(*recap);
  return draft;
}

}  // namespace reflector::llm
