#include "engine/in_process/in_process_engine.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "fakes/engine_store_fake.hpp"

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;
using testing::MemoryEngineStore;

TaskDef MakeDef(const std::string& name, int retries = 0, RetryLogic logic = RetryLogic::kFixed,
                int delay = 0) {
  TaskDef def;
  def.name = name;
  def.retry_count = retries;
  def.retry_logic = logic;
  def.retry_delay_seconds = delay;
  def.timeout_policy = TimeoutPolicy::kRetry;
  return def;
}

WorkflowDef MustParse(const char* json) {
  auto def = ParseWorkflowDef(Json::parse(json));
  EXPECT_TRUE(def.ok()) << def.error().message;
  return def.value();
}

// A workflow harness: definitions, a memory store, task functions and an engine.
class EngineHarness {
 public:
  explicit EngineHarness(Clock& clock, InProcessOptions options = {})
      : clock_(clock), ids_(1234), options_(options) {}

  void AddWorkflow(const char* json) {
    WorkflowDef def = MustParse(json);
    registry_.workflows[def.name] = def;
  }
  void AddTask(TaskDef def, TaskFunction function) {
    tasks_.Register(def.name, std::move(function));
    registry_.task_defs[def.name] = std::move(def);
  }
  InProcessEngine& engine() {
    if (!engine_)
      engine_ = std::make_unique<InProcessEngine>(registry_, store_, tasks_, clock_, ids_, options_);
    return *engine_;
  }
  // Starts and runs to the end; returns the final snapshot.
  WorkflowSnapshot RunToEnd(const std::string& name, const Json& input) {
    auto id = engine().Start(name, input, "corr-1");
    EXPECT_TRUE(id.ok()) << id.error().message;
    auto status = engine().Run(*id, {});
    EXPECT_TRUE(status.ok()) << status.error().message;
    return engine().Get(*id).value();
  }
  MemoryEngineStore& store() { return store_; }
  DefinitionRegistry& registry() { return registry_; }

 private:
  Clock& clock_;
  RandomIdGenerator ids_;
  InProcessOptions options_;
  DefinitionRegistry registry_;
  MemoryEngineStore store_;
  TaskRegistry tasks_;
  std::unique_ptr<InProcessEngine> engine_;
};

const TaskRun* Latest(const WorkflowSnapshot& snapshot, const std::string& ref) {
  const TaskRun* latest = nullptr;
  for (const auto& task : snapshot.tasks) {
    if (task.reference_name == ref) latest = &task;
  }
  return latest;
}

int Attempts(const WorkflowSnapshot& snapshot, const std::string& ref) {
  int count = 0;
  for (const auto& task : snapshot.tasks)
    count += task.reference_name == ref ? 1 : 0;
  return count;
}

const char* kChain = R"({"name": "chain", "schemaVersion": 2, "tasks": [
  {"name": "double", "taskReferenceName": "first", "inputParameters": {"x": "${workflow.input.x}"}},
  {"name": "double", "taskReferenceName": "second", "inputParameters": {"x": "${first.output.y}"}},
  {"name": "describe", "taskReferenceName": "third",
   "inputParameters": {"text": "x=${second.output.y}, id=${workflow.input.id}", "missing": "${nothing.output.z}"}}],
  "outputParameters": {"result": "${second.output.y}", "text": "${third.output.text}"}})";

TEST(InProcessEngineTest, ChainPassesOutputsThroughExpressions) {
  SystemClock clock;
  EngineHarness h(clock);
  h.AddWorkflow(kChain);
  h.AddTask(MakeDef("double"), [](const TaskExecution& e) -> Result<Json> {
    return Json{{"y", e.input["x"].get<int>() * 2}};
  });
  Json seen_missing = "unset";
  h.AddTask(MakeDef("describe"), [&](const TaskExecution& e) -> Result<Json> {
    seen_missing = e.input.contains("missing") ? e.input["missing"] : Json("absent");
    return Json{{"text", e.input["text"]}};
  });
  auto snapshot = h.RunToEnd("chain", {{"x", 3}, {"id", "abc"}});
  EXPECT_EQ(snapshot.workflow.status, WorkflowStatus::kCompleted);
  EXPECT_EQ(snapshot.workflow.output["result"], 12);
  EXPECT_EQ(snapshot.workflow.output["text"], "x=12, id=abc");
  EXPECT_TRUE(seen_missing.is_null());  // missing values are kept as null
  EXPECT_EQ(snapshot.workflow.correlation_id, "corr-1");
  ASSERT_EQ(snapshot.tasks.size(), 3U);
  for (const auto& task : snapshot.tasks) {
    EXPECT_EQ(task.status, TaskStatus::kCompleted);
    EXPECT_FALSE(task.worker_id.empty());
  }
}

