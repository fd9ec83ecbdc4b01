#include "api/event_hub.hpp"

#include <cmath>
#include <limits>

#include "api/dag_status.hpp"
#include "core/log.hpp"
#include "store/shadow_runs.hpp"
#include "store/transcripts.hpp"

namespace reflector::api {
namespace {

// {"event", "data"} as Reflector sends it; durations in milliseconds (reflector-api.md §6). Plus
// the event's "seq", which Reflector's clients ignore and a reconnecting client passes back as
// `since_seq` to get only what it missed.
std::string EventMessage(const events::Event& event) {
  Json message = event.ToMessage();
  message["seq"] = event.seq;
  if (event.type == events::EventType::kDuration && message["data"].contains("duration") &&
      message["data"]["duration"].is_number()) {
    message["data"]["duration"] = std::llround(message["data"]["duration"].get<double>() * 1000.0);
  }
  return DumpCompact(message);
}

// The user-level event mirrored from a transcript event, or null.
Json UserLevelMessage(const events::Event& event) {
  const std::string& id = event.transcript_id;
  switch (event.type) {
    case events::EventType::kStatus:
      return Json{{"event", "TRANSCRIPT_STATUS"},
                  {"data", {{"id", id}, {"value", event.data.value("value", "")}}}};
    case events::EventType::kFinalTitle:
      return Json{{"event", "TRANSCRIPT_FINAL_TITLE"},
                  {"data", {{"id", id}, {"title", event.data.value("title", "")}}}};
    case events::EventType::kDuration:
      return Json{
          {"event", "TRANSCRIPT_DURATION"},
          {"data", {{"id", id}, {"duration", std::llround(event.data.value("duration", 0.0) * 1000.0)}}}};
    default:
      return nullptr;
  }
}

}  // namespace

EventHub::Watch::~Watch() {
  if (hub_ != nullptr) hub_->Unwatch(id_);
}

EventHub::EventHub(service::ServiceContext& context, events::EventLog& log, EventHubOptions options)
    : context_(context), log_(log), options_(std::move(options)) {
  if (context_.bus != nullptr) {
    subscription_ = context_.bus->Subscribe("", [this](const events::Event& event) { OnEvent(event); });
  }
  poller_ = std::jthread([this](std::stop_token stop) { PollLoop(stop); });
}

EventHub::~EventHub() {
  subscription_ = {};
  poller_.request_stop();
  wake_.notify_all();
}

std::size_t EventHub::watchers() const {
  std::lock_guard lock(mutex_);
  return watchers_.size();
}

std::vector<std::shared_ptr<EventHub::Watcher>> EventHub::WatchersOf(const std::string& transcript_id) {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Watcher>> found;
  for (const auto& [id, watcher] : watchers_) {
    if (!watcher->user_level && watcher->transcript_id == transcript_id) found.push_back(watcher);
  }
  return found;
}

void EventHub::Dispatch(const events::Event& event) {
  const std::string message = EventMessage(event);
  for (const auto& watcher : WatchersOf(event.transcript_id)) {
    std::lock_guard lock(*watcher->mutex);
    if (event.seq <= watcher->last_seq) continue;
    watcher->last_seq = event.seq;
    watcher->sink(message);
  }
  {
    std::lock_guard lock(mutex_);
    TranscriptState& state = transcripts_[event.transcript_id];
    state.last_seq = std::max(state.last_seq, event.seq);
    state.active = true;
  }
  DispatchUser(event);
}

void EventHub::DispatchUser(const events::Event& event) {
  const Json message = UserLevelMessage(event);
  if (message.is_null() || IsShadow(event.transcript_id)) return;
  PublishUserEvent(OwnerOf(event.transcript_id), message["event"].get<std::string>(), message["data"]);
}

std::optional<std::string> EventHub::OwnerOf(const std::string& transcript_id) {
  {
    std::lock_guard lock(mutex_);
    const TranscriptState& state = transcripts_[transcript_id];
    if (state.user_known) return state.user_id;
  }
  store::Transcripts transcripts(*context_.database, *context_.clock);
  auto transcript = transcripts.Get(transcript_id);
  if (!transcript) return std::nullopt;
  std::lock_guard lock(mutex_);
  TranscriptState& state = transcripts_[transcript_id];
  state.user_id = transcript->user_id;
  state.user_known = true;
  return state.user_id;
}

bool EventHub::IsShadow(const std::string& transcript_id) {
  {
    std::lock_guard lock(mutex_);
    const TranscriptState& state = transcripts_[transcript_id];
    if (state.shadow) return *state.shadow;
  }
  store::ShadowRuns runs(*context_.database, *context_.clock);
  auto shadow = runs.IsShadowTranscript(transcript_id);
  if (!shadow) return false;  // asked again with the next event
  std::lock_guard lock(mutex_);
  transcripts_[transcript_id].shadow = *shadow;
  return *shadow;
}

void EventHub::PublishUserEvent(const std::optional<std::string>& user_id, const std::string& event,
                                const Json& data) {
  const std::string message = DumpCompact(Json{{"event", event}, {"data", data}});
  std::vector<std::shared_ptr<Watcher>> targets;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, watcher] : watchers_) {
      if (watcher->user_level && (!watcher->user_id || watcher->user_id == user_id))
        targets.push_back(watcher);
    }
  }
  for (const auto& watcher : targets) {
    std::lock_guard lock(*watcher->mutex);
    watcher->sink(message);
  }
}

