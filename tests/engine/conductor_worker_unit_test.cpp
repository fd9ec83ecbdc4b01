// The worker loop (engine/conductor/worker.hpp) end to end over HTTP, against a scripted fake
// Conductor on the test HTTP server (conductor_worker_fake_conductor.hpp).
// Waits are on requests or task states with generous deadlines; the one fixed sleep checks that
// nothing is polled while every slot is taken.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "conductor_worker_fake_conductor.hpp"
#include "core/clock.hpp"
#include "engine/conductor/worker.hpp"

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;
using namespace worker_fakes;
using std::chrono::milliseconds;

class ConductorWorkerUnitTest : public ::testing::Test {
 protected:
  WorkerOptions Options(std::vector<std::string> types = {"echo"}, int concurrency = 2) const {
    WorkerOptions options;
    options.task_types = std::move(types);
    options.concurrency = concurrency;
    options.worker_id = "unit-worker";
    options.long_poll = 0ms;  // the fake answers at once; the idle backoff paces the polls
    options.max_idle_interval = 20ms;
    options.shutdown_timeout = 2s;
    options.update_backoff = 10ms;
    return options;
  }

  // Starts the worker on its own thread; Stop() (or the end of the test) stops it.
  void Start(WorkerOptions options, Clock* clock = nullptr) {
    worker_ = clock != nullptr
                  ? std::make_unique<ConductorWorker>(client_, tasks_, std::move(options), *clock)
                  : std::make_unique<ConductorWorker>(client_, tasks_, std::move(options));
    thread_ = std::jthread([this](std::stop_token stop) { status_ = worker_->Run(stop); });
  }
  Status Stop() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
    return status_;
  }
  void TearDown() override { (void)Stop(); }

  FakeConductor fake_;
  net::HttpClient http_;
  ConductorClient client_{http_, {fake_.ApiUrl()}};
  TaskRegistry tasks_;
  std::unique_ptr<ConductorWorker> worker_;
  Status status_ = Ok();
  std::jthread thread_;  // last: joined (by TearDown) before the rest goes
};

