// Conductor's update-v2 in the worker runtime: how ConductorClient reads its answers, and the
// whole worker loop (engine/conductor/worker.hpp) against the scripted fake Conductor
// (conductor_worker_fake_conductor.hpp) serving it, refusing it, or lacking it.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "conductor_worker_fake_conductor.hpp"
#include "engine/conductor/worker.hpp"
#include "support/http_test_server.hpp"

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;
using namespace worker_fakes;

TaskUpdate Completed(const std::string& id) {
  TaskUpdate update;
  update.task_id = id;
  update.workflow_id = "wf-" + id;
  update.worker_id = "v2-worker";
  update.output = {{"n", 1}};
  return update;
}

// --- ConductorClient::UpdateTaskAndPoll

// The client against a test server that answers every request with `answer`.
Result<std::optional<PolledTask>> UpdateAnswered(reflector::testing::TestHttpResponse answer,
                                                 Json* request_body = nullptr,
                                                 std::string* request_path = nullptr) {
  reflector::testing::HttpTestServer server([&](const reflector::testing::TestHttpRequest& request) {
    if (request_body != nullptr) *request_body = Json::parse(request.body);
    if (request_path != nullptr) *request_path = request.method + " " + request.path;
    return answer;
  });
  net::HttpClient http;
  ConductorClient client(http, {server.BaseUrl() + "/api"});
  return client.UpdateTaskAndPoll(Completed("t-1"));
}

TEST(ConductorClientUpdateV2Test, SendsTheUpdateAndReadsTheNextTask) {
  Json body;
  std::string path;
  auto next = UpdateAnswered(
      {200, {{"Content-Type", "application/json"}}, TaskJson("t-2", "echo", {{"x", 2}}, 120).dump(), {}},
      &body, &path);
  ASSERT_TRUE(next.ok()) << next.error().message;
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ((*next)->task_id, "t-2");
  EXPECT_EQ((*next)->workflow_id, "wf-t-2");
  EXPECT_EQ((*next)->task_type, "echo");
  EXPECT_EQ((*next)->response_timeout_seconds, 120);
  EXPECT_EQ((*next)->input, Json({{"x", 2}}));
  EXPECT_EQ(path, "POST /api/tasks/update-v2");
  EXPECT_EQ(body["taskId"], "t-1");
  EXPECT_EQ(body["workflowInstanceId"], "wf-t-1");
  EXPECT_EQ(body["workerId"], "v2-worker");
  EXPECT_EQ(body["status"], "COMPLETED");
  EXPECT_EQ(body["outputData"], Json({{"n", 1}}));
}

TEST(ConductorClientUpdateV2Test, NoContentOrAnUnreadableTaskMeansNoNextTask) {
  for (const std::string& answer : {std::string(), std::string("not json"), std::string("{}")}) {
    auto next = UpdateAnswered({answer.empty() ? 204 : 200, {}, answer, {}});
    ASSERT_TRUE(next.ok()) << answer;
    EXPECT_FALSE(next->has_value()) << answer;
  }
}

TEST(ConductorClientUpdateV2Test, TheAnswersOfAServerWithoutTheEndpointAreTerminal) {
  struct Case {
    int status;
    std::string body;
    ErrorKind kind;
    bool retryable;
  };
  const std::vector<Case> cases = {
      {404, "", ErrorKind::kNotFound, false},
      {404, R"({"status":404,"message":"No such task found by id: t-1","retryable":false})",
       ErrorKind::kNotFound, false},
      {405, "", ErrorKind::kExternal, false},
      {501, "", ErrorKind::kExternal, false},
      // An older Conductor: its exception mapper turns "Request method 'POST' is not supported" into a 500.
      {500, R"({"status":500,"message":"Request method 'POST' is not supported","retryable":false})",
       ErrorKind::kExternal, false},
      {500, R"({"status":500,"message":"Request method 'POST' not supported","retryable":true})",
       ErrorKind::kExternal, false},
      {500, R"({"status":500,"message":"Error updating task","retryable":true})", ErrorKind::kUnavailable,
       true},
      // What the server answers either endpoint now and then under load: a server error, retried.
      {500, R"({"status":500,"instance":"vm","retryable":false})", ErrorKind::kUnavailable, true},
      {503, "busy", ErrorKind::kUnavailable, true},
      {400, R"({"status":400,"message":"bad"})", ErrorKind::kExternal, false},
  };
  for (const auto& each : cases) {
    auto next = UpdateAnswered({each.status, {}, each.body, {}});
    ASSERT_FALSE(next.ok()) << each.status << " " << each.body;
    EXPECT_EQ(next.error().kind, each.kind) << each.status << " " << each.body;
    EXPECT_EQ(next.error().retryable, each.retryable) << each.status << " " << each.body;
    EXPECT_NE(next.error().message.find("HTTP " + std::to_string(each.status)), std::string::npos)
        << next.error().message;
  }
}

