// The worker runtime (engine/conductor/worker.hpp) against a real Conductor server
// (scripts/test-services), plus one case against a fake server for the reporter's retries.
// Timeouts are detected by the server's sweeper, which may be seconds late: tests wait for
// conditions with generous deadlines and then assert the state.

#include "engine/conductor/worker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/ids.hpp"
#include "support/http_test_server.hpp"
#include "support/test_env.hpp"

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;

constexpr auto kDeadline = 120s;

// Waits up to `deadline` for `condition`; returns its last value.
bool WaitFor(const std::function<bool()>& condition, std::chrono::seconds deadline = kDeadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > end) return condition();
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

// Sleeps `duration` in small steps; false when `stop` was requested first.
bool SleepUnlessStopped(std::chrono::milliseconds duration, std::stop_token stop) {
  auto end = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < end) {
    if (stop.stop_requested()) return false;
    std::this_thread::sleep_for(20ms);
  }
  return !stop.stop_requested();
}

// A worker running on its own thread until Stop() or destruction.
class RunningWorker {
 public:
  RunningWorker(ConductorClient& client, const TaskRegistry& tasks, WorkerOptions options)
      : worker_(client, tasks, std::move(options)),
        thread_([this](std::stop_token stop) { status_ = worker_.Run(stop); }) {}
  ~RunningWorker() { (void)Stop(); }

  // Requests the stop, waits for Run to return and returns its status.
  Status Stop() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
    return status_;
  }
  WorkerStats Stats() const { return worker_.Stats(); }
  const std::string& worker_id() const { return worker_.worker_id(); }

 private:
  ConductorWorker worker_;
  Status status_ = Ok();
  std::jthread thread_;  // last: started after the other members exist
};

std::vector<const TaskRun*> Attempts(const WorkflowSnapshot& snapshot, const std::string& ref) {
  std::vector<const TaskRun*> attempts;
  for (const auto& task : snapshot.tasks) {
    if (task.reference_name == ref) attempts.push_back(&task);
  }
  std::stable_sort(attempts.begin(), attempts.end(),
                   [](const TaskRun* a, const TaskRun* b) { return a->seq < b->seq; });
  return attempts;
}

class ConductorWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::RequireServiceVariable("CONDUCTOR_SERVER_URL", "a Conductor OSS server");
    ASSERT_FALSE(url_.empty()) << "see the message above";
    client_ = std::make_unique<ConductorClient>(http_, ConductorClientOptions{url_});
    suffix_ = NewUuid4().substr(0, 8);
  }

  std::string N(const std::string& base) const { return base + "_" + suffix_; }

  TaskDef Def(const std::string& base, int retries = 0, int retry_delay_seconds = 0) const {
    TaskDef def;
    def.name = N(base);
    def.owner_email = "tests@example.com";
    def.retry_count = retries;
    def.retry_delay_seconds = retry_delay_seconds;
    def.timeout_seconds = 120;
    def.response_timeout_seconds = 60;
    def.timeout_policy = TimeoutPolicy::kRetry;
    return def;
  }

  // Registers the task definitions and a workflow running `task` once (reference "only");
  // returns the workflow's name.
  std::string RegisterSingleTask(const TaskDef& task) {
    Status registered = client_->RegisterTaskDefs({task});
    EXPECT_TRUE(registered.ok()) << registered.error().message;
    WorkflowDef workflow;
    workflow.name = task.name + "_wf";
    workflow.owner_email = "tests@example.com";
    WorkflowTask only;
    only.name = task.name;
    only.reference_name = "only";
    only.input_parameters = {{"n", "${workflow.input.n}"}};
    workflow.tasks.push_back(only);
    registered = client_->RegisterWorkflow(workflow);
    EXPECT_TRUE(registered.ok()) << registered.error().message;
    return workflow.name;
  }

  std::string Start(const std::string& workflow, const Json& input = Json::object()) {
    auto id = client_->StartWorkflow(workflow, 1, input, "");
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : std::string();
  }

  WorkflowSnapshot Get(const std::string& id) {
    auto snapshot = client_->GetWorkflow(id);
    EXPECT_TRUE(snapshot.ok()) << snapshot.error().message;
    return snapshot.ok() ? *snapshot : WorkflowSnapshot{};
  }

  // The final state of the workflow, after waiting (generously) for it to end.
  WorkflowSnapshot WaitForEnd(const std::string& id) {
    WorkflowSnapshot snapshot;
    bool ended = WaitFor([&] {
      auto got = client_->GetWorkflow(id);
      if (got.ok()) snapshot = *got;
      return got.ok() && IsTerminal(snapshot.workflow.status);
    });
    EXPECT_TRUE(ended) << "workflow " << id << " did not end; last status "
                       << ToString(snapshot.workflow.status);
    return snapshot;
  }

  WorkerOptions Options(std::vector<std::string> types, int concurrency) const {
    WorkerOptions options;
    options.task_types = std::move(types);
    options.concurrency = concurrency;
    options.worker_id = "worker-test-" + suffix_;
    options.max_idle_interval = 200ms;
    options.long_poll = 500ms;
    options.shutdown_timeout = 500ms;
    return options;
  }

  net::HttpClient http_;
  std::string url_;
  std::string suffix_;
  std::unique_ptr<ConductorClient> client_;
  TaskRegistry tasks_;
};

