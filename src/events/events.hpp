#pragma once
// Transcript events: the append-only log every task writes to, and the in-process bus that
// delivers new events to whoever watches a transcript (the CLI's progress line, the API's
// WebSocket). Payload shapes follow Reflector's event names.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace reflector::events {

enum class EventType {
  kStatus,
  kDuration,
  kWaveform,
  kTranscript,
  kTopic,
  kFinalTitle,
  kFinalLongSummary,
  kFinalShortSummary,
  kPipelineProgress,
  kEngineFallback,  // the workflow runs on another engine than the one configured (and why)
};

std::string_view ToString(EventType type);
Result<EventType> ParseEventType(std::string_view text);

struct Event {
  std::string transcript_id;
  std::int64_t seq = 0;  // 1, 2, 3... per transcript
  EventType type = EventType::kStatus;
  Json data = Json::object();
  WallTime created_at{};

  // {"event": "STATUS", "data": {...}} as the WebSocket sends it.
  [[nodiscard]] Json ToMessage() const;
};

// Payloads.
Json StatusData(std::string_view value);
Json DurationData(double seconds);
Json WaveformData(const std::vector<double>& waveform);
Json TranscriptData(std::string_view text);
Json FinalTitleData(std::string_view title);
Json FinalLongSummaryData(std::string_view long_summary);
Json FinalShortSummaryData(std::string_view short_summary);
// ENGINE_FALLBACK: {"from", "to", "reason", "error"}: the engine that should have run the
// workflow, the one that runs it, a short reason ("unreachable", "unhealthy", "refused") and
// the error that caused it.
Json EngineFallbackData(std::string_view from, std::string_view to, std::string_view reason,
                        std::string_view error);

enum class StepStatus { kPending, kInProgress, kCompleted, kFailed };
std::string_view ToString(StepStatus status);

struct PipelineProgress {
  std::string workflow_id;
  std::string current_step;
  int step_index = 0;  // 1-based position in the workflow's step list
  int total_steps = 0;
  StepStatus step_status = StepStatus::kInProgress;
  std::optional<int> track_index;  // fork branches: which track (0-based)
  std::optional<int> track_count;
};
Json PipelineProgressData(const PipelineProgress& progress);

// Where events are stored. Append assigns the next sequence number atomically.
class EventLog {
 public:
  virtual ~EventLog() = default;
  virtual Result<Event> Append(std::string_view transcript_id, EventType type, const Json& data) = 0;
  // Events with seq > after_seq, in order.
  virtual Result<std::vector<Event>> List(std::string_view transcript_id, std::int64_t after_seq = 0) = 0;
  // Removes every event of the transcript (a re-run starts a fresh log).
  virtual Status Clear(std::string_view transcript_id) = 0;
};

// Delivers published events to subscribers in this process. Thread-safe; callbacks run on the
// publishing thread and must be quick.
class EventBus {
 public:
  using Callback = std::function<void(const Event&)>;

  class Subscription {
   public:
    Subscription() = default;
    Subscription(EventBus* bus, std::uint64_t id) : bus_(bus), id_(id) {}
    Subscription(Subscription&& other) noexcept { *this = std::move(other); }
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription();

   private:
    EventBus* bus_ = nullptr;
    std::uint64_t id_ = 0;
  };

  // `transcript_id` empty: every transcript.
  [[nodiscard]] Subscription Subscribe(std::string transcript_id, Callback callback);
  void Publish(const Event& event);

 private:
  void Unsubscribe(std::uint64_t id);
  std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::pair<std::string, std::shared_ptr<Callback>>> subscribers_;
};

// An EventLog that also publishes every appended event on a bus.
class PublishingEventLog final : public EventLog {
 public:
  PublishingEventLog(EventLog& log, EventBus& bus) : log_(log), bus_(bus) {}
  Result<Event> Append(std::string_view transcript_id, EventType type, const Json& data) override;
  Result<std::vector<Event>> List(std::string_view transcript_id, std::int64_t after_seq = 0) override;
  Status Clear(std::string_view transcript_id) override;

 private:
  EventLog& log_;
  EventBus& bus_;
};

// In memory, for tests and tools.
class MemoryEventLog final : public EventLog {
 public:
  explicit MemoryEventLog(Clock& clock) : clock_(clock) {}
  Result<Event> Append(std::string_view transcript_id, EventType type, const Json& data) override;
  Result<std::vector<Event>> List(std::string_view transcript_id, std::int64_t after_seq = 0) override;
  Status Clear(std::string_view transcript_id) override;

 private:
  Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, std::vector<Event>, std::less<>> events_;
};

}  // namespace reflector::events
