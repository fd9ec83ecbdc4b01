// The Conductor client against a real Conductor OSS server (scripts/test-services).

#include "engine/conductor/conductor_client.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "core/ids.hpp"
#include "support/http_test_server.hpp"
#include "support/test_env.hpp"

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;

class ConductorClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::RequireServiceVariable("CONDUCTOR_SERVER_URL", "a Conductor OSS server");
    ASSERT_FALSE(url_.empty()) << "see the message above";
    client_ = std::make_unique<ConductorClient>(http_, ConductorClientOptions{url_});
    suffix_ = NewUuid4().substr(0, 8);
  }

  TaskDef Def(const std::string& name) {
    TaskDef def;
    def.name = name;
    def.owner_email = "tests@example.com";
    def.retry_count = 0;
    def.timeout_seconds = 60;
    def.response_timeout_seconds = 30;
    def.timeout_policy = TimeoutPolicy::kRetry;
    return def;
  }

  net::HttpClient http_;
  std::string url_;
  std::string suffix_;
  std::unique_ptr<ConductorClient> client_;
};

TEST_F(ConductorClientTest, HealthAnswers) {
  EXPECT_TRUE(client_->Health().ok());
}

TEST_F(ConductorClientTest, RegistrationRoundTripIsIdempotent) {
  TaskDef def = Def("client_test_task_" + suffix_);
  def.retry_logic = RetryLogic::kExponentialBackoff;
  def.retry_delay_seconds = 3;
  ASSERT_TRUE(client_->RegisterTaskDefs({def}).ok());
  ASSERT_TRUE(client_->RegisterTaskDefs({def}).ok());  // an upsert: no conflict the second time
  auto stored = client_->GetTaskDef(def.name);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((**stored)["retryLogic"], "EXPONENTIAL_BACKOFF");
  EXPECT_EQ((**stored)["retryDelaySeconds"], 3);
  EXPECT_EQ((**stored)["responseTimeoutSeconds"], 30);
  auto missing = client_->GetTaskDef("no_such_task_" + suffix_);
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_FALSE(missing->has_value());

  WorkflowDef workflow;
  workflow.name = "client_test_wf_" + suffix_;
  workflow.owner_email = "tests@example.com";
  WorkflowTask task;
  task.name = def.name;
  task.reference_name = "only";
  task.input_parameters = {{"x", "${workflow.input.x}"}};
  workflow.tasks.push_back(task);
  workflow.output_parameters = {{"y", "${only.output.y}"}};
  ASSERT_TRUE(client_->RegisterWorkflow(workflow).ok());
  ASSERT_TRUE(client_->RegisterWorkflow(workflow).ok());
  auto stored_workflow = client_->GetWorkflowDef(workflow.name, 1);
  ASSERT_TRUE(stored_workflow.ok() && stored_workflow->has_value());
  EXPECT_EQ((**stored_workflow)["tasks"][0]["taskReferenceName"], "only");
}

TEST_F(ConductorClientTest, StartPollCompleteAndFindByCorrelationId) {
  TaskDef def = Def("client_test_echo_" + suffix_);
  ASSERT_TRUE(client_->RegisterTaskDefs({def}).ok());
  WorkflowDef workflow;
  workflow.name = "client_test_echo_wf_" + suffix_;
  workflow.owner_email = "tests@example.com";
  WorkflowTask task;
  task.name = def.name;
  task.reference_name = "echo";
  task.input_parameters = {{"x", "${workflow.input.x}"}};
  workflow.tasks.push_back(task);
  workflow.output_parameters = {{"y", "${echo.output.y}"}};
  ASSERT_TRUE(client_->RegisterWorkflow(workflow).ok());

  std::string correlation = "transcript-" + suffix_;
  auto id = client_->StartWorkflow(workflow.name, 1, {{"x", 21}}, correlation);
  ASSERT_TRUE(id.ok()) << id.error().message;

  std::vector<PolledTask> polled;
  for (int i = 0; i < 50 && polled.empty(); ++i) {
    auto batch = client_->PollBatch(def.name, "test-worker", 1, 500ms);
    ASSERT_TRUE(batch.ok()) << batch.error().message;
    polled = *batch;
  }
  ASSERT_EQ(polled.size(), 1U);
  EXPECT_EQ(polled[0].workflow_id, *id);
  EXPECT_EQ(polled[0].reference_name, "echo");
  EXPECT_EQ(polled[0].input["x"], 21);
  EXPECT_EQ(polled[0].response_timeout_seconds, 30);

  // A heartbeat, then the result; a repeated update of the finished task is accepted and ignored.
  TaskUpdate beat{
      polled[0].task_id, *id, "test-worker", TaskStatus::kInProgress, Json::object(), "", {}, true, 0};
  ASSERT_TRUE(client_->UpdateTask(beat).ok());
  TaskUpdate done{
      polled[0].task_id, *id, "test-worker", TaskStatus::kCompleted, {{"y", 42}}, "", {"computed"}, false, 0};
  ASSERT_TRUE(client_->UpdateTask(done).ok());
  ASSERT_TRUE(client_->UpdateTask(done).ok());

  WorkflowSnapshot snapshot;
  for (int i = 0; i < 100; ++i) {
    auto got = client_->GetWorkflow(*id);
    ASSERT_TRUE(got.ok()) << got.error().message;
    snapshot = *got;
    if (IsTerminal(snapshot.workflow.status)) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(snapshot.workflow.status, WorkflowStatus::kCompleted);
  EXPECT_EQ(snapshot.workflow.output["y"], 42);
  EXPECT_EQ(snapshot.workflow.correlation_id, correlation);
  ASSERT_EQ(snapshot.tasks.size(), 1U);
  EXPECT_EQ(snapshot.tasks[0].worker_id, "test-worker");

  auto found = client_->FindWorkflowsByCorrelationId(workflow.name, correlation);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(*found, std::vector<std::string>{*id});

  // Terminating a completed workflow is refused with the server's status.
  auto terminate = client_->TerminateWorkflow(*id, "test");
  EXPECT_FALSE(terminate.ok());
}

TEST_F(ConductorClientTest, TerminateAndRetry) {
  TaskDef def = Def("client_test_idle_" + suffix_);
  ASSERT_TRUE(client_->RegisterTaskDefs({def}).ok());
  WorkflowDef workflow;
  workflow.name = "client_test_idle_wf_" + suffix_;
  workflow.owner_email = "tests@example.com";
  WorkflowTask task;
  task.name = def.name;
  task.reference_name = "idle";
  workflow.tasks.push_back(task);
  ASSERT_TRUE(client_->RegisterWorkflow(workflow).ok());
  auto id = client_->StartWorkflow(workflow.name, 1, Json::object(), "");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(client_->TerminateWorkflow(*id, "stopped by test").ok());
  auto snapshot = client_->GetWorkflow(*id);
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(snapshot->workflow.status, WorkflowStatus::kTerminated);
  EXPECT_EQ(snapshot->workflow.reason, "stopped by test");
  ASSERT_TRUE(client_->RetryWorkflow(*id).ok());
  auto retried = client_->GetWorkflow(*id);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->workflow.status, WorkflowStatus::kRunning);
  ASSERT_TRUE(client_->TerminateWorkflow(*id, "cleanup").ok());
}