const char* kDynamic = R"({"name": "dyn", "schemaVersion": 2, "tasks": [
  {"name": "plan", "taskReferenceName": "plan", "inputParameters": {"n": "${workflow.input.n}"}},
  {"name": "fan", "taskReferenceName": "fan", "type": "FORK_JOIN_DYNAMIC",
   "inputParameters": {"dynamicTasks": "${plan.output.tasks}", "dynamicTasksInput": "${plan.output.inputs}"},
   "dynamicForkTasksParam": "dynamicTasks", "dynamicForkTasksInputParamName": "dynamicTasksInput"},
  {"name": "fan_join", "taskReferenceName": "fan_join", "type": "JOIN"},
  {"name": "sum", "taskReferenceName": "sum",
   "inputParameters": {"joined": "${fan_join.output}", "values": "${fan_join.output..value}"}}]})";

// Counts the tasks running at once and the most seen.
struct Concurrency {
  std::atomic<int> running{0};
  std::atomic<int> max_running{0};
  void Enter() {
    int now = ++running;
    int seen = max_running.load();
    while (now > seen && !max_running.compare_exchange_weak(seen, now)) {
    }
  }
};

// The "plan" task of kDynamic: n "square" branches, each with its index as input "i".
void AddPlanTask(EngineHarness& h) {
  h.AddTask(MakeDef("plan"), [](const TaskExecution& e) -> Result<Json> {
    Json tasks = Json::array();
    Json inputs = Json::object();
    for (int i = 0; i < e.input["n"].get<int>(); ++i) {
      std::string ref = "square_" + std::to_string(i);
      tasks.push_back({{"name", "square"}, {"taskReferenceName", ref}, {"type", "SIMPLE"}});
      inputs[ref] = {{"i", i}};
    }
    return Json{{"tasks", tasks}, {"inputs", inputs}};
  });
}

// Workflows run side by side share the process's bound: with max_tasks_in_process = 2, four
// workflows of fan-outs never run more than 2 tasks at once, and all complete.
TEST(InProcessEngineTest, WorkflowsShareTheProcessWideBoundOnRunningTasks) {
  SystemClock clock;
  InProcessOptions options;
  options.max_parallel_tasks = 4;
  options.max_tasks_in_process = 2;
  EngineHarness h(clock, options);
  h.AddWorkflow(kDynamic);
  AddPlanTask(h);
  Concurrency concurrency;
  h.AddTask(MakeDef("square"), [&](const TaskExecution& e) -> Result<Json> {
    concurrency.Enter();
    std::this_thread::sleep_for(20ms);
    --concurrency.running;
    return Json{{"value", e.input["i"].get<int>()}};
  });
  h.AddTask(MakeDef("sum"), [](const TaskExecution&) -> Result<Json> { return Json{{"ok", true}}; });
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    auto id = h.engine().Start("dyn", {{"n", 4}}, "corr-" + std::to_string(i));
    ASSERT_TRUE(id.ok()) << id.error().message;
    ids.push_back(*id);
  }
  std::vector<std::thread> runners;
  for (const auto& id : ids)
    runners.emplace_back([&h, id] { EXPECT_TRUE(h.engine().Run(id, {}).ok()); });
  for (auto& runner : runners)
    runner.join();
  for (const auto& id : ids)
    EXPECT_EQ(h.engine().Get(id)->workflow.status, WorkflowStatus::kCompleted) << id;
  EXPECT_EQ(concurrency.max_running.load(), 2) << "the bound is reached and never passed";
}

class DynamicForkTest : public ::testing::TestWithParam<int> {};

