#include "engine/conductor/task_poller.hpp"

#include <algorithm>
#include <utility>

#include "core/log.hpp"

namespace reflector::engine {

using std::chrono::milliseconds;

TaskPoller::TaskPoller(TaskServer& server, InFlightTasks& in_flight, Clock& clock,
                       const WorkerOptions& options)
    : server_(server), in_flight_(in_flight), clock_(clock), options_(options) {}

void TaskPoller::AddStats(WorkerStats& stats) const {
  stats.polls = polls_;
  stats.empty_polls = empty_polls_;
  stats.poll_errors = poll_errors_;
  stats.queue_checks = queue_checks_;
}

void TaskPoller::Run(std::stop_token stop) {
  first_type_ = 0;
  check_queues_ = options_.poll_only_queued_types;
  idle_wait_ = milliseconds{0};
  error_wait_ = milliseconds{0};
  while (!stop.stop_requested()) {
    std::size_t free_slots = in_flight_.WaitForFreeSlots(stop);
    if (free_slots == 0) break;  // stopped
    SweepResult sweep = Sweep(free_slots, stop);
    first_type_ = (first_type_ + 1) % options_.task_types.size();
    BackOff(sweep, stop);
  }
}

// One pass over the task types to poll, starting at first_type_, while slots are free.
TaskPoller::SweepResult TaskPoller::Sweep(std::size_t free_slots, std::stop_token stop) {
  const bool single_type = options_.task_types.size() == 1;
  SweepResult sweep;
  TypesToPoll chosen = ChooseTypes(stop);
  sweep.failed = chosen.failed;
  if (chosen.failed || chosen.cancelled) return sweep;
  for (std::size_t i = 0; i < chosen.types.size() && free_slots > 0 && !stop.stop_requested(); ++i) {
    const std::string& type = *chosen.types[i];
    // A single type waits on the server for one task (the server answers as soon as one is
    // there), then takes what else is queued without waiting. Several types never wait there.
    const bool wait_on_server = single_type && !sweep.received;
    const milliseconds long_poll = wait_on_server ? options_.long_poll : milliseconds{0};
    const int count = wait_on_server ? 1 : static_cast<int>(free_slots);
    PollResult poll = PollOnce(type, count, long_poll, stop);
    if (poll.cancelled) break;
    if (poll.failed) {
      sweep.failed = true;
      break;
    }
    if (poll.waited_on_server) sweep.waited_on_server = true;
    if (poll.received == 0) continue;
    sweep.received = true;
    free_slots = poll.received >= free_slots ? 0 : free_slots - poll.received;
    if (single_type && free_slots > 0) --i;  // the same type again, without waiting
  }
  return sweep;
}

TaskPoller::TypesToPoll TaskPoller::ChooseTypes(std::stop_token stop) {
  const auto& types = options_.task_types;
  TypesToPoll chosen;
  for (std::size_t i = 0; i < types.size(); ++i)
    chosen.types.push_back(&types[(first_type_ + i) % types.size()]);
  if (types.size() == 1 || !check_queues_) return chosen;
  auto sizes = server_.CountQueuedTasks(stop);
  queue_checks_++;
  if (!sizes) {
    if (sizes.error().kind == ErrorKind::kCancelled) {
      chosen.cancelled = true;
    } else if (sizes.error().retryable) {
      BackOffAfterError();
      log::Warn("queue check failed",
                {{"error", sizes.error().message}, {"retry_in_s", error_wait_.count() / 1000.0}});
      chosen.failed = true;
    } else {
      check_queues_ = false;
      log::Warn("the server does not say which queues hold tasks; polling every task type from now on",
                {{"error", sizes.error().message}});
    }
    return chosen;
  }
  error_wait_ = milliseconds{0};
  std::erase_if(chosen.types, [&](const std::string* type) {
    auto size = sizes->find(*type);
    return size == sizes->end() || size->second <= 0;
  });
  return chosen;
}

// A call failed: the error backoff doubles (reset by the next call that works).
void TaskPoller::BackOffAfterError() {
  poll_errors_++;
  error_wait_ = error_wait_.count() == 0 ? kFirstPollErrorWait : std::min(error_wait_ * 2, kMaxPollErrorWait);
}

TaskPoller::PollResult TaskPoller::PollOnce(const std::string& type, int count, milliseconds long_poll,
                                            std::stop_token stop) {
  PollResult result;
  const SteadyTime start = clock_.Monotonic();
  auto polled = server_.PollBatch(type, options_.worker_id, count, long_poll, stop);
  polls_++;
  if (!polled) {
    if (polled.error().kind == ErrorKind::kCancelled) {
      result.cancelled = true;
      return result;
    }
    BackOffAfterError();
    log::Warn("poll failed", {{"task_type", type},
                              {"error", polled.error().message},
                              {"retry_in_s", error_wait_.count() / 1000.0}});
    result.failed = true;
    return result;
  }
  error_wait_ = milliseconds{0};
  if (polled->empty()) {
    empty_polls_++;
    result.waited_on_server = long_poll.count() > 0 && clock_.Monotonic() - start >= long_poll / 2;
    return result;
  }
  result.received = polled->size();
  in_flight_.Add(std::move(*polled));
  return result;
}

// After a sweep: the poll-error backoff, or the idle backoff when nothing came and the server
// did not hold the poll itself.
void TaskPoller::BackOff(const SweepResult& sweep, std::stop_token stop) {
  if (sweep.failed) {
    clock_.SleepFor(error_wait_, stop);
  } else if (sweep.received) {
    idle_wait_ = milliseconds{0};
  } else if (!sweep.waited_on_server) {
    idle_wait_ =
        idle_wait_.count() == 0 ? kFirstIdleWait : std::min(idle_wait_ * 2, options_.max_idle_interval);
    clock_.SleepFor(idle_wait_, stop);
  }
}

}  // namespace reflector::engine