TEST_F(ConductorWorkerUnitTest, RefusesOptionsItCannotRun) {
  tasks_.Register("echo", [](const TaskExecution&) -> Result<Json> { return Json::object(); });
  WorkerOptions unknown = Options({"echo", "missing"});
  EXPECT_EQ(ConductorWorker(client_, tasks_, unknown).Run({}).error().kind, ErrorKind::kInvalidInput);
  WorkerOptions no_slots = Options({"echo"}, 0);
  EXPECT_EQ(ConductorWorker(client_, tasks_, no_slots).Run({}).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(ConductorWorker(client_, tasks_, Options({})).Run({}).error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(fake_.Polls().empty());
}

TEST_F(ConductorWorkerUnitTest, ReportsACompletedTaskWithItsOutput) {
  tasks_.Register("echo", [](const TaskExecution& e) -> Result<Json> {
    return Json{{"echo", e.input["x"]}};
  });
  fake_.Queue("echo", TaskJson("t-1", "echo", {{"x", 7}}));
  Start(Options());
  ASSERT_TRUE(fake_.WaitForUpdates(1));
  ASSERT_TRUE(Stop().ok());

  std::vector<Json> updates = fake_.Updates();
  ASSERT_EQ(updates.size(), 1U);
  EXPECT_EQ(updates[0]["taskId"], "t-1");
  EXPECT_EQ(updates[0]["workflowInstanceId"], "wf-t-1");
  EXPECT_EQ(updates[0]["workerId"], "unit-worker");
  EXPECT_EQ(updates[0]["status"], "COMPLETED");
  EXPECT_EQ(updates[0]["outputData"], Json({{"echo", 7}}));
  EXPECT_EQ(updates[0]["extendLease"], false);
  std::vector<FakeConductor::Poll> polls = fake_.Polls();
  ASSERT_FALSE(polls.empty());
  EXPECT_EQ(polls[0].type, "echo");
  EXPECT_EQ(polls[0].count, 1) << "a single type asks for one task first";
  WorkerStats stats = worker_->Stats();
  EXPECT_EQ(stats.started, 1U);
  EXPECT_EQ(stats.completed, 1U);
  EXPECT_GE(stats.polls, 1U);
}

TEST_F(ConductorWorkerUnitTest, PollsOnlyForFreeSlots) {
  Gate gate;
  std::atomic<int> running{0};
  std::atomic<int> max_running{0};
  tasks_.Register("echo", [&](const TaskExecution& e) -> Result<Json> {
    int now = ++running;
    int seen = max_running.load();
    while (now > seen && !max_running.compare_exchange_weak(seen, now)) {
    }
    bool opened = gate.Wait(e.stop);
    --running;
    if (!opened) return Error::Cancelled();
    return Json::object();
  });
  for (int i = 0; i < 6; ++i)
    fake_.Queue("echo", TaskJson("t-" + std::to_string(i), "echo"));
  Start(Options({"echo"}, 2));
  ASSERT_TRUE(WaitFor([&] { return running.load() == 2; }));
  std::size_t polls_when_full = fake_.Polls().size();
  std::this_thread::sleep_for(100ms);  // long enough for several idle polls if the poller ignored the slots
  EXPECT_EQ(fake_.Polls().size(), polls_when_full) << "no poll while both slots are taken";
  gate.Open();
  ASSERT_TRUE(fake_.WaitForUpdates(6));
  ASSERT_TRUE(Stop().ok());

  EXPECT_EQ(max_running.load(), 2);
  for (const auto& poll : fake_.Polls()) {
    EXPECT_GE(poll.count, 1);
    EXPECT_LE(poll.count + static_cast<int>(poll.outstanding), 2)
        << "asked for " << poll.count << " with " << poll.outstanding << " tasks out";
  }
  for (const auto& update : fake_.Updates())
    EXPECT_EQ(update["status"], "COMPLETED");
  EXPECT_EQ(worker_->Stats().completed, 6U);
}

TEST_F(ConductorWorkerUnitTest, ARetryableErrorIsReportedFailedAndATerminalOneFailedWithTerminalError) {
  tasks_.Register("echo", [](const TaskExecution& e) -> Result<Json> {
    if (e.input["kind"] == "retryable") return Error::Transient(ErrorKind::kUnavailable, "storage is down");
    return Error::InvalidInput("the recording has no tracks");
  });
  fake_.Queue("echo", TaskJson("retryable", "echo", {{"kind", "retryable"}}));
  fake_.Queue("echo", TaskJson("terminal", "echo", {{"kind", "terminal"}}));
  Start(Options());
  ASSERT_TRUE(fake_.WaitForUpdates(2));
  ASSERT_TRUE(Stop().ok());

  auto retryable = fake_.UpdatesOf("retryable");
  ASSERT_EQ(retryable.size(), 1U);
  EXPECT_EQ(retryable[0]["status"], "FAILED");
  EXPECT_NE(retryable[0]["reasonForIncompletion"].get<std::string>().find("storage is down"),
            std::string::npos);
  EXPECT_EQ(retryable[0]["logs"][0]["log"], retryable[0]["reasonForIncompletion"]);
  auto terminal = fake_.UpdatesOf("terminal");
  ASSERT_EQ(terminal.size(), 1U);
  EXPECT_EQ(terminal[0]["status"], "FAILED_WITH_TERMINAL_ERROR");
  EXPECT_NE(terminal[0]["reasonForIncompletion"].get<std::string>().find("no tracks"), std::string::npos);
  EXPECT_EQ(worker_->Stats().failed, 2U);
}

TEST_F(ConductorWorkerUnitTest, AnUpdateAnswered503IsSentAgainWithTheSameBody) {
  tasks_.Register("echo", [](const TaskExecution&) -> Result<Json> { return Json{{"done", true}}; });
  fake_.ScriptUpdateStatuses({503, 200});
  fake_.Queue("echo", TaskJson("t-1", "echo"));
  Start(Options());
  ASSERT_TRUE(fake_.WaitForUpdates(2));
  ASSERT_TRUE(Stop().ok());

  std::vector<Json> updates = fake_.Updates();
  ASSERT_EQ(updates.size(), 2U);
  EXPECT_EQ(updates[0], updates[1]);
  EXPECT_EQ(updates[1]["status"], "COMPLETED");
  WorkerStats stats = worker_->Stats();
  EXPECT_EQ(stats.update_retries, 1U);
  EXPECT_EQ(stats.updates_lost, 0U);
}

TEST_F(ConductorWorkerUnitTest, AnUpdateAnswered404IsDroppedAndTheWorkerGoesOn) {
  tasks_.Register("echo", [](const TaskExecution&) -> Result<Json> { return Json::object(); });
  fake_.ScriptUpdateStatuses({404});
  fake_.Queue("echo", TaskJson("gone", "echo"));
  fake_.Queue("echo", TaskJson("next", "echo"));
  Start(Options({"echo"}, 1));
  ASSERT_TRUE(fake_.WaitForUpdate("next", "COMPLETED"));
  ASSERT_TRUE(Stop().ok());

  EXPECT_EQ(fake_.UpdatesOf("gone").size(), 1U) << "not retried";
  EXPECT_EQ(fake_.UpdatesOf("next").size(), 1U);
  WorkerStats stats = worker_->Stats();
  EXPECT_EQ(stats.update_retries, 0U);
  EXPECT_EQ(stats.updates_lost, 0U);
  EXPECT_EQ(stats.completed, 2U);
}

TEST_F(ConductorWorkerUnitTest, AnOversizedOutputFailsTerminally) {
  Json big = {{"blob", std::string(300, 'x')}};
  const std::size_t size = big.dump().size();
  tasks_.Register("echo", [&](const TaskExecution&) -> Result<Json> { return big; });
  fake_.Queue("echo", TaskJson("big", "echo"));
  WorkerOptions options = Options();
  options.max_output_bytes = 256;
  Start(options);
  ASSERT_TRUE(fake_.WaitForUpdates(1));
  ASSERT_TRUE(Stop().ok());

  Json update = fake_.Updates()[0];
  EXPECT_EQ(update["status"], "FAILED_WITH_TERMINAL_ERROR");
  EXPECT_EQ(update["outputData"], Json::object());
  EXPECT_NE(
      update["reasonForIncompletion"].get<std::string>().find("output is " + std::to_string(size) + " bytes"),
      std::string::npos)
      << update.dump();
}

TEST_F(ConductorWorkerUnitTest, AThrowingTaskIsReportedFailedAndTheWorkerGoesOn) {
  tasks_.Register("echo", [](const TaskExecution& e) -> Result<Json> {
    if (e.task_id == "throws") throw std::runtime_error("decoder exploded");
    return Json::object();
  });
  fake_.Queue("echo", TaskJson("throws", "echo"));
  fake_.Queue("echo", TaskJson("after", "echo"));
  Start(Options({"echo"}, 1));
  ASSERT_TRUE(fake_.WaitForUpdate("after", "COMPLETED"));
  ASSERT_TRUE(Stop().ok());

  auto thrown = fake_.UpdatesOf("throws");
  ASSERT_EQ(thrown.size(), 1U);
  EXPECT_EQ(thrown[0]["status"], "FAILED");
  EXPECT_NE(thrown[0]["reasonForIncompletion"].get<std::string>().find("decoder exploded"),
            std::string::npos);
}

TEST_F(ConductorWorkerUnitTest, PollErrorsBackOffInsteadOfPollingInALoop) {
  tasks_.Register("echo", [](const TaskExecution&) -> Result<Json> { return Json::object(); });
  fake_.SetPollStatus(500);
  FastClock clock;  // 100x: the backoff of 1, 2, 4, ... 30 s passes in tenths of a second
  Start(Options(), &clock);
  const std::thread::id poller = thread_.get_id();  // the poller runs on the thread that called Run
  ASSERT_TRUE(fake_.WaitForPolls(8));
  ASSERT_TRUE(Stop().ok());

  std::vector<milliseconds> sleeps = clock.SleepsOf(poller);
  ASSERT_GE(sleeps.size(), 7U);
  WorkerStats stats = worker_->Stats();
  EXPECT_LE(stats.polls, sleeps.size() + 1) << "one poll per backoff";
  EXPECT_GE(stats.poll_errors + 1, stats.polls)
      << "every poll failed (the last may be cut short by the stop)";
  sleeps.resize(7);
  EXPECT_EQ(sleeps, (std::vector<milliseconds>{1s, 2s, 4s, 5s, 5s, 5s, 5s}));
}

TEST_F(ConductorWorkerUnitTest, ALongTaskHasItsLeaseExtended) {
  tasks_.Register("echo", [&](const TaskExecution& e) -> Result<Json> {
    // Runs until the server has taken a lease extension for it.
    if (!fake_.WaitForUpdate(e.task_id, "IN_PROGRESS", /*extend_lease=*/true)) return Error::Cancelled();
    if (!WaitFor([&] { return worker_->Stats().leases_extended >= 1; })) return Error::Cancelled();
    return Json{{"long", true}};
  });
  fake_.Queue("echo", TaskJson("long", "echo", Json::object(), /*response_timeout_seconds=*/1));
  WorkerOptions options = Options();
  options.lease_fraction = 0.5;
  options.lease_check_interval = 50ms;
  Start(options);
  ASSERT_TRUE(fake_.WaitForUpdate("long", "COMPLETED"));
  ASSERT_TRUE(Stop().ok());

  auto updates = fake_.UpdatesOf("long");
  ASSERT_GE(updates.size(), 2U);
  EXPECT_EQ(updates[0]["status"], "IN_PROGRESS");
  EXPECT_EQ(updates[0]["extendLease"], true);
  EXPECT_EQ(updates[0]["workerId"], "unit-worker");
  EXPECT_EQ(updates.back()["status"], "COMPLETED");
  EXPECT_EQ(updates.back()["outputData"], Json({{"long", true}}));
  EXPECT_GE(worker_->Stats().leases_extended, 1U);
}

TEST_F(ConductorWorkerUnitTest, ShutdownHandsBackATaskThatEndsCancelled) {
  std::atomic<bool> started{false};
  Gate never;
  tasks_.Register("echo", [&](const TaskExecution& e) -> Result<Json> {
    started = true;
    if (!never.Wait(e.stop)) return Error::Cancelled("stopped by shutdown");
    return Json::object();
  });
  fake_.Queue("echo", TaskJson("stuck", "echo"));
  WorkerOptions options = Options();
  options.shutdown_timeout = 50ms;
  Start(options);
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));
  ASSERT_TRUE(Stop().ok());

  auto updates = fake_.UpdatesOf("stuck");
  ASSERT_EQ(updates.size(), 1U);
  EXPECT_EQ(updates[0]["status"], "IN_PROGRESS");
  EXPECT_EQ(updates[0]["callbackAfterSeconds"], 0);
  EXPECT_EQ(updates[0]["extendLease"], false);
  EXPECT_NE(updates[0]["reasonForIncompletion"].get<std::string>().find("handed back"), std::string::npos);
  WorkerStats stats = worker_->Stats();
  EXPECT_EQ(stats.handed_back, 1U);
  EXPECT_EQ(stats.failed, 0U);
}