TEST_P(DynamicForkTest, OneBranchPerItemAndJoinOutputKeyedByReference) {
  const int n = GetParam();
  SystemClock clock;
  InProcessOptions options;
  options.max_parallel_tasks = 2;
  EngineHarness h(clock, options);
  h.AddWorkflow(kDynamic);
  AddPlanTask(h);
  Concurrency concurrency;
  h.AddTask(MakeDef("square"), [&](const TaskExecution& e) -> Result<Json> {
    concurrency.Enter();
    std::this_thread::sleep_for(20ms);
    --concurrency.running;
    int i = e.input["i"].get<int>();
    return Json{{"value", i * i}, {"index", e.input.value("__index", -1)}};
  });
  Json sum_input;
  h.AddTask(MakeDef("sum"), [&](const TaskExecution& e) -> Result<Json> {
    sum_input = e.input;
    return Json{{"ok", true}};
  });
  auto snapshot = h.RunToEnd("dyn", {{"n", n}});
  ASSERT_EQ(snapshot.workflow.status, WorkflowStatus::kCompleted) << snapshot.workflow.reason;
  ASSERT_EQ(sum_input["joined"].size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::string ref = "square_" + std::to_string(i);
    EXPECT_EQ(sum_input["joined"][ref]["value"], i * i) << ref;
  }
  EXPECT_EQ(sum_input["values"].size(), static_cast<std::size_t>(n));
  EXPECT_LE(concurrency.max_running.load(), 2);  // bounded parallelism
  const TaskRun* fork = Latest(snapshot, "fan");
  ASSERT_NE(fork, nullptr);
  EXPECT_EQ(fork->task_type, kForkType);
  EXPECT_EQ(fork->input["forkedTasks"].size(), static_cast<std::size_t>(n));
  EXPECT_EQ(Latest(snapshot, "fan_join")->input["joinOn"].size(), static_cast<std::size_t>(n));
}

INSTANTIATE_TEST_SUITE_P(Branches, DynamicForkTest, ::testing::Values(1, 5));

TEST(InProcessEngineTest, EmptyDynamicForkCompletesItsJoinAtOnce) {
  SystemClock clock;
  EngineHarness h(clock);
  h.AddWorkflow(kDynamic);
  h.AddTask(MakeDef("plan"), [](const TaskExecution&) -> Result<Json> {
    return Json{{"tasks", Json::array()}, {"inputs", Json::object()}};
  });
  h.AddTask(MakeDef("square"), [](const TaskExecution&) -> Result<Json> { return Json::object(); });
  h.AddTask(MakeDef("sum"), [](const TaskExecution& e) -> Result<Json> {
    return Json{{"n", e.input["joined"].size()}};
  });
  auto snapshot = h.RunToEnd("dyn", {{"n", 0}});
  EXPECT_EQ(snapshot.workflow.status, WorkflowStatus::kCompleted);
  EXPECT_EQ(Latest(snapshot, "sum")->output["n"], 0);
}

TEST(InProcessEngineTest, DynamicForkInputsMustBeAMapAndTaskTypesRegistered) {
  SystemClock clock;
  EngineHarness h(clock);
  h.AddWorkflow(kDynamic);
  h.AddTask(MakeDef("plan"), [](const TaskExecution& e) -> Result<Json> {
    if (e.input["n"] == 1) {
      return Json{{"tasks", Json::array({{{"name", "square"}, {"taskReferenceName", "s0"}}})},
                  {"inputs", Json::array()}};
    }
    return Json{{"tasks", Json::array({{{"name", "unregistered"}, {"taskReferenceName", "u0"}}})},
                {"inputs", Json::object()}};
  });
  h.AddTask(MakeDef("square"), [](const TaskExecution&) -> Result<Json> { return Json::object(); });
  h.AddTask(MakeDef("sum"), [](const TaskExecution&) -> Result<Json> { return Json::object(); });
  auto not_a_map = h.RunToEnd("dyn", {{"n", 1}});
  EXPECT_EQ(not_a_map.workflow.status, WorkflowStatus::kFailed);
  EXPECT_NE(not_a_map.workflow.reason.find("is not a map"), std::string::npos) << not_a_map.workflow.reason;
  auto unregistered = h.RunToEnd("dyn", {{"n", 2}});
  EXPECT_EQ(unregistered.workflow.status, WorkflowStatus::kFailed);
  EXPECT_NE(unregistered.workflow.reason.find("Task unregistered does not have a definition"),
            std::string::npos);
}