TEST_F(ConductorWorkerTest, NeverRunsMoreThanConcurrencyTasksAtOnce) {
  TaskDef def = Def("busy");
  std::string workflow = RegisterSingleTask(def);
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i)
    ids.push_back(Start(workflow, {{"n", i}}));  // all queued before the worker starts

  std::atomic<int> running{0};
  std::atomic<int> max_running{0};
  tasks_.Register(def.name, [&](const TaskExecution& e) -> Result<Json> {
    int now = ++running;
    int seen = max_running.load();
    while (now > seen && !max_running.compare_exchange_weak(seen, now)) {
    }
    bool finished = SleepUnlessStopped(300ms, e.stop);
    --running;
    if (!finished) return Error::Cancelled();
    return Json{{"n", e.input["n"]}};
  });
  RunningWorker worker(*client_, tasks_, Options({def.name}, 2));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    WorkflowSnapshot s = WaitForEnd(ids[i]);
    EXPECT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << ids[i];
    EXPECT_EQ(s.workflow.output["n"], static_cast<int>(i));
  }
  ASSERT_TRUE(worker.Stop().ok());
  EXPECT_LE(max_running.load(), 2);
  EXPECT_EQ(max_running.load(), 2) << "with 10 tasks queued both slots are used";
  WorkerStats stats = worker.Stats();
  EXPECT_EQ(stats.started, 10U);
  EXPECT_EQ(stats.completed, 10U);
  EXPECT_EQ(stats.failed, 0U);
  EXPECT_EQ(stats.handed_back, 0U);
}

TEST_F(ConductorWorkerTest, RunsTasksOfSeveralTypes) {
  std::vector<TaskDef> defs = {Def("alpha"), Def("beta"), Def("gamma")};
  ASSERT_TRUE(client_->RegisterTaskDefs(defs).ok());
  WorkflowDef workflow;
  workflow.name = N("types_wf");
  workflow.owner_email = "tests@example.com";
  WorkflowTask fork;
  fork.name = "fork";
  fork.reference_name = "fork";
  fork.type = TaskType::kForkJoin;
  WorkflowTask join;
  join.name = "join";
  join.reference_name = "join";
  join.type = TaskType::kJoin;
  for (const auto& def : defs) {
    WorkflowTask branch;
    branch.name = def.name;
    branch.reference_name = def.name.substr(0, def.name.find('_'));
    fork.fork_tasks.push_back({branch});
    join.join_on.push_back(branch.reference_name);
  }
  workflow.tasks = {fork, join};
  Status registered = client_->RegisterWorkflow(workflow);
  ASSERT_TRUE(registered.ok()) << registered.error().message;
  std::vector<std::string> ids = {Start(workflow.name), Start(workflow.name)};

  std::mutex mutex;
  std::map<std::string, int> runs;  // by task type
  std::vector<std::string> types;
  for (const auto& def : defs) {
    types.push_back(def.name);
    tasks_.Register(def.name, [&](const TaskExecution& e) -> Result<Json> {
      std::lock_guard lock(mutex);
      ++runs[e.task_name];
      return Json{{"type", e.task_name}};
    });
  }
  RunningWorker worker(*client_, tasks_, Options(types, 3));
  for (const auto& id : ids) {
    WorkflowSnapshot s = WaitForEnd(id);
    ASSERT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << s.workflow.reason;
    for (const auto& def : defs) {
      std::string ref = def.name.substr(0, def.name.find('_'));
      auto attempts = Attempts(s, ref);
      ASSERT_EQ(attempts.size(), 1U) << ref;
      EXPECT_EQ(attempts[0]->status, TaskStatus::kCompleted);
      EXPECT_EQ(attempts[0]->worker_id, worker.worker_id());
      EXPECT_EQ(Attempts(s, "join")[0]->output[ref]["type"], def.name);
    }
  }
  ASSERT_TRUE(worker.Stop().ok());
  std::lock_guard lock(mutex);
  for (const auto& def : defs)
    EXPECT_EQ(runs[def.name], 2) << def.name;
  EXPECT_EQ(worker.Stats().started, 6U);
}

