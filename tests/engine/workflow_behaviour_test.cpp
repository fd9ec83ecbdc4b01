// Workflow semantics, one suite for both engines, run through the Engine seam the product uses:
// the same definitions and the same task functions run on the in-process engine (LocalEngine
// over InProcessEngine + MemoryEngineStore, real clock) and on a real Conductor server
// (ConductorEngine + ConductorWorker), and every case asserts the final state through the
// common WorkflowSnapshot model.
//
// The file is compiled twice (tests/engine/CMakeLists.txt): with REFLECTOR_BEHAVIOUR_IN_PROCESS
// into a `unit` executable, with REFLECTOR_BEHAVIOUR_CONDUCTOR into a `conductor` one. Every
// definition name carries a per-test suffix ("@" in the JSON below), so runs never collide on a
// shared server.
//
// Differences between the engines, asserted per engine below (also in src/engine/README.md):
//  - System task records (FORK, JOIN): Conductor names their task definition after the type
//    ("FORK", "JOIN"); the in-process engine uses the definition's `name` ("join", "fan_join").
//  - Dynamic fork record: Conductor adds `forkedTaskDefs` (every generated WorkflowTask with
//    its TaskDef) to the FORK task's input; both list the generated references in
//    `forkedTasks` and keep the resolved dynamic inputs.
//  - Failure workflow: both engines start it after the status became FAILED and then write its
//    id as output `conductor.failure_workflow`, so a read at that moment sees FAILED with an
//    empty output (the in-process engine runs it on the same background thread, Conductor in
//    its sweeper).
//  - Failure workflow input `failedWorkflow`: Conductor passes the whole failed workflow (tasks,
//    workflowDefinition, failedTaskNames, ...); the in-process engine passes the workflow's
//    summary fields plus `failedReferenceTaskNames`. Both pass workflowId, reason,
//    failureStatus, failureTaskId and the failed workflow's own input keys.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "core/ids.hpp"
#include "engine/conductor/conductor_client.hpp"
#include "engine/conductor/conductor_engine.hpp"
#include "engine/conductor/worker.hpp"
#include "engine/in_process/in_process_engine.hpp"
#include "engine/in_process/local_engine.hpp"
#include "fakes/engine_store_fake.hpp"
#include "support/test_env.hpp"

#if !defined(REFLECTOR_BEHAVIOUR_IN_PROCESS) && !defined(REFLECTOR_BEHAVIOUR_CONDUCTOR)
#error "compile with REFLECTOR_BEHAVIOUR_IN_PROCESS or REFLECTOR_BEHAVIOUR_CONDUCTOR"
#endif

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;
using testing::MemoryEngineStore;

// How long a workflow may take before the test gives up (Conductor's sweeper is slow).
constexpr auto kWorkflowDeadline = 120s;

enum class EngineKind { kInProcess, kConductor };

// How gtest (and so ctest's test list) shows the parameter.
void PrintTo(EngineKind kind, std::ostream* out) {
  *out << (kind == EngineKind::kConductor ? "Conductor" : "InProcess");
}

// What a test needs from an engine: the Engine seam the product uses, plus registering the
// test's definitions and finding workflows by correlation id.
class EngineHarness {
 public:
  virtual ~EngineHarness() = default;
  // Registers definitions whose names are already unique to the test.
  virtual Status Register(const std::vector<TaskDef>& tasks, const std::vector<WorkflowDef>& workflows) = 0;
  // The engine under test (started lazily, with its workers).
  virtual Engine& engine() = 0;
  // Ids of the workflows named `name` with this correlation id, ended or not.
  virtual Result<std::vector<std::string>> FindByCorrelationId(const std::string& name,
                                                               const std::string& correlation_id) = 0;

  // Starts the workflow through the seam and waits until it ends; its final state.
  Result<WorkflowSnapshot> RunToEnd(const std::string& name, const Json& input,
                                    const std::string& correlation_id) {
    REFLECTOR_ASSIGN_OR_RETURN(std::string id, engine().Start(name, input, correlation_id));
    return WaitForEnd(id);
  }

  Result<WorkflowSnapshot> Get(const std::string& workflow_id) { return engine().Get(workflow_id); }