const char* kStaticFork = R"({"name": "fork", "schemaVersion": 2, "failureWorkflow": "on_failure", "tasks": [
  {"name": "both", "taskReferenceName": "both", "type": "FORK_JOIN",
   "forkTasks": [[{"name": "ok", "taskReferenceName": "left"}, {"name": "ok", "taskReferenceName": "left2"}],
                 [{"name": "maybe", "taskReferenceName": "right"}]]},
  {"name": "both_join", "taskReferenceName": "both_join", "type": "JOIN", "joinOn": ["left2", "right"]},
  {"name": "ok", "taskReferenceName": "after", "inputParameters": {"joined": "${both_join.output}"}}]})";

const char* kOnFailure = R"({"name": "on_failure", "schemaVersion": 2, "tasks": [
  {"name": "record", "taskReferenceName": "record",
   "inputParameters": {"id": "${workflow.input.workflowId}", "reason": "${workflow.input.reason}",
                       "status": "${workflow.input.failureStatus}", "tag": "${workflow.input.tag}",
                       "failed": "${workflow.input.failedWorkflow.failedReferenceTaskNames}"}}]})";

TEST(InProcessEngineTest, StaticForkJoinOutputAndOptionalBranch) {
  SystemClock clock;
  EngineHarness h(clock);
  Json fork = Json::parse(kStaticFork);
  fork["tasks"][0]["forkTasks"][1][0]["optional"] = true;
  WorkflowDef def = ParseWorkflowDef(fork).value();
  h.registry().workflows["fork"] = def;
  h.AddWorkflow(kOnFailure);
  h.AddTask(MakeDef("ok"), [](const TaskExecution& e) -> Result<Json> {
    return Json{{"ref", e.reference_name}};
  });
  h.AddTask(MakeDef("maybe"),
            [](const TaskExecution&) -> Result<Json> { return Error::InvalidInput("broken input"); });
  h.AddTask(MakeDef("record"), [](const TaskExecution&) -> Result<Json> { return Json::object(); });
  auto snapshot = h.RunToEnd("fork", Json::object());
  EXPECT_EQ(snapshot.workflow.status, WorkflowStatus::kCompleted);
  EXPECT_EQ(Latest(snapshot, "right")->status, TaskStatus::kCompletedWithErrors);
  EXPECT_EQ(Latest(snapshot, "both_join")->status, TaskStatus::kCompletedWithErrors);
  Json joined = Latest(snapshot, "after")->input["joined"];
  EXPECT_EQ(joined["left2"]["ref"], "left2");
  EXPECT_FALSE(joined.contains("right"));  // empty output is omitted
}

TEST(InProcessEngineTest, BranchFailureFailsWorkflowCancelsSiblingsAndStartsFailureWorkflow) {
  SystemClock clock;
  EngineHarness h(clock);
  h.AddWorkflow(kStaticFork);
  h.AddWorkflow(kOnFailure);
  std::atomic<bool> left2_ran{false};
  h.AddTask(MakeDef("ok"), [&](const TaskExecution& e) -> Result<Json> {
    if (e.reference_name == "left") {
      // Still running when the other branch fails; it sees its stop token.
      for (int i = 0; i < 500 && !e.stop.stop_requested(); ++i)
        std::this_thread::sleep_for(2ms);
    }
    if (e.reference_name == "left2") left2_ran = true;
    return Json{{"ref", e.reference_name}};
  });
  h.AddTask(MakeDef("maybe", 2), [](const TaskExecution&) -> Result<Json> {
    return Error::InvalidInput("track 1 (b.webm): no audio stream");
  });
  Json recorded;
  h.AddTask(MakeDef("record"), [&](const TaskExecution& e) -> Result<Json> {
    recorded = e.input;
    return Json::object();
  });
  auto snapshot = h.RunToEnd("fork", {{"tag", "t-7"}});
  EXPECT_EQ(snapshot.workflow.status, WorkflowStatus::kFailed);
  EXPECT_EQ(Attempts(snapshot, "right"), 1);  // a terminal error is not retried
  EXPECT_EQ(Latest(snapshot, "right")->status, TaskStatus::kFailedWithTerminalError);
  EXPECT_NE(snapshot.workflow.reason.find("failed with status: FAILED and reason: "
                                          "'track 1 (b.webm): no audio stream'"),
            std::string::npos)
      << snapshot.workflow.reason;
  EXPECT_EQ(Latest(snapshot, "both_join")->status, TaskStatus::kCanceled);
  EXPECT_FALSE(left2_ran.load());
  ASSERT_TRUE(snapshot.workflow.output.contains("conductor.failure_workflow"));
  EXPECT_EQ(recorded["id"], snapshot.workflow.id);
  EXPECT_EQ(recorded["status"], "FAILED");
  EXPECT_EQ(recorded["tag"], "t-7");
  EXPECT_EQ(recorded["failed"], Json::array({"right"}));
  EXPECT_EQ(recorded["reason"], snapshot.workflow.reason);
}