TEST_F(ConductorWorkerTest, EachNextTaskOfASequentialWorkflowComesInTheAnswerToTheUpdate) {
  TaskDef def = Def("chain");
  ASSERT_TRUE(client_->RegisterTaskDefs({def}).ok());
  WorkflowDef workflow;
  workflow.name = N("chain_wf");
  workflow.owner_email = "tests@example.com";
  for (int i = 0; i < 3; ++i) {
    WorkflowTask step;
    step.name = def.name;
    step.reference_name = "step" + std::to_string(i);
    workflow.tasks.push_back(step);
  }
  Status registered = client_->RegisterWorkflow(workflow);
  ASSERT_TRUE(registered.ok()) << registered.error().message;
  tasks_.Register(def.name, [](const TaskExecution& e) -> Result<Json> {
    return Json{{"ref", e.reference_name}};
  });
  RunningWorker worker(*client_, tasks_, Options({def.name}, 1));  // one slot: no poll while a step runs
  WorkflowSnapshot s = WaitForEnd(Start(workflow.name));
  ASSERT_TRUE(worker.Stop().ok());

  EXPECT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << s.workflow.reason;
  for (int i = 0; i < 3; ++i) {
    auto attempts = Attempts(s, "step" + std::to_string(i));
    ASSERT_EQ(attempts.size(), 1U);
    EXPECT_EQ(attempts[0]->output, Json({{"ref", "step" + std::to_string(i)}}));
    EXPECT_EQ(attempts[0]->worker_id, worker.worker_id());
  }
  WorkerStats stats = worker.Stats();
  EXPECT_EQ(stats.completed, 3U);
  EXPECT_EQ(stats.tasks_from_updates, 2U) << "the first step was polled, the others came with update-v2";
}

// A task that runs ~8 s against responseTimeoutSeconds 2; attempts after the first end at once.
TaskFunction LongFirstAttempt(std::chrono::milliseconds first_attempt) {
  return [first_attempt](const TaskExecution& e) -> Result<Json> {
    if (e.retry_count == 0 && !SleepUnlessStopped(first_attempt, e.stop)) return Error::Cancelled();
    return Json{{"attempt", e.retry_count}};
  };
}

TEST_F(ConductorWorkerTest, LeaseExtensionKeepsALongTaskOnItsFirstAttempt) {
  TaskDef def = Def("long", /*retries=*/1);
  def.response_timeout_seconds = 2;
  std::string workflow = RegisterSingleTask(def);
  tasks_.Register(def.name, LongFirstAttempt(8s));
  WorkerOptions options = Options({def.name}, 2);
  options.lease_fraction = 0.5;
  options.lease_check_interval = 200ms;
  RunningWorker worker(*client_, tasks_, options);
  WorkflowSnapshot s = WaitForEnd(Start(workflow));
  ASSERT_TRUE(worker.Stop().ok());

  EXPECT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << s.workflow.reason;
  auto attempts = Attempts(s, "only");
  ASSERT_EQ(attempts.size(), 1U) << "the server did not time the task out";
  EXPECT_EQ(attempts[0]->status, TaskStatus::kCompleted);
  EXPECT_EQ(attempts[0]->retry_count, 0);
  EXPECT_EQ(attempts[0]->output, Json({{"attempt", 0}}));
  EXPECT_GT(worker.Stats().leases_extended, 0U);
}