  // Waits until a workflow ends (a deadline turns a hang into a failure).
  Result<WorkflowSnapshot> WaitForEnd(const std::string& workflow_id) {
    auto deadline = std::chrono::steady_clock::now() + kWorkflowDeadline;
    for (;;) {
      REFLECTOR_ASSIGN_OR_RETURN(WorkflowSnapshot snapshot, engine().Get(workflow_id));
      if (IsTerminal(snapshot.workflow.status)) return snapshot;
      if (std::chrono::steady_clock::now() > deadline) {
        return Error::Transient(ErrorKind::kTimeout, "workflow " + workflow_id + " still " +
                                                         std::string(ToString(snapshot.workflow.status)) +
                                                         " after the deadline");
      }
      std::this_thread::sleep_for(20ms);
    }
  }
};

class InProcessHarness final : public EngineHarness {
 public:
  explicit InProcessHarness(const TaskRegistry& tasks)
      : in_process_(registry_, store_, tasks, clock_, ids_), local_(in_process_) {}

  Status Register(const std::vector<TaskDef>& tasks, const std::vector<WorkflowDef>& workflows) override {
    for (const auto& def : tasks)
      registry_.task_defs[def.name] = def;
    std::vector<std::string> task_names;
    for (const auto& [name, def] : registry_.task_defs)
      task_names.push_back(name);
    for (const auto& def : workflows) {
      REFLECTOR_TRY(ValidateWorkflow(def, registry_.task_defs, task_names));
      registry_.workflows[def.name] = def;
    }
    return Ok();
  }

  Engine& engine() override { return local_; }

  Result<std::vector<std::string>> FindByCorrelationId(const std::string& name,
                                                       const std::string& correlation_id) override {
    std::vector<std::string> found;
    for (auto status : {WorkflowStatus::kRunning, WorkflowStatus::kCompleted, WorkflowStatus::kFailed,
                        WorkflowStatus::kTimedOut, WorkflowStatus::kTerminated, WorkflowStatus::kPaused}) {
      REFLECTOR_ASSIGN_OR_RETURN(std::vector<std::string> ids, store_.ListWorkflowIds(status));
      for (const auto& id : ids) {
        REFLECTOR_ASSIGN_OR_RETURN(WorkflowRun run, store_.GetWorkflow(id));
        if (run.name == name && run.correlation_id == correlation_id) found.push_back(id);
      }
    }
    return found;
  }

 private:
  SystemClock clock_;
  RandomIdGenerator ids_;
  DefinitionRegistry registry_;
  MemoryEngineStore store_;
  InProcessEngine in_process_;
  LocalEngine local_;  // last: stops its runs before the rest goes
};

class ConductorHarness final : public EngineHarness {
 public:
  ConductorHarness(const std::string& url, const TaskRegistry& tasks, const std::string& suffix)
      : client_(http_, ConductorClientOptions{url}), engine_(client_, {}), tasks_(tasks), suffix_(suffix) {}

  ~ConductorHarness() override {
    worker_thread_ = {};  // requests stop and joins before the worker is destroyed
  }

  Status Register(const std::vector<TaskDef>& tasks, const std::vector<WorkflowDef>& workflows) override {
    REFLECTOR_TRY(client_.RegisterTaskDefs(tasks));
    for (const auto& def : workflows)
      REFLECTOR_TRY(client_.RegisterWorkflow(def));
    return Ok();
  }

  Engine& engine() override {
    StartWorker();
    return engine_;
  }

  Result<std::vector<std::string>> FindByCorrelationId(const std::string& name,
                                                       const std::string& correlation_id) override {
    return client_.FindWorkflowsByCorrelationId(name, correlation_id);
  }

 private:
  void StartWorker() {
    if (worker_) return;
    WorkerOptions options;
    options.task_types = tasks_.Names();
    options.concurrency = 2;  // as the in-process engine's default max_parallel_tasks
    options.worker_id = "behaviour-" + suffix_;
    options.max_idle_interval = 200ms;
    options.shutdown_timeout = 500ms;
    worker_ = std::make_unique<ConductorWorker>(client_, tasks_, options);
    worker_thread_ = std::jthread([this](std::stop_token stop) {
      Status status = worker_->Run(stop);
      if (!status.ok()) ADD_FAILURE() << "worker: " << status.error().message;
    });
  }