TEST(InProcessEngineTest, RetryDelaysFollowTheRetryLogic) {
  for (auto [logic, expected_total] :
       std::vector<std::pair<RetryLogic, int>>{{RetryLogic::kFixed, 3 * 5},
                                               {RetryLogic::kExponentialBackoff, 5 + 10 + 20},
                                               {RetryLogic::kLinearBackoff, 5 + 10 + 15}}) {
    ManualClock clock;
    EngineHarness h(clock);
    h.AddWorkflow(
        R"({"name": "flaky", "schemaVersion": 2, "tasks": [{"name": "flaky", "taskReferenceName": "flaky"}]})");
    std::atomic<int> calls{0};
    h.AddTask(MakeDef("flaky", 3, logic, 5), [&](const TaskExecution& e) -> Result<Json> {
      ++calls;
      if (e.retry_count < 3) return Error::Transient(ErrorKind::kUnavailable, "S3 briefly unavailable");
      return Json{{"attempt", e.retry_count}};
    });
    auto snapshot = h.RunToEnd("flaky", Json::object());
    EXPECT_EQ(snapshot.workflow.status, WorkflowStatus::kCompleted) << ToString(logic);
    EXPECT_EQ(calls.load(), 4);
    EXPECT_EQ(clock.TotalSlept(), std::chrono::seconds(expected_total)) << ToString(logic);
    EXPECT_EQ(Latest(snapshot, "flaky")->output["attempt"], 3);
    TaskDef expected_def = MakeDef("flaky", 3, logic, 5);
    EXPECT_EQ(Latest(snapshot, "flaky")->start_delay_seconds, expected_def.RetryDelaySeconds(2));
  }
}

TEST(InProcessEngineTest, RetriesExhaustedFailTheWorkflow) {
  ManualClock clock;
  EngineHarness h(clock);
  h.AddWorkflow(
      R"({"name": "flaky", "schemaVersion": 2, "tasks": [{"name": "flaky", "taskReferenceName": "flaky"}]})");
  h.AddTask(MakeDef("flaky", 2, RetryLogic::kFixed, 1), [](const TaskExecution&) -> Result<Json> {
    return Error::Transient(ErrorKind::kUnavailable, "still down");
  });
  auto snapshot = h.RunToEnd("flaky", Json::object());
  EXPECT_EQ(snapshot.workflow.status, WorkflowStatus::kFailed);
  EXPECT_EQ(Attempts(snapshot, "flaky"), 3);
  EXPECT_NE(snapshot.workflow.reason.find("FAILED and reason: 'still down'"), std::string::npos);
}

TEST(InProcessEngineTest, OverallTimeoutStopsTheTaskAndRetries) {
  SystemClock clock;
  InProcessOptions options;
  options.heartbeat_write_interval = 100ms;
  EngineHarness h(clock, options);
  h.AddWorkflow(
      R"({"name": "slow", "schemaVersion": 2, "tasks": [{"name": "slow", "taskReferenceName": "slow"}]})");
  TaskDef def = MakeDef("slow", 1);
  def.timeout_seconds = 1;
  def.response_timeout_seconds = 1;
  std::atomic<bool> first_saw_stop{false};
  h.AddTask(def, [&](const TaskExecution& e) -> Result<Json> {
    if (e.retry_count == 0) {
      // Heartbeats keep the response timeout away, but the overall timeout still applies.
      while (!e.stop.stop_requested()) {
        e.progress->Report(0.5, "working");
        std::this_thread::sleep_for(50ms);
      }
      first_saw_stop = true;
      return Error::Cancelled();
    }
    return Json{{"done", true}};
  });
  auto snapshot = h.RunToEnd("slow", Json::object());
  EXPECT_EQ(snapshot.workflow.status, WorkflowStatus::kCompleted);
  ASSERT_EQ(Attempts(snapshot, "slow"), 2);
  EXPECT_EQ(snapshot.tasks[0].status, TaskStatus::kTimedOut);
  EXPECT_NE(snapshot.tasks[0].reason.find("timeoutSeconds"), std::string::npos) << snapshot.tasks[0].reason;
  EXPECT_TRUE(first_saw_stop.load());
}

