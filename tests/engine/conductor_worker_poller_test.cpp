// The shared state and the poller of the Conductor worker runtime, each alone
// (engine/conductor/in_flight_tasks.hpp, task_poller.hpp), against a scripted TaskServer and a
// manual clock that records every wait, so backoffs and poll sizes are asserted exactly.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "conductor_worker_part_fakes.hpp"
#include "engine/conductor/in_flight_tasks.hpp"
#include "engine/conductor/task_poller.hpp"

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;
using namespace worker_fakes;
using std::chrono::milliseconds;

// --- InFlightTasks

TEST(InFlightTasksTest, FreeSlotsAreTheCapacityLessTheTasksInFlight) {
  RecordingClock clock;
  InFlightTasks in_flight(3, clock);
  EXPECT_EQ(in_flight.WaitForFreeSlots({}), 3U);
  in_flight.Add({Task("a"), Task("b")});
  EXPECT_EQ(in_flight.size(), 2U);
  EXPECT_EQ(in_flight.WaitForFreeSlots({}), 1U);
  in_flight.Finish("a");
  EXPECT_EQ(in_flight.WaitForFreeSlots({}), 2U);
}

TEST(InFlightTasksTest, WaitingForASlotEndsWhenATaskFinishesOrOnStop) {
  RecordingClock clock;
  InFlightTasks in_flight(1, clock);
  in_flight.Add({Task("a")});
  std::size_t free_slots = 99;
  std::jthread waiter([&] { free_slots = in_flight.WaitForFreeSlots({}); });
  in_flight.Finish("a");
  waiter.join();
  EXPECT_EQ(free_slots, 1U);

  in_flight.Add({Task("b")});
  std::stop_source stop;
  std::jthread stopped([&] { free_slots = in_flight.WaitForFreeSlots(stop.get_token()); });
  stop.request_stop();
  stopped.join();
  EXPECT_EQ(free_slots, 0U) << "a stopped wait reports no free slot";
}

TEST(InFlightTasksTest, ExecutorsTakeTasksInPollOrderUntilClosed) {
  RecordingClock clock;
  InFlightTasks in_flight(3, clock);
  in_flight.Add({Task("a"), Task("b")});
  auto first = in_flight.TakeNext();
  auto second = in_flight.TakeNext();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->task.task_id, "a");
  EXPECT_EQ(second->task.task_id, "b");
  EXPECT_EQ(second->task.input, Json({{"id", "b"}}));
  EXPECT_EQ(in_flight.size(), 2U) << "taken tasks stay in flight until finished";

  std::optional<InFlightTasks::Taken> after_close = InFlightTasks::Taken{Task("never"), {}};
  std::jthread executor([&] { after_close = in_flight.TakeNext(); });
  in_flight.CloseForExecutors();
  executor.join();
  EXPECT_FALSE(after_close.has_value());
}

TEST(InFlightTasksTest, StopAllRequestsEachTaskStopAndStartsHandingBack) {
  RecordingClock clock;
  InFlightTasks in_flight(2, clock);
  in_flight.Add({Task("a"), Task("b")});
  auto a = in_flight.TakeNext();
  ASSERT_TRUE(a);
  EXPECT_FALSE(in_flight.WaitUntilEmpty(1ms));
  EXPECT_FALSE(in_flight.handing_back());
  EXPECT_FALSE(a->stop.stop_requested());
  in_flight.StopAllAndHandBack();
  EXPECT_TRUE(in_flight.handing_back());
  EXPECT_TRUE(a->stop.stop_requested());
  auto b = in_flight.TakeNext();  // still waiting when stopped: its token is stopped too
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->stop.stop_requested());
  in_flight.Finish("a");
  in_flight.Finish("b");
  EXPECT_TRUE(in_flight.WaitUntilEmpty(1ms));
  in_flight.Reopen();
  EXPECT_FALSE(in_flight.handing_back());
}