  net::HttpClient http_;
  ConductorClient client_;
  ConductorEngine engine_;
  const TaskRegistry& tasks_;
  std::string suffix_;
  std::unique_ptr<ConductorWorker> worker_;
  std::jthread worker_thread_;
};

// Attempts of one reference, oldest first.
std::vector<const TaskRun*> Attempts(const WorkflowSnapshot& snapshot, const std::string& ref) {
  std::vector<const TaskRun*> attempts;
  for (const auto& task : snapshot.tasks) {
    if (task.reference_name == ref) attempts.push_back(&task);
  }
  return attempts;
}

std::string Describe(const WorkflowSnapshot& snapshot) {
  std::string text = "workflow " + snapshot.workflow.id + " " +
                     std::string(ToString(snapshot.workflow.status)) + " reason='" +
                     snapshot.workflow.reason + "'";
  for (const auto& task : snapshot.tasks) {
    text += "\n  " + std::to_string(task.seq) + " " + task.reference_name + " " + task.task_type + " " +
            std::string(ToString(task.status)) + " retry=" + std::to_string(task.retry_count) + " reason='" +
            task.reason + "' output=" + task.output.dump();
  }
  return text;
}

class WorkflowBehaviourTest : public ::testing::TestWithParam<EngineKind> {
 protected:
  void SetUp() override {
    suffix_ = NewUuid4().substr(0, 8);
    if (GetParam() == EngineKind::kConductor) {
      std::string url = testing::RequireServiceVariable("CONDUCTOR_SERVER_URL", "a Conductor OSS server");
      ASSERT_FALSE(url.empty()) << "see the message above";
      harness_ = std::make_unique<ConductorHarness>(url, tasks_, suffix_);
    } else {
      harness_ = std::make_unique<InProcessHarness>(tasks_);
    }
  }

  bool OnConductor() const { return GetParam() == EngineKind::kConductor; }

  // `base` made unique to this test.
  std::string N(const std::string& base) const { return base + "_" + suffix_; }

  TaskDef Def(const std::string& base, int retries = 0, int retry_delay_seconds = 1) const {
    TaskDef def;
    def.name = N(base);
    def.owner_email = "tests@example.com";
    def.retry_count = retries;
    def.retry_logic = RetryLogic::kFixed;
    def.retry_delay_seconds = retry_delay_seconds;
    def.timeout_seconds = 120;
    def.response_timeout_seconds = 60;
    return def;
  }

  // Parses Conductor JSON in which every "@" stands for "_<suffix>".
  WorkflowDef Workflow(std::string json) const {
    for (auto at = json.find('@'); at != std::string::npos; at = json.find('@', at))
      json.replace(at, 1, "_" + suffix_);
    auto def = ParseWorkflowDef(Json::parse(json));
    EXPECT_TRUE(def.ok()) << def.error().message;
    WorkflowDef parsed = def.ok() ? *def : WorkflowDef{};
    parsed.owner_email = "tests@example.com";
    return parsed;
  }

  void Register(const std::vector<TaskDef>& tasks, const std::vector<WorkflowDef>& workflows) {
    Status registered = harness_->Register(tasks, workflows);
    ASSERT_TRUE(registered.ok()) << registered.error().message;
  }

  WorkflowSnapshot Run(const std::string& name, const Json& input, const std::string& correlation_id = "") {
    auto snapshot = harness_->RunToEnd(name, input, correlation_id);
    EXPECT_TRUE(snapshot.ok()) << snapshot.error().message;
    return snapshot.ok() ? *snapshot : WorkflowSnapshot{};
  }

  std::string suffix_;
  TaskRegistry tasks_;  // outlives the harness
  std::unique_ptr<EngineHarness> harness_;
};

// Echoes its input, adding the reference it ran as.
Result<Json> Echo(const TaskExecution& e) {
  Json output = e.input;
  output["ref"] = e.reference_name;
  return output;
}