TEST(InProcessEngineTest, ResponseTimeoutCatchesASilentTaskButNotOneThatHeartbeats) {
  SystemClock clock;
  InProcessOptions options;
  options.heartbeat_write_interval = 100ms;
  EngineHarness h(clock, options);
  h.AddWorkflow(R"({"name": "two", "schemaVersion": 2, "tasks": [
    {"name": "beating", "taskReferenceName": "beating"}, {"name": "silent", "taskReferenceName": "silent"}]})");
  TaskDef beating = MakeDef("beating");
  beating.response_timeout_seconds = 1;
  h.AddTask(beating, [](const TaskExecution& e) -> Result<Json> {
    for (int i = 0; i < 30; ++i) {  // 1.5 s of work, longer than the response timeout
      e.progress->Report(i / 30.0, "step");
      std::this_thread::sleep_for(50ms);
    }
    return Json{{"ok", true}};
  });
  TaskDef silent = MakeDef("silent");
  silent.response_timeout_seconds = 1;
  silent.timeout_policy = TimeoutPolicy::kAlertOnly;  // the response timeout ignores the policy
  h.AddTask(silent, [](const TaskExecution& e) -> Result<Json> {
    while (!e.stop.stop_requested())
      std::this_thread::sleep_for(10ms);
    return Error::Cancelled();
  });
  auto snapshot = h.RunToEnd("two", Json::object());
  EXPECT_EQ(Latest(snapshot, "beating")->status, TaskStatus::kCompleted);
  EXPECT_EQ(Latest(snapshot, "silent")->status, TaskStatus::kTimedOut);
  EXPECT_NE(Latest(snapshot, "silent")->reason.find("responseTimeoutSeconds"), std::string::npos);
  EXPECT_EQ(snapshot.workflow.status, WorkflowStatus::kTimedOut);
}

TEST(InProcessEngineTest, InterruptedRunResumesWithoutRedoingFinishedTasks) {
  SystemClock clock;
  EngineHarness h(clock);
  h.AddWorkflow(kChain);
  std::atomic<int> double_calls{0};
  std::atomic<bool> block{true};
  h.AddTask(MakeDef("double"), [&](const TaskExecution& e) -> Result<Json> {
    ++double_calls;
    if (e.reference_name == "second") {
      while (block && !e.stop.stop_requested())
        std::this_thread::sleep_for(5ms);
      if (e.stop.stop_requested()) return Error::Cancelled();
    }
    return Json{{"y", e.input["x"].get<int>() * 2}};
  });
  h.AddTask(MakeDef("describe"), [](const TaskExecution& e) -> Result<Json> {
    return Json{{"text", e.input["text"]}};
  });
  std::string id = h.engine().Start("chain", {{"x", 1}, {"id", "i"}}, "c").value();
  std::stop_source stop;
  std::thread stopper([&] {
    while (double_calls < 2)
      std::this_thread::sleep_for(5ms);
    stop.request_stop();
  });
  auto interrupted = h.engine().Run(id, stop.get_token());
  stopper.join();
  ASSERT_FALSE(interrupted.ok());
  EXPECT_EQ(interrupted.error().kind, ErrorKind::kCancelled);
  auto midway = h.engine().Get(id).value();
  EXPECT_EQ(Latest(midway, "first")->status, TaskStatus::kCompleted);
  EXPECT_EQ(Latest(midway, "second")->status, TaskStatus::kScheduled);

  block = false;
  // A new engine over the same store, as after a restart of the process.
  RandomIdGenerator ids(99);
  TaskRegistry tasks;
  tasks.Register("double", [&](const TaskExecution& e) -> Result<Json> {
    ++double_calls;
    return Json{{"y", e.input["x"].get<int>() * 2}};
  });
  tasks.Register("describe", [](const TaskExecution& e) -> Result<Json> {
    return Json{{"text", e.input["text"]}};
  });
  InProcessEngine restarted(h.registry(), h.store(), tasks, clock, ids);
  auto resumed = restarted.Run(id, {});
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(*resumed, WorkflowStatus::kCompleted);
  EXPECT_EQ(double_calls.load(), 3);  // first once, second twice (interrupted, then resumed)
  auto done = restarted.Get(id).value();
  EXPECT_EQ(done.workflow.output["result"], 4);
  EXPECT_EQ(Attempts(done, "first"), 1);
}