// --- The worker loop with update-v2

class ConductorWorkerUpdateV2Test : public ::testing::Test {
 protected:
  WorkerOptions Options(int concurrency = 1) const {
    WorkerOptions options;
    options.task_types = {"echo"};
    options.concurrency = concurrency;
    options.worker_id = "v2-worker";
    options.long_poll = 0ms;  // the fake answers at once; the idle backoff paces the polls
    options.max_idle_interval = 20ms;
    options.shutdown_timeout = 2s;
    options.update_backoff = 10ms;
    return options;
  }

  void Start(WorkerOptions options) {
    worker_ = std::make_unique<ConductorWorker>(client_, tasks_, std::move(options));
    thread_ = std::jthread([this](std::stop_token stop) { status_ = worker_->Run(stop); });
  }
  Status Stop() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
    return status_;
  }
  void TearDown() override { (void)Stop(); }

  void QueueEcho(const std::vector<std::string>& ids) {
    for (const auto& id : ids)
      fake_.Queue("echo", TaskJson(id, "echo", {{"id", id}}));
  }
  void RegisterEcho() {
    tasks_.Register("echo", [](const TaskExecution& e) -> Result<Json> {
      return Json{{"id", e.input["id"]}};
    });
  }

  FakeConductor fake_;
  net::HttpClient http_;
  ConductorClient client_{http_, {fake_.ApiUrl()}};
  TaskRegistry tasks_;
  std::unique_ptr<ConductorWorker> worker_;
  Status status_ = Ok();
  std::jthread thread_;  // last: joined (by TearDown) before the rest goes
};

TEST_F(ConductorWorkerUpdateV2Test, TheNextTaskInTheUpdatesAnswerRunsWithoutAPoll) {
  RegisterEcho();
  fake_.SetUpdateV2Status(200);
  QueueEcho({"t-0", "t-1", "t-2"});
  Start(Options(1));
  ASSERT_TRUE(fake_.WaitForUpdate("t-2", "COMPLETED"));
  ASSERT_TRUE(Stop().ok());

  EXPECT_EQ(fake_.TasksFromUpdates(), (std::vector<std::string>{"t-1", "t-2"}))
      << "only the first task was polled";
  std::vector<Json> updates = fake_.UpdatesV2();
  ASSERT_EQ(updates.size(), 3U);
  for (std::size_t i = 0; i < updates.size(); ++i) {
    EXPECT_EQ(updates[i]["taskId"], "t-" + std::to_string(i));
    EXPECT_EQ(updates[i]["status"], "COMPLETED");
    EXPECT_EQ(updates[i]["workerId"], "v2-worker");
    EXPECT_EQ(updates[i]["outputData"], Json({{"id", "t-" + std::to_string(i)}}));
  }
  EXPECT_EQ(fake_.Updates().size(), 3U) << "no plain update";
  WorkerStats stats = worker_->Stats();
  EXPECT_EQ(stats.completed, 3U);
  EXPECT_EQ(stats.tasks_from_updates, 2U);
}

TEST_F(ConductorWorkerUpdateV2Test, AnEmptyAnswerFreesTheSlotAndThePollerTakesOver) {
  RegisterEcho();
  fake_.SetUpdateV2Status(200);
  QueueEcho({"first"});
  Start(Options(1));
  ASSERT_TRUE(fake_.WaitForUpdates(1));  // answered 204: nothing was queued
  const std::size_t polls_before = fake_.Polls().size();
  QueueEcho({"later"});
  ASSERT_TRUE(fake_.WaitForUpdate("later", "COMPLETED"));
  ASSERT_TRUE(Stop().ok());

  EXPECT_TRUE(fake_.TasksFromUpdates().empty());
  EXPECT_GT(fake_.Polls().size(), polls_before) << "polled for the later task";
  EXPECT_EQ(fake_.UpdatesV2().size(), 2U) << "update-v2 stays in use";
  EXPECT_EQ(worker_->Stats().completed, 2U);
  EXPECT_EQ(worker_->Stats().tasks_from_updates, 0U);
}