TEST_P(WorkflowBehaviourTest, SequentialTasksPassOutputsThroughExpressions) {
  tasks_.Register(N("double"), [](const TaskExecution& e) -> Result<Json> {
    return Json{{"y", e.input.at("x").get<int>() * 2}};
  });
  tasks_.Register(N("describe"), [](const TaskExecution& e) -> Result<Json> {
    return Json{{"text", e.input["text"]},
                {"absent_kept_as_null", e.input.contains("absent") && e.input["absent"].is_null()},
                {"whole", e.input["whole"]}};
  });
  WorkflowDef chain = Workflow(R"({"name": "chain@", "schemaVersion": 2, "tasks": [
    {"name": "double@", "taskReferenceName": "first", "inputParameters": {"x": "${workflow.input.x}"}},
    {"name": "double@", "taskReferenceName": "second", "inputParameters": {"x": "${first.output.y}"}},
    {"name": "describe@", "taskReferenceName": "third",
     "inputParameters": {"text": "x=${second.output.y}, id=${workflow.input.id}",
                         "absent": "${workflow.input.absent}", "whole": "${first.output}"}}],
    "outputParameters": {"result": "${second.output.y}", "text": "${third.output.text}",
                         "id": "${workflow.input.id}", "third": "${third.output}"}})");
  Register({Def("double"), Def("describe")}, {chain});

  WorkflowSnapshot s = Run(chain.name, {{"x", 3}, {"id", "abc"}}, "corr-" + suffix_);
  ASSERT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << Describe(s);
  EXPECT_EQ(s.workflow.correlation_id, "corr-" + suffix_);
  EXPECT_EQ(s.workflow.output, Json::parse(R"({"result": 12, "text": "x=12, id=abc", "id": "abc",
                            "third": {"text": "x=12, id=abc", "absent_kept_as_null": true,
                                      "whole": {"y": 6}}})"))
      << s.workflow.output.dump();
  ASSERT_EQ(s.tasks.size(), 3U) << Describe(s);
  for (const auto& ref : {"first", "second", "third"}) {
    auto attempts = Attempts(s, ref);
    ASSERT_EQ(attempts.size(), 1U) << ref;
    EXPECT_EQ(attempts[0]->status, TaskStatus::kCompleted) << ref;
    EXPECT_EQ(attempts[0]->retry_count, 0) << ref;
    EXPECT_EQ(attempts[0]->task_type, kSimpleType) << ref;
    EXPECT_FALSE(attempts[0]->worker_id.empty()) << ref;
  }
  EXPECT_EQ(Attempts(s, "first")[0]->task_name, N("double"));
  EXPECT_EQ(Attempts(s, "first")[0]->input, Json({{"x", 3}}));
  EXPECT_EQ(Attempts(s, "second")[0]->input, Json({{"x", 6}}));
  EXPECT_EQ(Attempts(s, "second")[0]->output, Json({{"y", 12}}));
}

TEST_P(WorkflowBehaviourTest, StaticForkJoinOutputIsKeyedByReference) {
  tasks_.Register(N("echo"), Echo);
  WorkflowDef fork = Workflow(R"({"name": "fork@", "schemaVersion": 2, "tasks": [
    {"name": "fork", "taskReferenceName": "fork", "type": "FORK_JOIN", "forkTasks": [
      [{"name": "echo@", "taskReferenceName": "left", "inputParameters": {"v": "${workflow.input.a}"}},
       {"name": "echo@", "taskReferenceName": "left2", "inputParameters": {"v": "${left.output.v}-2"}}],
      [{"name": "echo@", "taskReferenceName": "right", "inputParameters": {"v": "${workflow.input.b}"}}]]},
    {"name": "join", "taskReferenceName": "join", "type": "JOIN", "joinOn": ["left2", "right"]},
    {"name": "echo@", "taskReferenceName": "after", "inputParameters": {"joined": "${join.output}"}}],
    "outputParameters": {"joined": "${join.output}"}})");
  Register({Def("echo")}, {fork});

  WorkflowSnapshot s = Run(fork.name, {{"a", "A"}, {"b", "B"}});
  ASSERT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << Describe(s);
  Json expected_join =
      Json::parse(R"({"left2": {"v": "A-2", "ref": "left2"}, "right": {"v": "B", "ref": "right"}})");
  auto join = Attempts(s, "join");
  ASSERT_EQ(join.size(), 1U) << Describe(s);
  EXPECT_EQ(join[0]->task_type, kJoinType);
  EXPECT_EQ(join[0]->status, TaskStatus::kCompleted);
  EXPECT_EQ(join[0]->input["joinOn"], Json::array({"left2", "right"}));
  EXPECT_EQ(join[0]->task_name, OnConductor() ? "JOIN" : "join");       // documented difference
  EXPECT_EQ(join[0]->output, expected_join) << join[0]->output.dump();  // only joinOn refs
  EXPECT_EQ(s.workflow.output["joined"], expected_join);
  auto fork_record = Attempts(s, "fork");
  ASSERT_EQ(fork_record.size(), 1U);
  EXPECT_EQ(fork_record[0]->task_type, kForkType);
  EXPECT_EQ(fork_record[0]->task_name, OnConductor() ? "FORK" : "fork");
  EXPECT_EQ(fork_record[0]->status, TaskStatus::kCompleted);
  for (const auto& ref : {"left", "left2", "right", "after"}) {
    auto attempts = Attempts(s, ref);
    ASSERT_EQ(attempts.size(), 1U) << ref;
    EXPECT_EQ(attempts[0]->status, TaskStatus::kCompleted) << ref;
  }
  EXPECT_EQ(Attempts(s, "after")[0]->input["joined"], expected_join);
}