TEST(InProcessEngineTest, TaskLeftInProgressByADeadProcessRunsAgain) {
  SystemClock clock;
  EngineHarness h(clock);
  h.AddWorkflow(R"({"name": "one", "schemaVersion": 2, "tasks": [{"name": "t", "taskReferenceName": "t"}]})");
  std::atomic<int> calls{0};
  h.AddTask(MakeDef("t"), [&](const TaskExecution&) -> Result<Json> {
    ++calls;
    return Json{{"ok", true}};
  });
  std::string id = h.engine().Start("one", Json::object(), "").value();
  // Simulate a process killed while the task ran: the store says IN_PROGRESS.
  TaskRun task;
  task.id = "task-1";
  task.workflow_id = id;
  task.reference_name = "t";
  task.task_name = "t";
  task.task_type = std::string(kSimpleType);
  task.status = TaskStatus::kInProgress;
  task.seq = 1;
  task.worker_id = "dead-host:1";
  ASSERT_TRUE(h.store().SaveChanges({task}, nullptr).ok());
  ASSERT_EQ(*h.engine().Run(id, {}), WorkflowStatus::kCompleted);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(h.engine().Get(id)->tasks.size(), 1U);
}

TEST(InProcessEngineTest, RetryAfterFailureResumesFromTheFailedTask) {
  SystemClock clock;
  EngineHarness h(clock);
  h.AddWorkflow(kChain);
  std::atomic<int> first_calls{0};
  std::atomic<bool> broken{true};
  h.AddTask(MakeDef("double"), [&](const TaskExecution& e) -> Result<Json> {
    if (e.reference_name == "first") ++first_calls;
    return Json{{"y", e.input["x"].get<int>() * 2}};
  });
  h.AddTask(MakeDef("describe"), [&](const TaskExecution&) -> Result<Json> {
    if (broken) return Error::InvalidInput("bad");
    return Json{{"text", "fine"}};
  });
  std::string id = h.engine().Start("chain", {{"x", 1}}, "").value();
  ASSERT_EQ(*h.engine().Run(id, {}), WorkflowStatus::kFailed);
  broken = false;
  ASSERT_TRUE(h.engine().Retry(id).ok());
  ASSERT_EQ(*h.engine().Run(id, {}), WorkflowStatus::kCompleted);
  EXPECT_EQ(first_calls.load(), 1);
  EXPECT_EQ(h.engine().Get(id)->workflow.output["text"], "fine");
  auto again = h.engine().Retry(id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
}

TEST(InProcessEngineTest, TerminateCancelsAndRejectsUnknownTaskTypes) {
  SystemClock clock;
  EngineHarness h(clock);
  h.AddWorkflow(kChain);
  std::string id = h.engine().Start("chain", {{"x", 1}}, "").value();
  ASSERT_TRUE(h.engine().Terminate(id, "operator asked").ok());
  auto snapshot = h.engine().Get(id).value();
  EXPECT_EQ(snapshot.workflow.status, WorkflowStatus::kTerminated);
  EXPECT_EQ(snapshot.workflow.reason, "operator asked");
  EXPECT_FALSE(h.engine().Start("nope", Json::object(), "").ok());

  // No worker registered for "double": the task fails terminally, the workflow fails.
  std::string id2 = h.engine().Start("chain", {{"x", 1}}, "").value();
  EXPECT_EQ(*h.engine().Run(id2, {}), WorkflowStatus::kFailed);
  EXPECT_NE(h.engine().Get(id2)->workflow.reason.find("no worker is registered for task type 'double'"),
            std::string::npos);
}

}  // namespace
}  // namespace reflector::engine
