// The reporter, executor and lease keeper of the Conductor worker runtime, each alone
// (engine/conductor/task_reporter.hpp, task_executor.hpp, lease_keeper.hpp), against a scripted
// TaskServer and a manual clock that records every wait, so backoffs and lease ages are asserted
// exactly.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "conductor_worker_part_fakes.hpp"
#include "engine/conductor/in_flight_tasks.hpp"
#include "engine/conductor/lease_keeper.hpp"
#include "engine/conductor/task_executor.hpp"
#include "engine/conductor/task_reporter.hpp"

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;
using namespace worker_fakes;
using std::chrono::milliseconds;

// --- TaskReporter

TaskUpdate Completed(const std::string& id) {
  TaskUpdate update;
  update.task_id = id;
  update.workflow_id = "wf-" + id;
  update.worker_id = "parts";
  update.status = TaskStatus::kCompleted;
  update.output = {{"n", 1}};
  return update;
}

bool SameUpdate(const TaskUpdate& a, const TaskUpdate& b) {
  return a.task_id == b.task_id && a.workflow_id == b.workflow_id && a.worker_id == b.worker_id &&
         a.status == b.status && a.output == b.output && a.reason == b.reason && a.logs == b.logs &&
         a.extend_lease == b.extend_lease && a.callback_after_seconds == b.callback_after_seconds;
}

TEST(TaskReporterTest, RetriesARetryableFailureWithTheSameUpdateAndADoublingBackoff) {
  RecordingClock clock;
  FakeTaskServer server;
  int calls = 0;
  server.update = [&](const TaskUpdate&) -> Status {
    if (++calls <= 3) return Error::Transient(ErrorKind::kUnavailable, "HTTP 503");
    return Ok();
  };
  TaskReporter reporter(server, clock, Options());
  TaskUpdate update = Completed("t-1");
  EXPECT_TRUE(reporter.Send(update));

  std::vector<TaskUpdate> sent = server.Updates();
  ASSERT_EQ(sent.size(), 4U);
  for (const auto& each : sent)
    EXPECT_TRUE(SameUpdate(each, update));
  EXPECT_EQ(clock.Sleeps(), (std::vector<milliseconds>{500ms, 1000ms, 2000ms}));
  WorkerStats stats = StatsOf(reporter);
  EXPECT_EQ(stats.update_retries, 3U);
  EXPECT_EQ(stats.updates_lost, 0U);
}

TEST(TaskReporterTest, GivesUpAfterEveryAttemptWithTheBackoffCapped) {
  RecordingClock clock;
  FakeTaskServer server;
  server.update = [](const TaskUpdate&) -> Status {
    return Error::Transient(ErrorKind::kTimeout, "timed out");
  };
  WorkerOptions options = Options();
  options.update_attempts = 4;
  options.update_backoff = 20s;
  TaskReporter reporter(server, clock, options);
  EXPECT_FALSE(reporter.Send(Completed("t-1")));
  EXPECT_EQ(server.Updates().size(), 4U);
  EXPECT_EQ(clock.Sleeps(), (std::vector<milliseconds>{10s, 10s, 10s}));
  WorkerStats stats = StatsOf(reporter);
  EXPECT_EQ(stats.update_retries, 3U);
  EXPECT_EQ(stats.updates_lost, 1U);
}

TEST(TaskReporterTest, NotFoundAndTerminalRefusalsAreDroppedAtOnce) {
  for (const Error& refusal :
       {Error::NotFound("HTTP 404"), Error::Terminal(ErrorKind::kExternal, "HTTP 400")}) {
    RecordingClock clock;
    FakeTaskServer server;
    server.update = [&](const TaskUpdate&) -> Status { return refusal; };
    TaskReporter reporter(server, clock, Options());
    EXPECT_FALSE(reporter.Send(Completed("t-1"))) << refusal.message;
    EXPECT_EQ(server.Updates().size(), 1U) << refusal.message;
    EXPECT_TRUE(clock.Sleeps().empty()) << refusal.message;
    WorkerStats stats = StatsOf(reporter);
    EXPECT_EQ(stats.update_retries, 0U);
    EXPECT_EQ(stats.updates_lost, 0U) << "dropped, not lost";
  }
}