TEST_P(WorkflowBehaviourTest, DynamicForkRunsOneBranchPerGeneratedTask) {
  tasks_.Register(N("plan"), [](const TaskExecution& e) -> Result<Json> {
    Json tasks = Json::array();
    Json inputs = Json::object();
    for (int i = 0; i < e.input.at("n").get<int>(); ++i) {
      std::string ref = "sq_" + std::to_string(i);
      tasks.push_back({{"name", e.input.at("branch_task")}, {"taskReferenceName", ref}, {"type", "SIMPLE"}});
      inputs[ref] = {{"i", i}};
    }
    return Json{{"tasks", tasks}, {"inputs", inputs}};
  });
  tasks_.Register(N("square"), [](const TaskExecution& e) -> Result<Json> {
    int i = e.input.at("i").get<int>();
    return Json{{"value", i * i}};
  });
  tasks_.Register(N("sum"), [](const TaskExecution& e) -> Result<Json> {
    int total = 0;
    for (const auto& [ref, output] : e.input.at("joined").items())
      total += output.at("value").get<int>();
    return Json{{"total", total}};
  });
  WorkflowDef dyn = Workflow(R"({"name": "dyn@", "schemaVersion": 2, "tasks": [
    {"name": "plan@", "taskReferenceName": "plan",
     "inputParameters": {"n": "${workflow.input.n}", "branch_task": "square@"}},
    {"name": "fan", "taskReferenceName": "fan", "type": "FORK_JOIN_DYNAMIC",
     "inputParameters": {"dynamicTasks": "${plan.output.tasks}",
                         "dynamicTasksInput": "${plan.output.inputs}"},
     "dynamicForkTasksParam": "dynamicTasks", "dynamicForkTasksInputParamName": "dynamicTasksInput"},
    {"name": "fan_join", "taskReferenceName": "fan_join", "type": "JOIN"},
    {"name": "sum@", "taskReferenceName": "sum", "inputParameters": {"joined": "${fan_join.output}"}}],
    "outputParameters": {"total": "${sum.output.total}"}})");
  Register({Def("plan"), Def("square"), Def("sum")}, {dyn});

  for (int n : {1, 5}) {
    SCOPED_TRACE("branches: " + std::to_string(n));
    WorkflowSnapshot s = Run(dyn.name, {{"n", n}});
    ASSERT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << Describe(s);
    Json expected_join = Json::object();
    Json refs = Json::array();
    int total = 0;
    for (int i = 0; i < n; ++i) {
      std::string ref = "sq_" + std::to_string(i);
      expected_join[ref] = {{"value", i * i}};
      refs.push_back(ref);
      total += i * i;
      auto attempts = Attempts(s, ref);
      ASSERT_EQ(attempts.size(), 1U) << ref << "\n" << Describe(s);
      EXPECT_EQ(attempts[0]->status, TaskStatus::kCompleted) << ref;
      EXPECT_EQ(attempts[0]->task_name, N("square"));
      EXPECT_EQ(attempts[0]->input.value("i", -1), i) << attempts[0]->input.dump();
    }
    auto join = Attempts(s, "fan_join");
    ASSERT_EQ(join.size(), 1U);
    EXPECT_EQ(join[0]->status, TaskStatus::kCompleted);
    EXPECT_EQ(join[0]->input["joinOn"], refs);  // generated by the fork
    EXPECT_EQ(join[0]->output, expected_join) << join[0]->output.dump();
    auto fork = Attempts(s, "fan");
    ASSERT_EQ(fork.size(), 1U);
    EXPECT_EQ(fork[0]->task_type, kForkType);
    EXPECT_EQ(fork[0]->input["forkedTasks"], refs);
    EXPECT_EQ(fork[0]->input["dynamicTasksInput"].size(), static_cast<std::size_t>(n));
    // Documented difference: only Conductor adds the generated tasks' definitions.
    EXPECT_EQ(OnConductor(), fork[0]->input.contains("forkedTaskDefs")) << fork[0]->input.dump();
    EXPECT_EQ(Attempts(s, "sum")[0]->input["joined"], expected_join);
    EXPECT_EQ(s.workflow.output["total"], total);
  }
}

