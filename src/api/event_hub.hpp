#pragma once
// Delivers a transcript's events to the WebSocket clients watching it, in sequence order, each
// once: events appended in this process arrive from the in-process bus at once; events
// appended by other processes (Conductor workers) arrive through Notify (PostgreSQL
// LISTEN/NOTIFY, see store/event_notifications.hpp), and are read back from the database by
// sequence, so a gap or a duplicate from either source is repaired or dropped.
//
// It also keeps each watched workflow's DAG_STATUS current (a refresh after every event and a
// poll of running workflows every `poll_interval`), hands every workflow snapshot it reads to
// an observer (metrics), and fans user-level events (TRANSCRIPT_STATUS, ...) out to the user
// sockets.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/dag_status.hpp"
#include "core/json.hpp"
#include "engine/engine.hpp"
#include "events/events.hpp"
#include "service/service_context.hpp"

namespace reflector::api {

// Receives messages for one socket; must be quick and thread-safe.
using MessageSink = std::function<void(const std::string& message)>;

struct EventHubOptions {
  std::chrono::milliseconds poll_interval{1000};
  // Told about every workflow snapshot read (may be empty).
  std::function<void(const engine::WorkflowSnapshot&)> snapshot_observer;
  // The definitions workflows follow: DAG_STATUS lists every step of a run's definition (a run
  // whose definition is not here: the tasks scheduled so far).
  std::vector<WorkflowShape> workflows;
};

class EventHub {
 public:
  // `context` (database, clock, engine, bus) must outlive the hub.
  EventHub(service::ServiceContext& context, events::EventLog& log, EventHubOptions options = {});
  ~EventHub();
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  class Watch {
   public:
    Watch(EventHub* hub, std::uint64_t id) : hub_(hub), id_(id) {}
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    ~Watch();

   private:
    EventHub* hub_;
    std::uint64_t id_;
  };

  // Watches a transcript: replays its stored events (without TRANSCRIPT and STATUS, as
  // Reflector does) and its latest DAG_STATUS into `sink`, then every new event, each once and
  // in order. Messages are {"event": NAME, "data": {...}, "seq": N} (DAG_STATUS, a snapshot, has
  // no seq). A client that saw events up to `since_seq` gets only the later ones replayed.
  std::unique_ptr<Watch> WatchTranscript(const std::string& transcript_id, MessageSink sink,
                                         std::int64_t since_seq = 0);
  // Watches the user-level events of `user_id` (every user's when nullopt).
  std::unique_ptr<Watch> WatchUser(std::optional<std::string> user_id, MessageSink sink);

  // Another process appended events up to `seq` for the transcript.
  void Notify(const std::string& transcript_id, std::int64_t seq);
  // Notifications may have been missed (the PostgreSQL listener lost its connection and made it
  // again): reads back, by seq from the last one dispatched, the stored events of every transcript
  // a socket watches or whose workflow is running, and dispatches them as Notify does (each once,
  // in order). Safe to call from any thread.
  void CatchUpAll();
  // A user-level event from the API itself (TRANSCRIPT_CREATED, _DELETED, _RESTORED).
  void PublishUserEvent(const std::optional<std::string>& user_id, const std::string& event,
                        const Json& data);

  // The latest DAG_STATUS data of the transcript's workflow (read now when not cached), or null.
  Json DagStatus(const std::string& transcript_id, const std::optional<std::string>& workflow_id);
  std::size_t watchers() const;

 private:
  struct Watcher {
    std::string transcript_id;  // empty for a user watcher
    std::optional<std::string> user_id;
    bool user_level = false;
    std::int64_t last_seq = 0;
    std::shared_ptr<std::mutex> mutex = std::make_shared<std::mutex>();
    MessageSink sink;
  };
  struct TranscriptState {
    std::int64_t last_seq = -1;          // highest seq dispatched; -1 unknown
    std::optional<std::string> user_id;  // the owner, once `user_known`
    bool user_known = false;
    std::optional<bool> shadow;  // a hidden shadow transcript, once known: no user-level events
    std::optional<std::string> workflow_id;
    std::string dag_message;  // the last DAG_STATUS sent
    bool active = true;       // refresh its DAG on the poll
  };

  void OnEvent(const events::Event& event);
  // Dispatches every stored event of the transcript after the last dispatched one.
  void CatchUp(const std::string& transcript_id, std::int64_t up_to);
  void Dispatch(const events::Event& event);
  // The user-level event mirrored from `event` (if any) for the transcript owner's sockets.
  void DispatchUser(const events::Event& event);
  // The transcript's owner (read from the database the first time).
  std::optional<std::string> OwnerOf(const std::string& transcript_id);
  // Whether the transcript is a shadow run's (hidden from its owner's lists).
  bool IsShadow(const std::string& transcript_id);
  void RefreshDag(const std::string& transcript_id);
  void PollLoop(std::stop_token stop);
  void Unwatch(std::uint64_t id);
  std::vector<std::shared_ptr<Watcher>> WatchersOf(const std::string& transcript_id);

  service::ServiceContext& context_;
  events::EventLog& log_;
  EventHubOptions options_;
  mutable std::mutex mutex_;
  std::mutex dispatch_mutex_;  // one dispatch at a time keeps every transcript's order
  std::map<std::uint64_t, std::shared_ptr<Watcher>> watchers_;
  std::map<std::string, TranscriptState> transcripts_;
  std::uint64_t next_id_ = 1;
  events::EventBus::Subscription subscription_;
  std::condition_variable_any wake_;
  std::set<std::string> dag_pending_;
  std::jthread poller_;  // last: stopped first
};

}  // namespace reflector::api