TEST(TaskReporterTest, UpdateV2ReturnsTheNextTaskWithoutAPlainUpdate) {
  RecordingClock clock;
  FakeTaskServer server;
  server.update_v2 = [](const TaskUpdate&) -> Result<std::optional<PolledTask>> {
    return std::optional<PolledTask>{Task("t-2")};
  };
  TaskReporter reporter(server, clock, Options());
  TaskUpdate update = Completed("t-1");
  TaskReporter::Sent sent = reporter.SendAndTakeNext(update);

  EXPECT_TRUE(sent.taken);
  ASSERT_TRUE(sent.next);
  EXPECT_EQ(sent.next->task_id, "t-2");
  EXPECT_EQ(sent.next->input, Json({{"id", "t-2"}}));
  ASSERT_EQ(server.UpdatesV2().size(), 1U);
  EXPECT_TRUE(SameUpdate(server.UpdatesV2()[0], update));
  EXPECT_TRUE(server.Updates().empty());
  EXPECT_TRUE(reporter.using_update_v2());
  EXPECT_EQ(StatsOf(reporter).tasks_from_updates, 1U);

  server.update_v2 = [](const TaskUpdate&) -> Result<std::optional<PolledTask>> {
    return std::optional<PolledTask>{};  // 204: nothing queued
  };
  sent = reporter.SendAndTakeNext(Completed("t-2"));
  EXPECT_TRUE(sent.taken);
  EXPECT_FALSE(sent.next);
  EXPECT_EQ(StatsOf(reporter).tasks_from_updates, 1U);
}

TEST(TaskReporterTest, AServerThatRefusesUpdateV2ButTakesThePlainUpdateGetsPlainUpdatesForGood) {
  for (const Error& refusal :
       {Error::NotFound("HTTP 404"), Error::Terminal(ErrorKind::kExternal, "HTTP 405")}) {
    RecordingClock clock;
    FakeTaskServer server;
    server.update_v2 = [&](const TaskUpdate&) -> Result<std::optional<PolledTask>> { return refusal; };
    TaskReporter reporter(server, clock, Options());
    TaskUpdate update = Completed("t-1");
    TaskReporter::Sent sent = reporter.SendAndTakeNext(update);
    EXPECT_TRUE(sent.taken) << refusal.message;
    EXPECT_FALSE(sent.next);
    ASSERT_EQ(server.Updates().size(), 1U) << "the plain update follows at once";
    EXPECT_TRUE(SameUpdate(server.Updates()[0], update));
    EXPECT_TRUE(clock.Sleeps().empty());
    EXPECT_FALSE(reporter.using_update_v2());

    sent = reporter.SendAndTakeNext(Completed("t-2"));
    EXPECT_TRUE(sent.taken);
    EXPECT_EQ(server.UpdatesV2().size(), 1U) << "update-v2 is not tried again";
    EXPECT_EQ(server.Updates().size(), 2U);
    WorkerStats stats = StatsOf(reporter);
    EXPECT_EQ(stats.update_retries, 0U);
    EXPECT_EQ(stats.updates_lost, 0U);
  }
}

TEST(TaskReporterTest, ATaskGoneForBothUpdatesIsDroppedAndUpdateV2StaysInUse) {
  RecordingClock clock;
  FakeTaskServer server;
  server.update_v2 = [](const TaskUpdate&) -> Result<std::optional<PolledTask>> {
    return Error::NotFound("No such task found by id: t-1");
  };
  server.update = [](const TaskUpdate&) -> Status {
    return Error::NotFound("No such task found by id: t-1");
  };
  TaskReporter reporter(server, clock, Options());
  TaskReporter::Sent sent = reporter.SendAndTakeNext(Completed("t-1"));

  EXPECT_FALSE(sent.taken);
  EXPECT_FALSE(sent.next);
  EXPECT_EQ(server.UpdatesV2().size(), 1U);
  EXPECT_EQ(server.Updates().size(), 1U);
  EXPECT_TRUE(clock.Sleeps().empty()) << "dropped, not retried";
  EXPECT_TRUE(reporter.using_update_v2()) << "a 404 for the task says nothing about the endpoint";
  EXPECT_EQ(StatsOf(reporter).updates_lost, 0U);
}