TEST(InFlightTasksTest, ATaskFromAnUpdateTakesOverTheSlotOfTheTaskItFollows) {
  RecordingClock clock;
  InFlightTasks in_flight(2, clock);
  in_flight.Add({Task("a", 10)});
  ASSERT_TRUE(in_flight.TakeNext());
  clock.Advance(4s);
  auto next = in_flight.TakeOver("a", Task("b", 10));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->task.task_id, "b");
  EXPECT_FALSE(next->stop.stop_requested());
  EXPECT_EQ(in_flight.size(), 1U);
  EXPECT_EQ(in_flight.WaitForFreeSlots({}), 1U) << "the free slots did not change";
  clock.Advance(4s);
  EXPECT_TRUE(in_flight.TakeDueLeases(0.5).empty()) << "b's lease counts from the take-over";
  clock.Advance(1s);
  ASSERT_EQ(in_flight.TakeDueLeases(0.5).size(), 1U);

  in_flight.Add({Task("queued")});
  in_flight.StopAllAndHandBack();
  auto while_handing_back = in_flight.TakeOver("b", Task("c"));
  ASSERT_TRUE(while_handing_back);
  EXPECT_TRUE(while_handing_back->stop.stop_requested()) << "handed back like a polled task";
  auto queued = in_flight.TakeNext();
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->task.task_id, "queued") << "a taken-over task never waits in the queue";

  EXPECT_FALSE(in_flight.TakeOver("c", Task("queued"))) << "already in flight";
  EXPECT_EQ(in_flight.size(), 1U) << "c's slot is freed";
}

// --- TaskPoller

TEST(TaskPollerTest, PollErrorsBackOffFromOneSecondDoublingUpToThirtySeconds) {
  RecordingClock clock;
  InFlightTasks in_flight(2, clock);
  FakeTaskServer server;
  std::stop_source stop;
  int polls = 0;
  server.poll = [&](const PollCall&) -> Result<std::vector<PolledTask>> {
    if (++polls == 8) stop.request_stop();
    return Error::Transient(ErrorKind::kUnavailable, "connection refused");
  };
  TaskPoller poller(server, in_flight, clock, Options());
  poller.Run(stop.get_token());  // until the fake server stops it

  EXPECT_EQ(clock.Sleeps(), (std::vector<milliseconds>{1s, 2s, 4s, 5s, 5s, 5s, 5s}));
  WorkerStats stats = StatsOf(poller);
  EXPECT_EQ(stats.polls, 8U);
  EXPECT_EQ(stats.poll_errors, 8U);
  EXPECT_EQ(stats.empty_polls, 0U);
}

TEST(TaskPollerTest, ASuccessfulPollResetsTheErrorBackoff) {
  RecordingClock clock;
  InFlightTasks in_flight(2, clock);
  FakeTaskServer server;
  std::stop_source stop;
  int polls = 0;
  server.poll = [&](const PollCall&) -> Result<std::vector<PolledTask>> {
    ++polls;
    if (polls == 3) return std::vector<PolledTask>{};  // empty, answered at once
    if (polls == 4) stop.request_stop();
    return Error::Transient(ErrorKind::kUnavailable, "HTTP 503");
  };
  TaskPoller poller(server, in_flight, clock, Options());
  poller.Run(stop.get_token());  // until the fake server stops it
  // error, error, empty (the idle backoff), error (from the start again; stopped before waiting)
  EXPECT_EQ(clock.Sleeps(), (std::vector<milliseconds>{1s, 2s, 10ms}));
}

TEST(TaskPollerTest, SingleTypeLongPollsForOneTaskThenTakesTheRestWithoutWaiting) {
  RecordingClock clock;
  InFlightTasks in_flight(3, clock);
  FakeTaskServer server;
  std::stop_source stop;
  int polls = 0;
  server.poll = [&](const PollCall&) -> Result<std::vector<PolledTask>> {
    switch (++polls) {
      case 1:
        return std::vector<PolledTask>{Task("a")};
      case 2:
        return std::vector<PolledTask>{Task("b")};
      case 3:
        return std::vector<PolledTask>{};
      default:
        stop.request_stop();
        return std::vector<PolledTask>{};
    }
  };
  WorkerOptions options = Options({"echo"}, 3);
  options.long_poll = 700ms;
  TaskPoller poller(server, in_flight, clock, options);
  poller.Run(stop.get_token());  // until the fake server stops it

  std::vector<PollCall> calls = server.Polls();
  ASSERT_EQ(calls.size(), 4U);
  EXPECT_EQ(calls[0].count, 1);  // waits on the server for one task
  EXPECT_EQ(calls[0].long_poll, 700ms);
  EXPECT_EQ(calls[1].count, 2);  // then takes what is queued for the free slots, without waiting
  EXPECT_EQ(calls[1].long_poll, 0ms);
  EXPECT_EQ(calls[2].count, 1);
  EXPECT_EQ(calls[2].long_poll, 0ms);
  EXPECT_EQ(calls[3].count, 1);  // the next round waits on the server again
  EXPECT_EQ(calls[3].long_poll, 700ms);
  EXPECT_TRUE(clock.Sleeps().empty()) << "no backoff after a sweep that received tasks";
  EXPECT_EQ(in_flight.size(), 2U);
  WorkerStats stats = StatsOf(poller);
  EXPECT_EQ(stats.polls, 4U);
  EXPECT_EQ(stats.empty_polls, 2U);
}