TEST_F(ConductorWorkerTest, WithoutLeaseExtensionTheServerTimesTheTaskOutAndRetries) {
  TaskDef def = Def("unleased", /*retries=*/1);
  def.response_timeout_seconds = 2;
  std::string workflow = RegisterSingleTask(def);
  // The first attempt outlives the test unless stopped: the server gives up on it first.
  tasks_.Register(def.name, LongFirstAttempt(60s));
  WorkerOptions options = Options({def.name}, 2);
  options.lease_fraction = 0.99;         // extension due after ~2 s ...
  options.lease_check_interval = 3600s;  // ... but never checked while the test runs
  RunningWorker worker(*client_, tasks_, options);
  WorkflowSnapshot s = WaitForEnd(Start(workflow));
  ASSERT_TRUE(worker.Stop().ok());

  EXPECT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << s.workflow.reason;
  auto attempts = Attempts(s, "only");
  ASSERT_EQ(attempts.size(), 2U);
  EXPECT_EQ(attempts[0]->status, TaskStatus::kTimedOut);
  EXPECT_EQ(attempts[0]->retry_count, 0);
  EXPECT_EQ(attempts[1]->status, TaskStatus::kCompleted);
  EXPECT_EQ(attempts[1]->retry_count, 1);
  EXPECT_EQ(attempts[1]->output, Json({{"attempt", 1}}));
  WorkerStats stats = worker.Stats();
  EXPECT_EQ(stats.leases_extended, 0U);
  // The stale first attempt was stopped at shutdown; its hand-back was ignored by the server.
  EXPECT_EQ(stats.handed_back, 1U);
}

TEST_F(ConductorWorkerTest, ShutdownHandsARunningTaskBackWithoutConsumingARetry) {
  TaskDef def = Def("handback", /*retries=*/2);
  std::string workflow = RegisterSingleTask(def);
  std::atomic<int> calls{0};
  std::atomic<bool> first_started{false};
  tasks_.Register(def.name, [&](const TaskExecution& e) -> Result<Json> {
    if (calls++ == 0) {
      first_started = true;
      if (!SleepUnlessStopped(60s, e.stop)) return Error::Cancelled("stopped by shutdown");
    }
    return Json{{"call", calls.load()}};
  });
  std::string id = Start(workflow);

  WorkerOptions first_options = Options({def.name}, 1);
  first_options.worker_id = "first-" + suffix_;
  first_options.shutdown_timeout = 300ms;
  auto first = std::make_unique<RunningWorker>(*client_, tasks_, first_options);
  ASSERT_TRUE(WaitFor([&] { return first_started.load(); })) << "the first worker never got the task";
  ASSERT_TRUE(first->Stop().ok());
  WorkerStats first_stats = first->Stats();
  EXPECT_EQ(first_stats.handed_back, 1U);
  EXPECT_EQ(first_stats.completed, 0U);
  EXPECT_EQ(first_stats.failed, 0U);
  first.reset();
  WorkflowSnapshot between = Get(id);
  ASSERT_EQ(between.tasks.size(), 1U);
  EXPECT_EQ(between.tasks[0].status, TaskStatus::kScheduled) << "handed back to the queue";
  EXPECT_EQ(between.tasks[0].retry_count, 0);

  WorkerOptions second_options = Options({def.name}, 1);
  second_options.worker_id = "second-" + suffix_;
  RunningWorker second(*client_, tasks_, second_options);
  WorkflowSnapshot s = WaitForEnd(id);
  ASSERT_TRUE(second.Stop().ok());
  EXPECT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << s.workflow.reason;
  auto attempts = Attempts(s, "only");
  ASSERT_EQ(attempts.size(), 1U) << "no retry consumed";
  EXPECT_EQ(attempts[0]->retry_count, 0);
  EXPECT_EQ(attempts[0]->status, TaskStatus::kCompleted);
  EXPECT_EQ(attempts[0]->worker_id, "second-" + suffix_);
  EXPECT_EQ(attempts[0]->output, Json({{"call", 2}}));
  EXPECT_EQ(second.Stats().completed, 1U);
}

TEST_F(ConductorWorkerTest, OversizedOutputFailsTheTaskWithATerminalError) {
  TaskDef def = Def("big", /*retries=*/2);
  std::string workflow = RegisterSingleTask(def);
  Json big = {{"blob", std::string(70 * 1024, 'x')}};
  const std::size_t size = big.dump().size();
  tasks_.Register(def.name, [&](const TaskExecution&) -> Result<Json> { return big; });
  RunningWorker worker(*client_, tasks_, Options({def.name}, 1));
  WorkflowSnapshot s = WaitForEnd(Start(workflow));
  ASSERT_TRUE(worker.Stop().ok());

  EXPECT_EQ(s.workflow.status, WorkflowStatus::kFailed);
  auto attempts = Attempts(s, "only");
  ASSERT_EQ(attempts.size(), 1U) << "a terminal error is not retried";
  EXPECT_EQ(attempts[0]->status, TaskStatus::kFailedWithTerminalError);
  EXPECT_NE(attempts[0]->reason.find("output is " + std::to_string(size) + " bytes"), std::string::npos)
      << attempts[0]->reason;
  EXPECT_EQ(attempts[0]->output, Json::object());
  EXPECT_EQ(worker.Stats().failed, 1U);
}