TEST(TaskReporterTest, RetryableUpdateV2FailuresAreRetriedWithUpdateV2AndTheSameBackoff) {
  RecordingClock clock;
  FakeTaskServer server;
  int calls = 0;
  server.update_v2 = [&](const TaskUpdate&) -> Result<std::optional<PolledTask>> {
    if (++calls <= 2) return Error::Transient(ErrorKind::kUnavailable, "HTTP 503");
    return std::optional<PolledTask>{Task("t-2")};
  };
  TaskReporter reporter(server, clock, Options());
  TaskUpdate update = Completed("t-1");
  TaskReporter::Sent sent = reporter.SendAndTakeNext(update);

  EXPECT_TRUE(sent.taken);
  ASSERT_TRUE(sent.next);
  EXPECT_EQ(sent.next->task_id, "t-2");
  ASSERT_EQ(server.UpdatesV2().size(), 3U);
  for (const auto& each : server.UpdatesV2())
    EXPECT_TRUE(SameUpdate(each, update));
  EXPECT_TRUE(server.Updates().empty());
  EXPECT_EQ(clock.Sleeps(), (std::vector<milliseconds>{500ms, 1000ms}));
  WorkerStats stats = StatsOf(reporter);
  EXPECT_EQ(stats.update_retries, 2U);
  EXPECT_EQ(stats.tasks_from_updates, 1U);
}

TEST(TaskReporterTest, PlainSendsAndTheOptionOffNeverUseUpdateV2) {
  RecordingClock clock;
  FakeTaskServer server;
  server.update_v2 = [](const TaskUpdate&) -> Result<std::optional<PolledTask>> {
    return std::optional<PolledTask>{Task("unexpected")};
  };
  TaskReporter reporter(server, clock, Options());
  EXPECT_TRUE(reporter.Send(Completed("t-1")));  // hand-backs and updates during shutdown

  WorkerOptions off = Options();
  off.next_task_from_update = false;
  TaskReporter plain(server, clock, off);
  TaskReporter::Sent sent = plain.SendAndTakeNext(Completed("t-2"));
  EXPECT_TRUE(sent.taken);
  EXPECT_FALSE(sent.next);
  EXPECT_FALSE(plain.using_update_v2());
  EXPECT_TRUE(server.UpdatesV2().empty());
  EXPECT_EQ(server.Updates().size(), 2U);
}

// --- TaskExecutor

class TaskExecutorTest : public ::testing::Test {
 protected:
  TaskUpdate Run(TaskFunction function, bool handing_back = false, const std::string& type = "echo") {
    tasks_.Register("echo", std::move(function));
    TaskExecutor executor(tasks_, clock_, options_);
    TaskUpdate update =
        executor.Execute(Task("t-1", 3600, type), stop_.get_token(), [&] { return handing_back; });
    stats_ = StatsOf(executor);
    return update;
  }

  RecordingClock clock_;
  TaskRegistry tasks_;
  WorkerOptions options_ = Options();
  std::stop_source stop_;
  WorkerStats stats_;
};

TEST_F(TaskExecutorTest, AValueIsCompletedWithItsOutput) {
  TaskUpdate update = Run([](const TaskExecution& e) -> Result<Json> {
    return Json{{"echo", e.input["id"]}};
  });
  EXPECT_EQ(update.task_id, "t-1");
  EXPECT_EQ(update.workflow_id, "wf-t-1");
  EXPECT_EQ(update.worker_id, "parts");
  EXPECT_EQ(update.status, TaskStatus::kCompleted);
  EXPECT_EQ(update.output, Json({{"echo", "t-1"}}));
  EXPECT_TRUE(update.reason.empty());
  EXPECT_TRUE(update.logs.empty());
  EXPECT_FALSE(update.extend_lease);
  EXPECT_EQ(stats_.started, 1U);
  EXPECT_EQ(stats_.completed, 1U);
  EXPECT_EQ(stats_.failed, 0U);
}