TEST_F(ConductorWorkerUnitTest, SeveralTypesAreEachPolledWithoutWaitingOnTheServer) {
  for (const char* type : {"alpha", "beta", "gamma"})
    tasks_.Register(type, [](const TaskExecution& e) -> Result<Json> { return Json{{"type", e.task_name}}; });
  fake_.ServeQueueSizes(false);  // a server without GET /tasks/queue/all: every type is polled
  fake_.Queue("beta", TaskJson("b-1", "beta"));
  fake_.Queue("gamma", TaskJson("g-1", "gamma"));
  WorkerOptions options = Options({"alpha", "beta", "gamma"}, 2);
  options.long_poll = 1000ms;  // used only with a single type
  Start(options);
  ASSERT_TRUE(fake_.WaitForUpdates(2));
  ASSERT_TRUE(WaitFor([&] {
    std::set<std::string> polled;
    for (const auto& poll : fake_.Polls())
      polled.insert(poll.type);
    return polled.size() == 3;
  }));
  ASSERT_TRUE(Stop().ok());

  std::set<std::string> polled;
  for (const auto& poll : fake_.Polls()) {
    polled.insert(poll.type);
    EXPECT_EQ(poll.timeout_ms, 0) << poll.type;
  }
  EXPECT_EQ(polled, (std::set<std::string>{"alpha", "beta", "gamma"}));
  EXPECT_EQ(fake_.UpdatesOf("b-1")[0]["outputData"], Json({{"type", "beta"}}));
  EXPECT_EQ(fake_.UpdatesOf("g-1")[0]["outputData"], Json({{"type", "gamma"}}));
}