TEST_F(ConductorWorkerTest, ThrowingTaskFailsAndIsRetriedWithoutStoppingTheWorker) {
  TaskDef def = Def("throws", /*retries=*/1);
  std::string workflow = RegisterSingleTask(def);
  tasks_.Register(def.name, [](const TaskExecution& e) -> Result<Json> {
    if (e.retry_count == 0) throw std::runtime_error("decoder exploded");
    return Json{{"attempt", e.retry_count}};
  });
  RunningWorker worker(*client_, tasks_, Options({def.name}, 1));
  WorkflowSnapshot s = WaitForEnd(Start(workflow));
  ASSERT_TRUE(worker.Stop().ok());

  EXPECT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << s.workflow.reason;
  auto attempts = Attempts(s, "only");
  ASSERT_EQ(attempts.size(), 2U);
  EXPECT_EQ(attempts[0]->status, TaskStatus::kFailed);
  EXPECT_NE(attempts[0]->reason.find("decoder exploded"), std::string::npos) << attempts[0]->reason;
  EXPECT_EQ(attempts[1]->status, TaskStatus::kCompleted);
  EXPECT_EQ(attempts[1]->retry_count, 1);
  WorkerStats stats = worker.Stats();
  EXPECT_EQ(stats.failed, 1U);
  EXPECT_EQ(stats.completed, 1U);
}

// A fake server that speaks just enough of the worker protocol: one task for the first poll,
// 503 for the first update, 200 afterwards.
TEST(ConductorWorkerOfflineTest, ReporterRetriesAFailedUpdateWithTheSameBody) {
  std::mutex mutex;
  std::vector<std::string> updates;
  std::atomic<int> polls{0};
  testing::HttpTestServer server([&](const testing::TestHttpRequest& request) {
    testing::TestHttpResponse response;
    response.headers.emplace_back("Content-Type", "application/json");
    if (request.method == "GET" && request.path == "/api/tasks/poll/batch/echo") {
      response.body = polls++ == 0 ? R"([{"taskId": "t-1", "workflowInstanceId": "w-1", "taskDefName": "echo",
                                         "referenceTaskName": "echo", "retryCount": 0,
                                         "responseTimeoutSeconds": 3600, "inputData": {"x": 1}}])"
                                   : "[]";
      return response;
    }
    if (request.method == "POST" && request.path == "/api/tasks") {
      std::lock_guard lock(mutex);
      updates.push_back(request.body);
      if (updates.size() == 1) {
        response.status = 503;
        response.body = R"({"message": "try later"})";
      } else {
        response.body = "t-1";
      }
      return response;
    }
    response.status = 404;
    return response;
  });
  net::HttpClient http;
  ConductorClient client(http, {server.BaseUrl() + "/api"});
  TaskRegistry tasks;
  tasks.Register("echo", [](const TaskExecution& e) -> Result<Json> { return Json{{"x", e.input["x"]}}; });
  WorkerOptions options;
  options.task_types = {"echo"};
  options.concurrency = 1;
  options.worker_id = "offline";
  options.update_backoff = 50ms;
  options.max_idle_interval = 100ms;
  RunningWorker worker(client, tasks, options);
  bool both = WaitFor(
      [&] {
        std::lock_guard lock(mutex);
        return updates.size() >= 2;
      },
      30s);
  ASSERT_TRUE(worker.Stop().ok());
  ASSERT_TRUE(both) << "the update was not sent again";

  std::lock_guard lock(mutex);
  ASSERT_EQ(updates.size(), 2U);
  EXPECT_EQ(updates[0], updates[1]);
  Json body = Json::parse(updates[1]);
  EXPECT_EQ(body["taskId"], "t-1");
  EXPECT_EQ(body["workflowInstanceId"], "w-1");
  EXPECT_EQ(body["status"], "COMPLETED");
  EXPECT_EQ(body["outputData"], Json({{"x", 1}}));
  EXPECT_EQ(body["workerId"], "offline");
  WorkerStats stats = worker.Stats();
  EXPECT_EQ(stats.update_retries, 1U);
  EXPECT_EQ(stats.updates_lost, 0U);
  EXPECT_EQ(stats.completed, 1U);
}

}  // namespace
}  // namespace reflector::engine
