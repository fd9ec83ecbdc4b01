// Registration of the pipeline's definitions on the real Conductor server, through the client
// and through `reflector conductor register`.

#include "engine/conductor/registration.hpp"

#include <gtest/gtest.h>

#include "pipeline/workflow_definitions.hpp"
#include "support/http_test_server.hpp"
#include "support/subprocess.hpp"
#include "support/test_env.hpp"

namespace reflector::engine {
namespace {

TEST(ChangedFieldsTest, IgnoresServerAddedFieldsAndEmptyValues) {
  Json ours = {{"name", "t"}, {"retryCount", 3}, {"description", ""}, {"inputKeys", Json::array()}};
  Json theirs = {{"name", "t"}, {"retryCount", 3}, {"createTime", 17}, {"ownerApp", nullptr}};
  EXPECT_TRUE(ChangedFields(ours, theirs).empty());
  theirs["retryCount"] = 5;
  EXPECT_EQ(ChangedFields(ours, theirs), std::vector<std::string>{"retryCount"});
  Json nested = {{"tasks", Json::array({{{"name", "a"}, {"optional", false}}})}};
  Json server_nested = {{"tasks", Json::array({{{"name", "a"}, {"startDelay", 0}}})}};
  EXPECT_TRUE(ChangedFields(nested, server_nested).empty());
  server_nested["tasks"][0]["name"] = "b";
  EXPECT_EQ(ChangedFields(nested, server_nested), std::vector<std::string>{"tasks"});
}

class RegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::RequireServiceVariable("CONDUCTOR_SERVER_URL", "a Conductor OSS server");
    ASSERT_FALSE(url_.empty()) << "see the message above";
    const auto& loaded = pipeline::LoadPipelineDefinitions();
    ASSERT_TRUE(loaded.ok());
    for (const auto& [name, def] : loaded->task_defs)
      tasks_.push_back(def);
    workflows_ = {loaded->failure, loaded->pipeline};
  }

  std::string url_;
  net::HttpClient http_;
  std::vector<TaskDef> tasks_;
  std::vector<WorkflowDef> workflows_;
};

TEST_F(RegistrationTest, SecondRegistrationChangesNothingAndEditsAreReported) {
  ConductorClient client(http_, {url_});
  auto first = RegisterDefinitions(client, tasks_, workflows_);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->size(), tasks_.size() + 2);
  auto second = RegisterDefinitions(client, tasks_, workflows_);
  ASSERT_TRUE(second.ok()) << second.error().message;
  for (const auto& change : *second) {
    EXPECT_EQ(change.kind, RegistrationChange::Kind::kUnchanged) << Describe(change);
  }
  // The server really has our definitions.
  auto pad = client.GetTaskDef("pad_track");
  ASSERT_TRUE(pad.ok() && pad->has_value());
  EXPECT_EQ((**pad)["responseTimeoutSeconds"], 120);
  EXPECT_EQ((**pad)["retryLogic"], "EXPONENTIAL_BACKOFF");
  // The version we register, not 1: a fresh server has only that one.
  auto pipeline = client.GetWorkflowDef("diarization_pipeline", workflows_.back().version);
  ASSERT_TRUE(pipeline.ok() && pipeline->has_value());
  EXPECT_EQ((**pipeline)["failureWorkflow"], "diarization_pipeline_failure");

  std::vector<TaskDef> edited = tasks_;
  for (auto& def : edited) {
    if (def.name == "post_zulip") def.retry_count = 7;
  }
  auto third = RegisterDefinitions(client, edited, {});
  ASSERT_TRUE(third.ok());
  int updated = 0;
  for (const auto& change : *third) {
    if (change.kind == RegistrationChange::Kind::kUpdated) {
      ++updated;
      EXPECT_EQ(change.what, "task post_zulip");
      EXPECT_EQ(change.fields, std::vector<std::string>{"retryCount"});
      EXPECT_EQ(Describe(change), "updated   task post_zulip (retryCount)");
    }
  }
  EXPECT_EQ(updated, 1);
  ASSERT_TRUE(RegisterDefinitions(client, tasks_, {}).ok());  // put it back
}

TEST_F(RegistrationTest, CommandLinePrintsWhatItDidAndStatusShowsTasks) {
  auto result = testing::RunCommand({testing::BuiltBinary("reflector").string(), "conductor", "register"},
                                    {{"CONDUCTOR_SERVER_URL", url_}, {"LOG_LEVEL", "warning"}});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("task pad_track"), std::string::npos) << result.out;
  const auto& definitions = pipeline::LoadPipelineDefinitions();
  ASSERT_TRUE(definitions.ok());
  const int version = definitions->pipeline.version;
  EXPECT_NE(result.out.find("workflow diarization_pipeline v" + std::to_string(version)), std::string::npos)
      << result.out;

  ConductorClient client(http_, {url_});
  auto id = client.StartWorkflow("diarization_pipeline", version, {{"transcript_id", "t-1"}}, "status-test");
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto status = testing::RunCommand({testing::BuiltBinary("reflector").string(), "conductor", "status", *id},
                                    {{"CONDUCTOR_SERVER_URL", url_}, {"LOG_LEVEL", "warning"}});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("RUNNING"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("get_recording"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("SCHEDULED"), std::string::npos) << status.out;
  EXPECT_TRUE(client.TerminateWorkflow(*id, "test done").ok());

  auto refused = testing::RunCommand(
      {testing::BuiltBinary("reflector").string(), "conductor", "register"},
      {{"CONDUCTOR_SERVER_URL", "http://127.0.0.1:" + std::to_string(testing::UnusedLocalPort()) + "/api"}});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("connection refused"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace reflector::engine