TEST(TaskPollerTest, ALongPollTheServerHeldIsNotFollowedByABackoff) {
  RecordingClock clock;
  InFlightTasks in_flight(1, clock);
  FakeTaskServer server;
  std::stop_source stop;
  int polls = 0;
  server.poll = [&](const PollCall& call) -> Result<std::vector<PolledTask>> {
    clock.Advance(call.long_poll);  // the server held the poll for its whole timeout
    if (++polls == 3) stop.request_stop();
    return std::vector<PolledTask>{};
  };
  WorkerOptions options = Options();
  options.long_poll = 1s;
  TaskPoller poller(server, in_flight, clock, options);
  poller.Run(stop.get_token());  // until the fake server stops it
  EXPECT_EQ(server.Polls().size(), 3U);
  EXPECT_TRUE(clock.Sleeps().empty());
}

TEST(TaskPollerTest, SeveralTypesAreSweptRoundRobinAndEmptySweepsBackOffUpToTheCeiling) {
  RecordingClock clock;
  InFlightTasks in_flight(2, clock);
  FakeTaskServer server;
  std::stop_source stop;
  int polls = 0;
  server.poll = [&](const PollCall&) -> Result<std::vector<PolledTask>> {
    if (++polls == 15) stop.request_stop();
    return std::vector<PolledTask>{};
  };
  WorkerOptions options = Options({"a", "b", "c"});
  options.max_idle_interval = 50ms;
  options.poll_only_queued_types = false;
  TaskPoller poller(server, in_flight, clock, options);
  poller.Run(stop.get_token());  // until the fake server stops it

  EXPECT_EQ(server.QueueChecks(), 0);
  std::vector<PollCall> calls = server.Polls();
  ASSERT_EQ(calls.size(), 15U);
  std::vector<std::string> order;
  for (const auto& call : calls) {
    order.push_back(call.type);
    EXPECT_EQ(call.long_poll, 0ms) << "several types never wait on the server";
    EXPECT_EQ(call.count, 2) << "every free slot";
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "b", "c", "a", "c", "a", "b", "a", "b", "c", "b",
                                             "c", "a"}));
  // The fifth sweep was stopped before its wait.
  EXPECT_EQ(clock.Sleeps(), (std::vector<milliseconds>{10ms, 20ms, 40ms, 50ms}));
  WorkerStats stats = StatsOf(poller);
  EXPECT_EQ(stats.empty_polls, 15U);
}

TEST(TaskPollerTest, PollsOnlyForFreeSlotsAndWaitsWhileAllAreTaken) {
  RecordingClock clock;
  InFlightTasks in_flight(3, clock);
  in_flight.Add({Task("running-1"), Task("running-2")});
  FakeTaskServer server;
  int polls = 0;
  server.poll = [&](const PollCall&) -> Result<std::vector<PolledTask>> {
    ++polls;
    return std::vector<PolledTask>{Task("polled-" + std::to_string(polls))};
  };
  TaskPoller poller(server, in_flight, clock, Options({"a", "b"}, 3));
  std::jthread thread([&](std::stop_token stop) { poller.Run(stop); });
  ASSERT_TRUE(server.WaitForPolls(1));
  EXPECT_EQ(server.Polls()[0].count, 1) << "one free slot of three";

  in_flight.Finish("running-1");  // frees one slot: exactly one more poll, for one task
  ASSERT_TRUE(server.WaitForPolls(2));
  thread.request_stop();
  thread.join();
  std::vector<PollCall> calls = server.Polls();
  ASSERT_EQ(calls.size(), 2U) << "no poll while every slot is taken";
  EXPECT_EQ(calls[1].count, 1);
  EXPECT_EQ(calls[1].type, "b") << "the next sweep starts at the next type";
  EXPECT_EQ(in_flight.size(), 3U);
}