TEST_F(TaskExecutorTest, TheTaskSeesItsPolledFieldsItsStopTokenAndAProgressSink) {
  TaskExecution seen;
  Run([&](const TaskExecution& e) -> Result<Json> {
    seen = e;
    if (e.progress != nullptr) e.progress->Report(0.5, "half");
    return Json::object();
  });
  EXPECT_EQ(seen.task_id, "t-1");
  EXPECT_EQ(seen.workflow_id, "wf-t-1");
  EXPECT_EQ(seen.task_name, "echo");
  EXPECT_EQ(seen.reference_name, "echo_ref");
  EXPECT_EQ(seen.input, Json({{"id", "t-1"}}));
  EXPECT_NE(seen.progress, nullptr);
  EXPECT_FALSE(seen.stop.stop_requested());
  stop_.request_stop();
  EXPECT_TRUE(seen.stop.stop_requested()) << "the token of the task's own stop source";
}

TEST_F(TaskExecutorTest, ARetryableErrorFailsAndATerminalOneFailsForGood) {
  TaskUpdate retryable = Run([](const TaskExecution&) -> Result<Json> {
    return Error::Transient(ErrorKind::kUnavailable, "storage is down");
  });
  EXPECT_EQ(retryable.status, TaskStatus::kFailed);
  EXPECT_NE(retryable.reason.find("storage is down"), std::string::npos) << retryable.reason;
  EXPECT_EQ(retryable.logs, std::vector<std::string>{retryable.reason});

  TaskUpdate terminal =
      Run([](const TaskExecution&) -> Result<Json> { return Error::InvalidInput("no tracks"); });
  EXPECT_EQ(terminal.status, TaskStatus::kFailedWithTerminalError);
  EXPECT_NE(terminal.reason.find("no tracks"), std::string::npos) << terminal.reason;
  EXPECT_EQ(stats_.failed, 1U);
}

TEST_F(TaskExecutorTest, AnExceptionFailsTheTaskRetryably) {
  TaskUpdate update =
      Run([](const TaskExecution&) -> Result<Json> { throw std::runtime_error("decoder exploded"); });
  EXPECT_EQ(update.status, TaskStatus::kFailed);
  EXPECT_NE(update.reason.find("task echo threw: decoder exploded"), std::string::npos) << update.reason;

  TaskUpdate odd = Run([](const TaskExecution&) -> Result<Json> { throw 42; });
  EXPECT_EQ(odd.status, TaskStatus::kFailed);
  EXPECT_NE(odd.reason.find("non-standard exception"), std::string::npos) << odd.reason;
}

TEST_F(TaskExecutorTest, AnOutputOverTheLimitFailsTerminallyAndOneAtTheLimitCompletes) {
  options_.max_output_bytes = 20;
  Json at_limit = {{"b", std::string(12, 'x')}};  // {"b":"xxxxxxxxxxxx"} is 20 bytes
  ASSERT_EQ(at_limit.dump().size(), 20U);
  EXPECT_EQ(Run([&](const TaskExecution&) -> Result<Json> { return at_limit; }).status,
            TaskStatus::kCompleted);

  Json over = {{"b", std::string(13, 'x')}};
  TaskUpdate update = Run([&](const TaskExecution&) -> Result<Json> { return over; });
  EXPECT_EQ(update.status, TaskStatus::kFailedWithTerminalError);
  EXPECT_EQ(update.output, Json::object());
  EXPECT_NE(update.reason.find("output is 21 bytes"), std::string::npos) << update.reason;
}

TEST_F(TaskExecutorTest, ATaskWithoutAFunctionFailsTerminally) {
  TaskUpdate update =
      Run([](const TaskExecution&) -> Result<Json> { return Json::object(); }, false, "unknown");
  EXPECT_EQ(update.status, TaskStatus::kFailedWithTerminalError);
  EXPECT_NE(update.reason.find("no function for task type 'unknown'"), std::string::npos) << update.reason;
}