TEST_P(WorkflowBehaviourTest, RetryableErrorIsRetriedPerRetryCountThenSucceeds) {
  tasks_.Register(N("flaky"), [](const TaskExecution& e) -> Result<Json> {
    if (e.retry_count < 2) {
      return Error::Transient(ErrorKind::kUnavailable,
                              "storage briefly unavailable (attempt " + std::to_string(e.retry_count) + ")");
    }
    return Json{{"attempt", e.retry_count}, {"x", e.input["x"]}};
  });
  WorkflowDef flaky = Workflow(R"({"name": "flaky@", "schemaVersion": 2, "tasks": [
    {"name": "flaky@", "taskReferenceName": "flaky", "inputParameters": {"x": "${workflow.input.x}"}}],
    "outputParameters": {"attempt": "${flaky.output.attempt}", "retries": "${flaky.retryCount}"}})");
  Register({Def("flaky", /*retries=*/2, /*retry_delay_seconds=*/1)}, {flaky});

  WorkflowSnapshot s = Run(flaky.name, {{"x", 5}});
  ASSERT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << Describe(s);
  auto attempts = Attempts(s, "flaky");
  ASSERT_EQ(attempts.size(), 3U) << Describe(s);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(attempts[i]->retry_count, i);
    EXPECT_EQ(attempts[i]->input, Json({{"x", 5}})) << "input is evaluated again for every attempt";
  }
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(attempts[i]->status, TaskStatus::kFailed);
    EXPECT_TRUE(attempts[i]->retried);
    EXPECT_EQ(attempts[i]->reason, "storage briefly unavailable (attempt " + std::to_string(i) + ")");
    // FIXED retry, retryDelaySeconds 1: the next attempt does not start earlier.
    EXPECT_GE(attempts[i + 1]->start_time - attempts[i]->end_time, 900ms) << "attempt " << i + 1;
  }
  EXPECT_EQ(attempts[2]->status, TaskStatus::kCompleted);
  EXPECT_FALSE(attempts[2]->retried);
  EXPECT_EQ(attempts[2]->output, Json({{"attempt", 2}, {"x", 5}}));
  EXPECT_EQ(s.workflow.output, Json({{"attempt", 2}, {"retries", 2}}));
}

TEST_P(WorkflowBehaviourTest, ExhaustedRetriesFailTheWorkflow) {
  tasks_.Register(N("down"), [](const TaskExecution&) -> Result<Json> {
    return Error::Transient(ErrorKind::kUnavailable, "still down");
  });
  WorkflowDef down = Workflow(R"({"name": "down@", "schemaVersion": 2, "tasks": [
    {"name": "down@", "taskReferenceName": "down"}]})");
  Register({Def("down", /*retries=*/1, /*retry_delay_seconds=*/1)}, {down});

  WorkflowSnapshot s = Run(down.name, Json::object());
  ASSERT_EQ(s.workflow.status, WorkflowStatus::kFailed) << Describe(s);
  auto attempts = Attempts(s, "down");
  ASSERT_EQ(attempts.size(), 2U) << Describe(s);
  EXPECT_EQ(attempts[0]->status, TaskStatus::kFailed);
  EXPECT_TRUE(attempts[0]->retried);
  EXPECT_EQ(attempts[1]->status, TaskStatus::kFailed);
  EXPECT_EQ(attempts[1]->retry_count, 1);
  EXPECT_EQ(s.workflow.reason,
            "Task " + attempts[1]->id + " failed with status: FAILED and reason: 'still down'");
}