TEST_F(ConductorClientTest, ServerErrorsCarryStatusAndMessage) {
  auto unknown = client_->StartWorkflow("no_such_workflow_" + suffix_, 1, Json::object(), "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("HTTP 404"), std::string::npos) << unknown.error().message;
  EXPECT_FALSE(unknown.error().retryable);
  auto missing = client_->GetWorkflow("00000000-0000-4000-8000-000000000000");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST(ConductorClientOfflineTest, ConnectionRefusedIsRetryableAndSaysSo) {
  net::HttpClient http;
  int port = testing::UnusedLocalPort();
  ConductorClient client(http, {"http://127.0.0.1:" + std::to_string(port) + "/api"});
  auto health = client.Health();
  ASSERT_FALSE(health.ok());
  EXPECT_TRUE(health.error().retryable);
  EXPECT_NE(health.error().message.find("connection refused"), std::string::npos) << health.error().message;
  auto start = client.StartWorkflow("w", 1, Json::object(), "");
  ASSERT_FALSE(start.ok());
  EXPECT_NE(start.error().message.find("Conductor POST /workflow/w"), std::string::npos)
      << start.error().message;
}

TEST(ConductorClientOfflineTest, HealthTimesOutQuickly) {
  testing::HttpTestServer slow([](const testing::TestHttpRequest&) {
    testing::TestHttpResponse response;
    response.delay = 5s;
    return response;
  });
  net::HttpClient http;
  ConductorClient client(http, {slow.BaseUrl() + "/api", 15s, 300ms});
  auto health = client.Health();
  ASSERT_FALSE(health.ok());
  EXPECT_EQ(health.error().kind, ErrorKind::kTimeout);
  EXPECT_TRUE(health.error().retryable);
}

TEST(ConductorClientOfflineTest, ParsesTheServersWorkflowShape) {
  Json json = Json::parse(R"({"workflowId":"w1","workflowName":"wf","workflowVersion":1,"status":"FAILED",
    "correlationId":"t1","reasonForIncompletion":"boom","createTime":1700000000000,"input":{"a":1},"output":{},
    "tasks":[{"taskId":"k1","referenceTaskName":"fork","taskDefName":"fork","taskType":"FORK","status":"COMPLETED",
              "seq":1,"inputData":{},"outputData":{}},
             {"taskId":"k2","referenceTaskName":"pad_track_0","taskDefName":"pad_track","taskType":"pad_track",
              "status":"FAILED_WITH_TERMINAL_ERROR","seq":2,"retryCount":0,"workerId":"h:1",
              "reasonForIncompletion":"no audio","inputData":{"track_index":0},"outputData":{}}]})");
  auto snapshot = ParseConductorWorkflow(json);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
  EXPECT_EQ(snapshot->workflow.status, WorkflowStatus::kFailed);
  EXPECT_EQ(snapshot->workflow.reason, "boom");
  ASSERT_EQ(snapshot->tasks.size(), 2U);
  EXPECT_EQ(snapshot->tasks[0].task_type, kForkType);
  EXPECT_EQ(snapshot->tasks[1].status, TaskStatus::kFailedWithTerminalError);
  EXPECT_EQ(snapshot->tasks[1].task_name, "pad_track");
  EXPECT_FALSE(ParseConductorWorkflow(Json::parse(R"({"status":"WEIRD"})")).ok());
}

}  // namespace
}  // namespace reflector::engine
