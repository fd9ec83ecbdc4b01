#include "service/follow.hpp"

#include <condition_variable>
#include <mutex>

#include "service/engine_modes.hpp"
#include "store/transcripts.hpp"

namespace reflector::service {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Wakes the follower when this process appends an event of the transcript; without a bus (or
// for events of other processes) the poll interval bounds the delay.
class Wakeup {
 public:
  Wakeup(events::EventBus* bus, const std::string& transcript_id) {
    if (bus != nullptr) {
      subscription_ = bus->Subscribe(transcript_id, [this](const events::Event&) {
        {
          std::lock_guard lock(mutex_);
          pending_ = true;
        }
        cv_.notify_all();
      });
    }
  }

  // Waits until an event arrives, `timeout` passes or `stop` is requested; false when stopped.
  bool Wait(std::chrono::milliseconds timeout, std::stop_token stop) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, stop, timeout, [this] { return pending_; });
    pending_ = false;
    return !stop.stop_requested();
  }

 private:
  std::mutex mutex_;
  std::condition_variable_any cv_;
  bool pending_ = false;
  events::EventBus::Subscription subscription_;  // last: unsubscribes before the rest goes
};

// Hands the events after `seen` to the observer; returns the last seq handed over.
std::int64_t DeliverNewEvents(ServiceContext& context, const std::string& transcript_id, std::int64_t seen,
                              RunObserver& observer) {
  store::TranscriptEvents stored_events(*context.database, *context.clock);
  auto list = stored_events.List(transcript_id, seen);
  if (!list) return seen;
  for (const auto& stored : *list) {
    seen = stored.seq;
    auto type = events::ParseEventType(stored.event);
    if (!type) continue;
    events::Event event;
    event.transcript_id = transcript_id;
    event.seq = stored.seq;
    event.type = *type;
    event.data = stored.data;
    observer.OnEvent(event);
  }
  return seen;
}

bool AnyTaskStarted(const engine::WorkflowSnapshot& snapshot) {
  for (const auto& task : snapshot.tasks) {
    if (task.start_time != WallTime{}) return true;
  }
  return false;
}

std::string IdleNotice(std::string_view engine_name) {
  if (engine_name == "conductor")
    return "waiting for a worker to take the first task: start one with `reflector worker`";
  return "no task has started yet: the engine is busy with other workflows";
}

std::string DetachedMessage(std::string_view engine_name, const std::string& transcript_id,
                            const std::string& workflow_id) {
  if (engine_name == "conductor") {
    return "stopped following; the workflow keeps running on Conductor: reflector conductor status " +
           workflow_id;
  }
  return "interrupted; finish it with: reflector resume " + transcript_id;
}

// After the workflow ended without completing: the failure workflow records the failed step and
// reason (FAILED, TIMED_OUT); wait for it, and record the workflow's own reason when it does not
// come (or never will: TERMINATED), so the transcript never stays `processing`.
void EnsureFailureRecorded(ServiceContext& context, const std::string& transcript_id,
                           const engine::WorkflowSnapshot& ended, const FollowOptions& options) {
  store::Transcripts transcripts(*context.database, *context.clock);
  bool has_failure_workflow = ended.workflow.status != engine::WorkflowStatus::kTerminated;
  auto deadline =
      SteadyClock::now() + (has_failure_workflow ? options.failure_record_wait : std::chrono::seconds(0));
  for (;;) {
    auto transcript = transcripts.Get(transcript_id);
    if (transcript && transcript->status == store::TranscriptStatus::kError) return;
    if (SteadyClock::now() >= deadline) break;
    context.clock->SleepFor(options.poll_interval, {});
  }
  std::string reason = ended.workflow.reason.empty() ? std::string(engine::ToString(ended.workflow.status))
                                                     : ended.workflow.reason;
  (void)transcripts.SetFailure(transcript_id, "workflow", reason);
  (void)transcripts.SetStatus(transcript_id, store::TranscriptStatus::kError);
}

}  // namespace

Result<engine::WorkflowStatus> FollowRun(ServiceContext& context, const std::string& transcript_id,
                                         const std::string& workflow_id, RunObserver& observer,
                                         std::stop_token stop, FollowOptions options) {
  engine::Engine& engine = *context.engine;
  Wakeup wakeup(context.bus, transcript_id);
  std::int64_t seen = 0;
  auto started = SteadyClock::now();
  bool noticed = false;
  for (;;) {
    seen = DeliverNewEvents(context, transcript_id, seen, observer);
    auto snapshot = engine.Get(workflow_id);
    if (snapshot && engine::IsTerminal(snapshot->workflow.status)) {
      if (snapshot->workflow.status != engine::WorkflowStatus::kCompleted)
        EnsureFailureRecorded(context, transcript_id, *snapshot, options);
      DeliverNewEvents(context, transcript_id, seen, observer);
      return snapshot->workflow.status;
    }
    if (!snapshot && !snapshot.error().retryable)
      return snapshot.error().WithContext("following workflow " + workflow_id);
    if (snapshot && !noticed && !AnyTaskStarted(*snapshot) &&
        SteadyClock::now() - started > options.idle_notice_after) {
      observer.OnNotice(IdleNotice(engine.Name()));
      noticed = true;
    }
    if (!wakeup.Wait(options.poll_interval, stop))
      return Error::Cancelled(DetachedMessage(engine.Name(), transcript_id, workflow_id));
  }
}

Result<std::string> ResumeRun(ServiceContext& context, const std::string& transcript_id) {
  store::Transcripts transcripts(*context.database, *context.clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript transcript, transcripts.Get(transcript_id));
  if (!transcript.workflow_id)
    return Error::InvalidInput("transcript " + transcript_id + " has no workflow to resume");
  std::string ran_on = transcript.engine.value_or("");
  // A run that fell back to the in-process engine resumes wherever that engine is at hand.
  engine::Engine* engine = EngineNamed(context, ran_on);
  if (engine == nullptr) {
    return Error::InvalidInput(
        "transcript " + transcript_id + " ran on the " + ran_on + " engine; resume it with " +
        (ran_on == "conductor" ? "CONDUCTOR_ENABLED=true" : "CONDUCTOR_ENABLED=false"));
  }
  REFLECTOR_TRY(engine->Resume(*transcript.workflow_id));
  return *transcript.workflow_id;
}

}  // namespace reflector::service