TEST_P(WorkflowBehaviourTest, TerminalErrorFailsAtOnceAndStartsTheFailureWorkflow) {
  tasks_.Register(N("echo"), Echo);
  tasks_.Register(N("validate"), [](const TaskExecution&) -> Result<Json> {
    return Error::InvalidInput("track 1 (b.webm): no audio stream");
  });
  tasks_.Register(N("record"), Echo);
  WorkflowDef main = Workflow(R"({"name": "main@", "schemaVersion": 2, "failureWorkflow": "on_failure@",
    "tasks": [{"name": "echo@", "taskReferenceName": "prepare",
               "inputParameters": {"tag": "${workflow.input.tag}"}},
              {"name": "validate@", "taskReferenceName": "validate"}]})");
  WorkflowDef on_failure = Workflow(R"({"name": "on_failure@", "schemaVersion": 2, "tasks": [
    {"name": "record@", "taskReferenceName": "record",
     "inputParameters": {"failed_id": "${workflow.input.workflowId}",
                         "status": "${workflow.input.failureStatus}",
                         "task": "${workflow.input.failureTaskId}", "tag": "${workflow.input.tag}"}}]})");
  Register({Def("echo"), Def("validate", /*retries=*/3), Def("record")}, {on_failure, main});

  const std::string correlation = "transcript-" + suffix_;
  WorkflowSnapshot s = Run(main.name, {{"tag", "t-7"}}, correlation);
  ASSERT_EQ(s.workflow.status, WorkflowStatus::kFailed) << Describe(s);
  auto attempts = Attempts(s, "validate");
  ASSERT_EQ(attempts.size(), 1U) << "a terminal error is not retried\n" << Describe(s);
  const TaskRun& failed = *attempts[0];
  EXPECT_EQ(failed.status, TaskStatus::kFailedWithTerminalError);
  EXPECT_EQ(failed.retry_count, 0);
  EXPECT_EQ(failed.reason, "track 1 (b.webm): no audio stream");
  // The status in the reason is the workflow's, not the task's.
  EXPECT_EQ(
      s.workflow.reason,
      "Task " + failed.id + " failed with status: FAILED and reason: 'track 1 (b.webm): no audio stream'");
  EXPECT_EQ(Attempts(s, "prepare")[0]->status, TaskStatus::kCompleted);

  // The failure workflow: its id in the failed workflow's output, found by correlation id too.
  // Both engines write that output key just after the status turned FAILED.
  auto deadline = std::chrono::steady_clock::now() + kWorkflowDeadline;
  while (!s.workflow.output.contains("conductor.failure_workflow") &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    auto again = harness_->Get(s.workflow.id);
    ASSERT_TRUE(again.ok()) << again.error().message;
    s = *again;
  }
  ASSERT_TRUE(s.workflow.output.contains("conductor.failure_workflow")) << s.workflow.output.dump();
  std::string failure_id = s.workflow.output["conductor.failure_workflow"].get<std::string>();
  auto correlated = harness_->FindByCorrelationId(on_failure.name, correlation);
  ASSERT_TRUE(correlated.ok()) << correlated.error().message;
  EXPECT_EQ(*correlated, std::vector<std::string>{failure_id});

  auto ended = harness_->WaitForEnd(failure_id);
  ASSERT_TRUE(ended.ok()) << ended.error().message;
  const WorkflowSnapshot& f = *ended;
  ASSERT_EQ(f.workflow.status, WorkflowStatus::kCompleted) << Describe(f);
  EXPECT_EQ(f.workflow.correlation_id, correlation);
  const Json& input = f.workflow.input;
  EXPECT_EQ(input["workflowId"], s.workflow.id);
  EXPECT_EQ(input["reason"], s.workflow.reason);
  EXPECT_EQ(input["failureStatus"], "FAILED");
  EXPECT_EQ(input["failureTaskId"], failed.id);
  EXPECT_EQ(input["tag"], "t-7");  // the failed workflow's input is passed on
  ASSERT_TRUE(input["failedWorkflow"].is_object()) << input.dump();
  EXPECT_EQ(input["failedWorkflow"]["workflowId"], s.workflow.id);
  EXPECT_EQ(input["failedWorkflow"]["status"], "FAILED");
  EXPECT_EQ(input["failedWorkflow"]["failedReferenceTaskNames"], Json::array({"validate"}));
  // Documented difference: Conductor passes the whole failed workflow, tasks included.
  EXPECT_EQ(OnConductor(), input["failedWorkflow"].contains("tasks")) << input["failedWorkflow"].dump();
  auto record = Attempts(f, "record");
  ASSERT_EQ(record.size(), 1U);
  EXPECT_EQ(record[0]->output, Json({{"failed_id", s.workflow.id},
                                     {"status", "FAILED"},
                                     {"task", failed.id},
                                     {"tag", "t-7"},
                                     {"ref", "record"}}));
}