void EventHub::CatchUp(const std::string& transcript_id, std::int64_t up_to) {
  std::int64_t last = 0;
  {
    std::lock_guard lock(mutex_);
    last = std::max<std::int64_t>(transcripts_[transcript_id].last_seq, 0);
  }
  if (up_to <= last) return;
  auto stored = log_.List(transcript_id, last);
  if (!stored) {
    log::Warn("cannot read new events",
              {{"transcript_id", transcript_id}, {"error", stored.error().Describe()}});
    return;
  }
  for (const auto& event : *stored)
    Dispatch(event);
}

void EventHub::OnEvent(const events::Event& event) {
  {
    std::lock_guard dispatch(dispatch_mutex_);
    std::int64_t last = 0;
    {
      std::lock_guard lock(mutex_);
      TranscriptState& state = transcripts_[event.transcript_id];
      if (state.last_seq < 0) state.last_seq = event.seq - 1;
      last = state.last_seq;
    }
    if (event.seq == last + 1) {
      Dispatch(event);
    } else if (event.seq > last + 1) {
      CatchUp(event.transcript_id, event.seq);
    }
  }
  std::lock_guard lock(mutex_);
  dag_pending_.insert(event.transcript_id);
  wake_.notify_all();
}

void EventHub::Notify(const std::string& transcript_id, std::int64_t seq) {
  {
    std::lock_guard dispatch(dispatch_mutex_);
    bool known = false;
    {
      std::lock_guard lock(mutex_);
      TranscriptState& state = transcripts_[transcript_id];
      known = state.last_seq >= 0;
      if (!known) state.last_seq = seq - 1;
    }
    CatchUp(transcript_id, seq);
  }
  std::lock_guard lock(mutex_);
  dag_pending_.insert(transcript_id);
  wake_.notify_all();
}

void EventHub::CatchUpAll() {
  std::set<std::string> followed;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, watcher] : watchers_) {
      if (!watcher->user_level) followed.insert(watcher->transcript_id);
    }
    for (const auto& [transcript_id, state] : transcripts_) {
      if (state.active && state.last_seq >= 0) followed.insert(transcript_id);
    }
  }
  {
    std::lock_guard dispatch(dispatch_mutex_);
    for (const std::string& transcript_id : followed)
      CatchUp(transcript_id, std::numeric_limits<std::int64_t>::max());
  }
  std::lock_guard lock(mutex_);
  dag_pending_.insert(followed.begin(), followed.end());
  wake_.notify_all();
}