TEST_F(ConductorWorkerUnitTest, SeveralTypesArePolledOnlyWhenTheServerSaysTheirQueueHoldsTasks) {
  for (const char* type : {"alpha", "beta", "gamma"})
    tasks_.Register(type, [](const TaskExecution& e) -> Result<Json> { return Json{{"type", e.task_name}}; });
  fake_.Queue("beta", TaskJson("b-1", "beta"));
  fake_.Queue("gamma", TaskJson("g-1", "gamma"));
  Start(Options({"alpha", "beta", "gamma"}, 2));
  ASSERT_TRUE(fake_.WaitForUpdates(2));
  ASSERT_TRUE(WaitFor([&] { return fake_.QueueChecks() >= 3; })) << "still asking after the work is done";
  ASSERT_TRUE(Stop().ok());

  std::set<std::string> polled;
  for (const auto& poll : fake_.Polls())
    polled.insert(poll.type);
  EXPECT_EQ(polled, (std::set<std::string>{"beta", "gamma"})) << "alpha's queue never held a task";
  EXPECT_EQ(fake_.UpdatesOf("b-1")[0]["outputData"], Json({{"type", "beta"}}));
  EXPECT_EQ(fake_.UpdatesOf("g-1")[0]["outputData"], Json({{"type", "gamma"}}));
}

}  // namespace
}  // namespace reflector::engine