TEST_F(TaskExecutorTest, ACancelledTaskIsHandedBackOnlyWhileTheWorkerHandsBack) {
  auto cancelled = [](const TaskExecution&) -> Result<Json> { return Error::Cancelled("stopped"); };
  TaskUpdate handed = Run(cancelled, /*handing_back=*/true);
  EXPECT_EQ(handed.status, TaskStatus::kInProgress);
  EXPECT_EQ(handed.callback_after_seconds, 0);
  EXPECT_FALSE(handed.extend_lease);
  EXPECT_NE(handed.reason.find("worker parts shut down; task handed back"), std::string::npos)
      << handed.reason;
  EXPECT_EQ(stats_.handed_back, 1U);
  EXPECT_EQ(stats_.failed, 0U);

  TaskUpdate failed = Run(cancelled, /*handing_back=*/false);
  EXPECT_EQ(failed.status, TaskStatus::kFailed) << "a cancellation outside shutdown is a retryable failure";

  TaskUpdate completed = Run([](const TaskExecution&) -> Result<Json> { return Json::object(); }, true);
  EXPECT_EQ(completed.status, TaskStatus::kCompleted) << "a task that finished during shutdown reports it";
}

// --- LeaseKeeper

TEST(LeaseKeeperTest, ExtendsEachLeaseEveryFractionOfItsResponseTimeout) {
  RecordingClock clock;
  InFlightTasks in_flight(2, clock);
  in_flight.Add({Task("a", 10), Task("b", 30)});
  FakeTaskServer server;
  std::stop_source stop;
  std::vector<std::pair<milliseconds, std::string>> extended;  // (time, task id)
  server.update = [&](const TaskUpdate& update) -> Status {
    extended.emplace_back(clock.Elapsed(), update.task_id);
    if (update.task_id == "b") stop.request_stop();
    return Ok();
  };
  WorkerOptions options = Options();
  options.lease_fraction = 0.5;
  options.lease_check_interval = 1s;
  LeaseKeeper keeper(server, in_flight, clock, options);
  keeper.Run(stop.get_token());

  using Extension = std::pair<milliseconds, std::string>;
  EXPECT_EQ(extended, (std::vector<Extension>{{5s, "a"}, {10s, "a"}, {15s, "a"}, {15s, "b"}}));
  for (const auto& update : server.Updates()) {
    EXPECT_EQ(update.status, TaskStatus::kInProgress);
    EXPECT_TRUE(update.extend_lease);
    EXPECT_EQ(update.worker_id, "parts");
    EXPECT_EQ(update.workflow_id, "wf-" + update.task_id);
  }
  EXPECT_EQ(StatsOf(keeper).leases_extended, 4U);
}

TEST(LeaseKeeperTest, TakingATaskRestartsItsLease) {
  RecordingClock clock;
  InFlightTasks in_flight(1, clock);
  in_flight.Add({Task("a", 10)});
  FakeTaskServer server;
  LeaseKeeper keeper(server, in_flight, clock, Options());
  clock.Advance(4s);
  ASSERT_TRUE(in_flight.TakeNext());  // an executor starts it 4 s after the poll
  clock.Advance(2s);
  keeper.ExtendDueLeases({});
  EXPECT_TRUE(server.Updates().empty()) << "5 s after the poll, but 2 s after the start";
  clock.Advance(3s);
  keeper.ExtendDueLeases({});
  EXPECT_EQ(server.Updates().size(), 1U);
}

TEST(LeaseKeeperTest, AFailedExtensionIsTriedOnceMore) {
  RecordingClock clock;
  InFlightTasks in_flight(1, clock);
  in_flight.Add({Task("a", 2)});
  FakeTaskServer server;
  int calls = 0;
  server.update = [&](const TaskUpdate&) -> Status {
    return ++calls == 1 ? Status(Error::Transient(ErrorKind::kUnavailable, "HTTP 503")) : Status(Ok());
  };
  LeaseKeeper keeper(server, in_flight, clock, Options());
  clock.Advance(1s);
  keeper.ExtendDueLeases({});
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(StatsOf(keeper).leases_extended, 1U);

  server.update = [](const TaskUpdate&) -> Status {
    return Error::Transient(ErrorKind::kUnavailable, "down");
  };
  clock.Advance(1s);
  keeper.ExtendDueLeases({});
  EXPECT_EQ(server.Updates().size(), 4U) << "two tries, then the next check";
  EXPECT_EQ(StatsOf(keeper).leases_extended, 1U);
}

}  // namespace
}  // namespace reflector::engine
