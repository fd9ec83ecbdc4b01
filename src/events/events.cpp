#include "events/events.hpp"

#include <array>
#include <cmath>

namespace reflector::events {
namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 10> kNames{{
    {EventType::kStatus, "STATUS"},
    {EventType::kDuration, "DURATION"},
    {EventType::kWaveform, "WAVEFORM"},
    {EventType::kTranscript, "TRANSCRIPT"},
    {EventType::kTopic, "TOPIC"},
    {EventType::kFinalTitle, "FINAL_TITLE"},
    {EventType::kFinalLongSummary, "FINAL_LONG_SUMMARY"},
    {EventType::kFinalShortSummary, "FINAL_SHORT_SUMMARY"},
    {EventType::kPipelineProgress, "PIPELINE_PROGRESS"},
    {EventType::kEngineFallback, "ENGINE_FALLBACK"},
}};

}  // namespace

std::string_view ToString(EventType type) {
  for (const auto& [value, name] : kNames) {
    if (value == type) return name;
  }
  return "STATUS";
}

Result<EventType> ParseEventType(std::string_view text) {
  for (const auto& [value, name] : kNames) {
    if (name == text) return value;
  }
  return Error::InvalidInput("unknown event type '" + std::string(text) + "'");
}

Json Event::ToMessage() const {
  return Json{{"event", ToString(type)}, {"data", data}};
}

Json StatusData(std::string_view value) {
  return Json{{"value", value}};
}
Json DurationData(double seconds) {
  return Json{{"duration", seconds}};
}
Json WaveformData(const std::vector<double>& waveform) {
  return Json{{"waveform", waveform}};
}
Json TranscriptData(std::string_view text) {
  return Json{{"text", text}, {"translation", nullptr}};
}
Json FinalTitleData(std::string_view title) {
  return Json{{"title", title}};
}
Json FinalLongSummaryData(std::string_view long_summary) {
  return Json{{"long_summary", long_summary}};
}
Json FinalShortSummaryData(std::string_view short_summary) {
  return Json{{"short_summary", short_summary}};
}
Json EngineFallbackData(std::string_view from, std::string_view to, std::string_view reason,
                        std::string_view error) {
  return Json{{"from", from}, {"to", to}, {"reason", reason}, {"error", error}};
}

std::string_view ToString(StepStatus status) {
  switch (status) {
    case StepStatus::kPending:
      return "pending";
    case StepStatus::kInProgress:
      return "in_progress";
    case StepStatus::kCompleted:
      return "completed";
    case StepStatus::kFailed:
      return "failed";
  }
  return "in_progress";
}

Json PipelineProgressData(const PipelineProgress& progress) {
  Json data = {{"workflow_id", progress.workflow_id},
               {"current_step", progress.current_step},
               {"step_index", progress.step_index},
               {"total_steps", progress.total_steps},
               {"step_status", ToString(progress.step_status)}};
  if (progress.track_index) data["track_index"] = *progress.track_index;
  if (progress.track_count) data["track_count"] = *progress.track_count;
  return data;
}

EventBus::Subscription& EventBus::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    if (bus_ != nullptr) bus_->Unsubscribe(id_);
    bus_ = other.bus_;
    id_ = other.id_;
    other.bus_ = nullptr;
  }
  return *this;
}

EventBus::Subscription::~Subscription() {
  if (bus_ != nullptr) bus_->Unsubscribe(id_);
}

EventBus::Subscription EventBus::Subscribe(std::string transcript_id, Callback callback) {
  std::lock_guard lock(mutex_);
  std::uint64_t id = next_id_++;
  subscribers_[id] = {std::move(transcript_id), std::make_shared<Callback>(std::move(callback))};
  return Subscription(this, id);
}

void EventBus::Publish(const Event& event) {
  std::vector<std::shared_ptr<Callback>> targets;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : subscribers_) {
      if (entry.first.empty() || entry.first == event.transcript_id) targets.push_back(entry.second);
    }
  }
  for (const auto& callback : targets)
    (*callback)(event);
}

void EventBus::Unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  subscribers_.erase(id);
}

Result<Event> PublishingEventLog::Append(std::string_view transcript_id, EventType type, const Json& data) {
  REFLECTOR_ASSIGN_OR_RETURN(Event event, log_.Append(transcript_id, type, data));
  bus_.Publish(event);
  return event;
}

Result<std::vector<Event>> PublishingEventLog::List(std::string_view transcript_id, std::int64_t after_seq) {
  return log_.List(transcript_id, after_seq);
}

Status PublishingEventLog::Clear(std::string_view transcript_id) {
  return log_.Clear(transcript_id);
}

Result<Event> MemoryEventLog::Append(std::string_view transcript_id, EventType type, const Json& data) {
  std::lock_guard lock(mutex_);
  auto& list = events_[std::string(transcript_id)];
  Event event{std::string(transcript_id), static_cast<std::int64_t>(list.size()) + 1, type, data,
              clock_.Now()};
  list.push_back(event);
  return event;
}

Result<std::vector<Event>> MemoryEventLog::List(std::string_view transcript_id, std::int64_t after_seq) {
  std::lock_guard lock(mutex_);
  std::vector<Event> out;
  auto it = events_.find(transcript_id);
  if (it == events_.end()) return out;
  for (const auto& event : it->second) {
    if (event.seq > after_seq) out.push_back(event);
  }
  return out;
}

Status MemoryEventLog::Clear(std::string_view transcript_id) {
  std::lock_guard lock(mutex_);
  auto it = events_.find(transcript_id);
  if (it != events_.end()) events_.erase(it);
  return Ok();
}

}  // namespace reflector::events