TEST(TaskPollerTest, SeveralTypesPollOnlyTheTypesWhoseQueuesHoldTasks) {
  RecordingClock clock;
  InFlightTasks in_flight(2, clock);
  FakeTaskServer server;
  std::stop_source stop;
  int checks = 0;
  server.queue_sizes = [&]() -> Result<QueueSizes> {
    switch (++checks) {
      case 1:
        return QueueSizes{{"a", 0}, {"b", 1}, {"JOIN", 3}};  // c never held a task
      case 2:
        return QueueSizes{{"a", 0}, {"b", 0}, {"c", 0}};
      default:
        stop.request_stop();
        return Error::Cancelled();
    }
  };
  server.poll = [&](const PollCall&) -> Result<std::vector<PolledTask>> {
    return std::vector<PolledTask>{Task("b-1", 3600, "b")};
  };
  TaskPoller poller(server, in_flight, clock, Options({"a", "b", "c"}));
  poller.Run(stop.get_token());  // until the fake server stops it

  std::vector<PollCall> calls = server.Polls();
  ASSERT_EQ(calls.size(), 1U) << "one poll, of the one type with queued tasks";
  EXPECT_EQ(calls[0].type, "b");
  EXPECT_EQ(calls[0].count, 2) << "every free slot";
  EXPECT_EQ(calls[0].long_poll, 0ms);
  EXPECT_EQ(clock.Sleeps(), (std::vector<milliseconds>{10ms})) << "the idle backoff after the empty check";
  WorkerStats stats = StatsOf(poller);
  EXPECT_EQ(stats.queue_checks, 3U);
  EXPECT_EQ(stats.polls, 1U);
  EXPECT_EQ(in_flight.size(), 1U);
}

TEST(TaskPollerTest, AServerThatCannotTellQueueSizesGetsEveryTypePolledFromThenOn) {
  RecordingClock clock;
  InFlightTasks in_flight(2, clock);
  FakeTaskServer server;  // answers the queue check with a 404
  std::stop_source stop;
  int polls = 0;
  server.poll = [&](const PollCall&) -> Result<std::vector<PolledTask>> {
    if (++polls == 6) stop.request_stop();
    return std::vector<PolledTask>{};
  };
  TaskPoller poller(server, in_flight, clock, Options({"a", "b", "c"}));
  poller.Run(stop.get_token());  // until the fake server stops it

  EXPECT_EQ(server.QueueChecks(), 1) << "asked once";
  std::vector<std::string> order;
  for (const auto& call : server.Polls())
    order.push_back(call.type);
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "b", "c", "a"}));
}

TEST(TaskPollerTest, AFailedQueueCheckBacksOffAsAFailedPollAndIsTriedAgain) {
  RecordingClock clock;
  InFlightTasks in_flight(2, clock);
  FakeTaskServer server;
  std::stop_source stop;
  int checks = 0;
  server.queue_sizes = [&]() -> Result<QueueSizes> {
    if (++checks == 3) {
      stop.request_stop();
      return QueueSizes{};
    }
    return Error::Transient(ErrorKind::kUnavailable, "connection refused");
  };
  TaskPoller poller(server, in_flight, clock, Options({"a", "b"}));
  poller.Run(stop.get_token());  // until the fake server stops it

  EXPECT_TRUE(server.Polls().empty());
  EXPECT_EQ(clock.Sleeps(), (std::vector<milliseconds>{1s, 2s}));
  WorkerStats stats = StatsOf(poller);
  EXPECT_EQ(stats.poll_errors, 2U);
  EXPECT_EQ(stats.queue_checks, 3U);
}

}  // namespace
}  // namespace reflector::engine