TEST_P(WorkflowBehaviourTest, OptionalTaskFailureLetsTheWorkflowComplete) {
  tasks_.Register(N("echo"), Echo);
  tasks_.Register(N("maybe"), [](const TaskExecution&) -> Result<Json> {
    return Error::Transient(ErrorKind::kUnavailable, "thumbnail service unavailable");
  });
  WorkflowDef wf = Workflow(R"({"name": "optional@", "schemaVersion": 2, "tasks": [
    {"name": "echo@", "taskReferenceName": "first", "inputParameters": {"v": 1}},
    {"name": "maybe@", "taskReferenceName": "maybe", "optional": true},
    {"name": "echo@", "taskReferenceName": "after",
     "inputParameters": {"maybe_status": "${maybe.status}", "maybe_output": "${maybe.output}"}}]})");
  Register({Def("echo"), Def("maybe", /*retries=*/1, /*retry_delay_seconds=*/1)}, {wf});

  WorkflowSnapshot s = Run(wf.name, Json::object());
  ASSERT_EQ(s.workflow.status, WorkflowStatus::kCompleted) << Describe(s);
  auto maybe = Attempts(s, "maybe");
  ASSERT_EQ(maybe.size(), 2U) << "retried once before giving up\n" << Describe(s);
  EXPECT_EQ(maybe[0]->status, TaskStatus::kFailed);
  EXPECT_TRUE(maybe[0]->retried);
  EXPECT_EQ(maybe[1]->status, TaskStatus::kCompletedWithErrors);
  EXPECT_EQ(maybe[1]->retry_count, 1);
  EXPECT_EQ(maybe[1]->reason, "thumbnail service unavailable");
  auto after = Attempts(s, "after");
  ASSERT_EQ(after.size(), 1U);
  EXPECT_EQ(after[0]->status, TaskStatus::kCompleted);
  EXPECT_EQ(after[0]->input["maybe_status"], "COMPLETED_WITH_ERRORS");
  EXPECT_EQ(after[0]->input["maybe_output"], Json::object());
  // Without outputParameters the workflow's output is the last task's output.
  EXPECT_EQ(s.workflow.output, after[0]->output);
}

std::string EngineName(const ::testing::TestParamInfo<EngineKind>& info) {
  return info.param == EngineKind::kConductor ? "Conductor" : "InProcess";
}

#if defined(REFLECTOR_BEHAVIOUR_IN_PROCESS)
INSTANTIATE_TEST_SUITE_P(Engines, WorkflowBehaviourTest, ::testing::Values(EngineKind::kInProcess),
                         EngineName);
#endif
#if defined(REFLECTOR_BEHAVIOUR_CONDUCTOR)
INSTANTIATE_TEST_SUITE_P(Engines, WorkflowBehaviourTest, ::testing::Values(EngineKind::kConductor),
                         EngineName);
#endif

}  // namespace
}  // namespace reflector::engine