std::unique_ptr<EventHub::Watch> EventHub::WatchTranscript(const std::string& transcript_id, MessageSink sink,
                                                           std::int64_t since_seq) {
  auto watcher = std::make_shared<Watcher>();
  watcher->transcript_id = transcript_id;
  watcher->sink = std::move(sink);
  std::lock_guard replaying(*watcher->mutex);  // live events wait until the replay is sent
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    watchers_[id] = watcher;
  }
  auto stored = log_.List(transcript_id, 0);
  if (stored) {
    for (const auto& event : *stored) {
      watcher->last_seq = std::max(watcher->last_seq, event.seq);
      if (event.type == events::EventType::kTranscript || event.type == events::EventType::kStatus ||
          event.seq <= since_seq) {
        continue;
      }
      watcher->sink(EventMessage(event));
    }
    // Nothing dispatched for the transcript yet: new events start after the replayed ones (a
    // notification may cover several events from another process).
    std::lock_guard lock(mutex_);
    TranscriptState& state = transcripts_[transcript_id];
    if (state.last_seq < 0) state.last_seq = watcher->last_seq;
  }
  store::Transcripts transcripts(*context_.database, *context_.clock);
  if (auto transcript = transcripts.Get(transcript_id)) {
    Json dag = DagStatus(transcript_id, transcript->workflow_id);
    if (!dag.is_null()) watcher->sink(DumpCompact(Json{{"event", "DAG_STATUS"}, {"data", dag}}));
  }
  return std::make_unique<Watch>(this, id);
}

std::unique_ptr<EventHub::Watch> EventHub::WatchUser(std::optional<std::string> user_id, MessageSink sink) {
  auto watcher = std::make_shared<Watcher>();
  watcher->user_level = true;
  watcher->user_id = std::move(user_id);
  watcher->sink = std::move(sink);
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  watchers_[id] = watcher;
  return std::make_unique<Watch>(this, id);
}

void EventHub::Unwatch(std::uint64_t id) {
  std::shared_ptr<Watcher> gone;
  {
    std::lock_guard lock(mutex_);
    auto found = watchers_.find(id);
    if (found == watchers_.end()) return;
    gone = found->second;
    watchers_.erase(found);
  }
  std::lock_guard wait_for_sink(*gone->mutex);  // no sink call runs after this returns
}

Json EventHub::DagStatus(const std::string& transcript_id, const std::optional<std::string>& workflow_id) {
  {
    std::lock_guard lock(mutex_);
    auto found = transcripts_.find(transcript_id);
    if (found != transcripts_.end() && !found->second.dag_message.empty() &&
        found->second.workflow_id == workflow_id) {
      return ParseJson(found->second.dag_message, "DAG_STATUS").value()["data"];
    }
  }
  if (!workflow_id || context_.engine == nullptr) return nullptr;
  auto snapshot = context_.engine->Get(*workflow_id);
  if (!snapshot) return nullptr;
  return DagStatusData(*snapshot, FindShape(options_.workflows, snapshot->workflow));
}

void EventHub::RefreshDag(const std::string& transcript_id) {
  store::Transcripts transcripts(*context_.database, *context_.clock);
  auto transcript = transcripts.Get(transcript_id);
  if (!transcript || !transcript->workflow_id || context_.engine == nullptr) return;
  auto snapshot = context_.engine->Get(*transcript->workflow_id);
  if (!snapshot) return;
  if (options_.snapshot_observer) options_.snapshot_observer(*snapshot);
  const Json data = DagStatusData(*snapshot, FindShape(options_.workflows, snapshot->workflow));
  const std::string message = DumpCompact(Json{{"event", "DAG_STATUS"}, {"data", data}});
  {
    std::lock_guard lock(mutex_);
    TranscriptState& state = transcripts_[transcript_id];
    state.user_id = transcript->user_id;
    state.user_known = true;
    state.active = !engine::IsTerminal(snapshot->workflow.status);
    if (state.dag_message == message && state.workflow_id == transcript->workflow_id) return;
    state.dag_message = message;
    state.workflow_id = transcript->workflow_id;
  }
  for (const auto& watcher : WatchersOf(transcript_id)) {
    std::lock_guard lock(*watcher->mutex);
    watcher->sink(message);
  }
}

void EventHub::PollLoop(std::stop_token stop) {
  auto next_poll = std::chrono::steady_clock::now() + options_.poll_interval;
  while (!stop.stop_requested()) {
    std::set<std::string> due;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, stop, next_poll, [&] { return !dag_pending_.empty(); });
      if (stop.stop_requested()) return;
      due.swap(dag_pending_);
      if (std::chrono::steady_clock::now() >= next_poll) {
        next_poll = std::chrono::steady_clock::now() + options_.poll_interval;
        for (const auto& [id, state] : transcripts_) {
          if (state.active) due.insert(id);
        }
      }
    }
    for (const std::string& transcript_id : due)
      RefreshDag(transcript_id);
  }
}

}  // namespace reflector::api