TEST_F(ConductorWorkerUpdateV2Test, A404Or405ForTheEndpointSwitchesToPlainUpdatesAndPollingForGood) {
  RegisterEcho();
  for (int status : {FakeConductor::kNoUpdateV2, 405}) {
    FakeConductor fake;
    fake.SetUpdateV2Status(status);
    ConductorClient client(http_, {fake.ApiUrl()});
    for (const char* id : {"t-0", "t-1", "t-2"})
      fake.Queue("echo", TaskJson(id, "echo", {{"id", id}}));
    ConductorWorker worker(client, tasks_, Options(1));
    {
      std::jthread run([&](std::stop_token stop) { EXPECT_TRUE(worker.Run(stop).ok()); });
      ASSERT_TRUE(fake.WaitForUpdate("t-2", "COMPLETED")) << status;
    }
    EXPECT_EQ(fake.UpdatesV2().size(), 1U) << status << ": tried once";
    std::vector<Json> updates = fake.Updates();
    ASSERT_EQ(updates.size(), 3U) << status;
    for (std::size_t i = 0; i < updates.size(); ++i)
      EXPECT_EQ(updates[i]["taskId"], "t-" + std::to_string(i)) << status;
    EXPECT_EQ(fake.UpdatesV2()[0], updates[0]) << "the plain update carries the same body";
    EXPECT_GE(fake.Polls().size(), 3U) << status << ": every task polled";
    WorkerStats stats = worker.Stats();
    EXPECT_EQ(stats.completed, 3U);
    EXPECT_EQ(stats.tasks_from_updates, 0U);
    EXPECT_EQ(stats.update_retries, 0U);
  }
}

TEST_F(ConductorWorkerUpdateV2Test, FailedUpdatesAreRetriedAndATaskGoneIsDroppedAsBefore) {
  RegisterEcho();
  fake_.SetUpdateV2Status(200);
  // t-0: 503, then taken with t-1 in the answer; t-1: 404 for update-v2 and for the plain
  // update (the task is gone); t-2 (polled): taken.
  fake_.ScriptUpdateStatuses({503, 200, 404, 404});
  QueueEcho({"t-0", "t-1"});
  Start(Options(1));
  ASSERT_TRUE(fake_.WaitForUpdates(4));
  QueueEcho({"t-2"});
  ASSERT_TRUE(fake_.WaitForUpdate("t-2", "COMPLETED"));
  ASSERT_TRUE(Stop().ok());

  std::vector<Json> v2 = fake_.UpdatesV2();
  ASSERT_EQ(v2.size(), 4U);
  EXPECT_EQ(v2[0], v2[1]) << "retried with the same body";
  EXPECT_EQ(v2[0]["taskId"], "t-0");
  EXPECT_EQ(v2[2]["taskId"], "t-1");
  EXPECT_EQ(v2[3]["taskId"], "t-2") << "a 404 for a task is not taken for a server without update-v2";
  EXPECT_EQ(fake_.UpdatesOf("t-1").size(), 2U) << "update-v2, then the plain update; not retried";
  EXPECT_EQ(fake_.TasksFromUpdates(), (std::vector<std::string>{"t-1"}));
  WorkerStats stats = worker_->Stats();
  EXPECT_EQ(stats.update_retries, 1U);
  EXPECT_EQ(stats.updates_lost, 0U);
  EXPECT_EQ(stats.completed, 3U);
}

TEST_F(ConductorWorkerUpdateV2Test, ATaskFromAnUpdateHasItsLeaseExtended) {
  tasks_.Register("echo", [&](const TaskExecution& e) -> Result<Json> {
    if (e.task_id == "long" && !fake_.WaitForUpdate("long", "IN_PROGRESS", /*extend_lease=*/true)) {
      return Error::Cancelled();
    }
    return Json::object();
  });
  fake_.SetUpdateV2Status(200);
  fake_.Queue("echo", TaskJson("short", "echo"));
  fake_.Queue("echo", TaskJson("long", "echo", Json::object(), /*response_timeout_seconds=*/1));
  WorkerOptions options = Options(1);
  options.lease_fraction = 0.5;
  options.lease_check_interval = 50ms;
  Start(options);
  ASSERT_TRUE(fake_.WaitForUpdate("long", "COMPLETED"));
  ASSERT_TRUE(Stop().ok());

  EXPECT_EQ(fake_.TasksFromUpdates(), (std::vector<std::string>{"long"}));
  auto updates = fake_.UpdatesOf("long");
  ASSERT_GE(updates.size(), 2U);
  EXPECT_EQ(updates[0]["status"], "IN_PROGRESS");
  EXPECT_EQ(updates[0]["extendLease"], true);
  for (const auto& update : fake_.UpdatesV2())
    EXPECT_NE(update["status"], "IN_PROGRESS") << "extensions use the plain update";
  EXPECT_GE(worker_->Stats().leases_extended, 1U);
}

TEST_F(ConductorWorkerUpdateV2Test, ShutdownHandsBackATaskFromAnUpdateLikeAPolledOne) {
  std::atomic<bool> stuck_started{false};
  Gate never;
  tasks_.Register("echo", [&](const TaskExecution& e) -> Result<Json> {
    if (e.task_id != "stuck") return Json::object();
    stuck_started = true;
    if (!never.Wait(e.stop)) return Error::Cancelled("stopped by shutdown");
    return Json::object();
  });
  fake_.SetUpdateV2Status(200);
  fake_.Queue("echo", TaskJson("quick", "echo"));
  fake_.Queue("echo", TaskJson("stuck", "echo"));
  WorkerOptions options = Options(1);
  options.shutdown_timeout = 50ms;
  Start(options);
  ASSERT_TRUE(WaitFor([&] { return stuck_started.load(); }));
  ASSERT_TRUE(Stop().ok());

  EXPECT_EQ(fake_.TasksFromUpdates(), (std::vector<std::string>{"stuck"}));
  auto updates = fake_.UpdatesOf("stuck");
  ASSERT_EQ(updates.size(), 1U);
  EXPECT_EQ(updates[0]["status"], "IN_PROGRESS");
  EXPECT_EQ(updates[0]["callbackAfterSeconds"], 0);
  EXPECT_EQ(updates[0]["extendLease"], false);
  EXPECT_NE(updates[0]["reasonForIncompletion"].get<std::string>().find("handed back"), std::string::npos);
  ASSERT_EQ(fake_.UpdatesV2().size(), 1U) << "the hand-back is a plain update; it takes no next task";
  EXPECT_EQ(fake_.UpdatesV2()[0]["taskId"], "quick");
  WorkerStats stats = worker_->Stats();
  EXPECT_EQ(stats.handed_back, 1U);
  EXPECT_EQ(stats.completed, 1U);
}

TEST_F(ConductorWorkerUpdateV2Test, NeverRunsMoreThanConcurrencyTasksWithTasksFromUpdates) {
  std::atomic<int> running{0};
  std::atomic<int> max_running{0};
  tasks_.Register("echo", [&](const TaskExecution&) -> Result<Json> {
    int now = ++running;
    int seen = max_running.load();
    while (now > seen && !max_running.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(2ms);
    --running;
    return Json::object();
  });
  fake_.SetUpdateV2Status(200);
  for (int i = 0; i < 30; ++i)
    fake_.Queue("echo", TaskJson("t-" + std::to_string(i), "echo"));
  Start(Options(3));
  ASSERT_TRUE(WaitFor([&] { return worker_->Stats().completed == 30; }));
  ASSERT_TRUE(Stop().ok());

  EXPECT_LE(max_running.load(), 3);
  for (const auto& poll : fake_.Polls()) {
    EXPECT_LE(poll.count + static_cast<int>(poll.outstanding), 3)
        << "asked for " << poll.count << " with " << poll.outstanding << " tasks out";
  }
  EXPECT_GT(worker_->Stats().tasks_from_updates, 0U);
  std::set<std::string> reported;
  for (const auto& update : fake_.Updates())
    reported.insert(update["taskId"].get<std::string>());
  EXPECT_EQ(reported.size(), 30U);
  EXPECT_EQ(fake_.Updates().size(), 30U) << "each task ran and was reported once";
}

}  // namespace
}  // namespace reflector::engine
