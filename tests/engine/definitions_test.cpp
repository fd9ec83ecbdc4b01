#include "engine/definitions.hpp"

#include <gtest/gtest.h>

namespace reflector::engine {
namespace {

std::map<std::string, TaskDef> Defs(std::initializer_list<const char*> names) {
  std::map<std::string, TaskDef> defs;
  for (const char* name : names) {
    TaskDef def;
    def.name = name;
    defs[name] = def;
  }
  return defs;
}

TEST(TaskDefTest, RetryDelayFormulas) {
  TaskDef def;
  def.retry_delay_seconds = 2;
  def.retry_logic = RetryLogic::kFixed;
  EXPECT_EQ(def.RetryDelaySeconds(0), 2);
  EXPECT_EQ(def.RetryDelaySeconds(3), 2);
  def.retry_logic = RetryLogic::kExponentialBackoff;
  EXPECT_EQ(def.RetryDelaySeconds(0), 2);
  EXPECT_EQ(def.RetryDelaySeconds(1), 4);
  EXPECT_EQ(def.RetryDelaySeconds(3), 16);
  EXPECT_EQ(def.RetryDelaySeconds(40), INT32_MAX);
  def.retry_logic = RetryLogic::kLinearBackoff;
  def.backoff_scale_factor = 3;
  EXPECT_EQ(def.RetryDelaySeconds(0), 6);
  EXPECT_EQ(def.RetryDelaySeconds(2), 18);
}

// Found by fuzz/workflow_definition (its retry-delay check, on a crafted input): linear backoff
// overflowed long long for large delays and scale factors.
TEST(TaskDefTest, RetryDelayNeverOverflows) {
  TaskDef def;
  def.retry_delay_seconds = INT32_MAX;
  def.backoff_scale_factor = INT32_MAX;
  def.retry_logic = RetryLogic::kLinearBackoff;
  EXPECT_EQ(def.RetryDelaySeconds(1), INT32_MAX);
  EXPECT_EQ(def.RetryDelaySeconds(INT32_MAX), INT32_MAX);
  def.backoff_scale_factor = 1;
  def.retry_delay_seconds = 1 << 20;
  EXPECT_EQ(def.RetryDelaySeconds(INT32_MAX - 1), INT32_MAX);
  def.retry_logic = RetryLogic::kExponentialBackoff;
  EXPECT_EQ(def.RetryDelaySeconds(30), INT32_MAX);
  EXPECT_EQ(def.RetryDelaySeconds(-5), 1 << 20) << "a negative attempt count counts as 0";
  def.retry_delay_seconds = -7;
  for (RetryLogic logic : {RetryLogic::kFixed, RetryLogic::kLinearBackoff, RetryLogic::kExponentialBackoff}) {
    def.retry_logic = logic;
    EXPECT_EQ(def.RetryDelaySeconds(3), 0) << ToString(logic);
  }
}

TEST(TaskDefTest, ParseAndValidate) {
  auto def = ParseTaskDef(Json::parse(
      R"({"name":"pad_track","retryCount":3,"retryLogic":"EXPONENTIAL_BACKOFF","retryDelaySeconds":5,
          "timeoutSeconds":300,"responseTimeoutSeconds":120,"timeoutPolicy":"RETRY","ownerEmail":"a@b.c"})"));
  ASSERT_TRUE(def.ok()) << def.error().message;
  EXPECT_EQ(def->retry_logic, RetryLogic::kExponentialBackoff);
  EXPECT_EQ(def->timeout_policy, TimeoutPolicy::kRetry);
  EXPECT_EQ(ToJson(*def)["responseTimeoutSeconds"], 120);

  auto bad = ParseTaskDef(Json::parse(R"({"name":"x","timeoutSeconds":60})"));
  ASSERT_FALSE(bad.ok());  // default responseTimeoutSeconds 3600 > 60, as the server rejects
  EXPECT_NE(bad.error().message.find("responseTimeoutSeconds must not exceed timeoutSeconds"),
            std::string::npos);
  EXPECT_FALSE(ParseTaskDef(Json::parse(R"({"name":"x","retryLogic":"SOMETIMES"})")).ok());
  EXPECT_FALSE(ParseTaskDef(Json::parse(R"({"retryCount":1})")).ok());
}

const char* kForkWorkflow = R"({
  "name": "wf", "version": 1, "schemaVersion": 2, "inputParameters": ["items", "id"],
  "tasks": [
    {"name": "prepare", "taskReferenceName": "prepare", "type": "SIMPLE",
     "inputParameters": {"items": "${workflow.input.items}"}},
    {"name": "fan", "taskReferenceName": "fan", "type": "FORK_JOIN_DYNAMIC",
     "inputParameters": {"dynamicTasks": "${prepare.output.tasks}", "dynamicTasksInput": "${prepare.output.inputs}"},
     "dynamicForkTasksParam": "dynamicTasks", "dynamicForkTasksInputParamName": "dynamicTasksInput"},
    {"name": "fan_join", "taskReferenceName": "fan_join", "type": "JOIN"},
    {"name": "both", "taskReferenceName": "both", "type": "FORK_JOIN",
     "forkTasks": [[{"name": "left", "taskReferenceName": "left", "inputParameters": {"x": "${fan_join.output}"}}],
                   [{"name": "right", "taskReferenceName": "right"}]]},
    {"name": "both_join", "taskReferenceName": "both_join", "type": "JOIN", "joinOn": ["left", "right"]},
    {"name": "finish", "taskReferenceName": "finish",
     "inputParameters": {"l": "${left.output.v}", "r": "${right.output.v}", "id": "${workflow.input.id}"}}
  ],
  "outputParameters": {"v": "${finish.output.v}"}
})";

TEST(WorkflowDefTest, ParsesForksAndRoundTrips) {
  auto def = ParseWorkflowDef(Json::parse(kForkWorkflow));
  ASSERT_TRUE(def.ok()) << def.error().message;
  ASSERT_EQ(def->tasks.size(), 6U);
  EXPECT_EQ(def->tasks[1].type, TaskType::kForkJoinDynamic);
  EXPECT_EQ(def->tasks[3].fork_tasks.size(), 2U);
  EXPECT_EQ(AllTasks(*def).size(), 8U);
  auto again = ParseWorkflowDef(ToJson(*def));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(ToJson(*again), ToJson(*def));
  EXPECT_TRUE(ValidateWorkflow(*def, Defs({"prepare", "left", "right", "finish", "item"}), {"item"}).ok());
}

TEST(WorkflowDefTest, ValidationFindsEveryProblem) {
  Json json = Json::parse(kForkWorkflow);
  json["tasks"][0]["inputParameters"]["later"] = "${finish.output.v}";    // not finished yet
  json["tasks"][5]["inputParameters"]["ghost"] = "${ghost.output.v}";     // no such task
  json["tasks"][5]["inputParameters"]["bad"] = "${workflow.input.nope}";  // not a declared input
  json["tasks"][4]["joinOn"] = Json::array({"left"});                     // forgets a branch
  auto def = ParseWorkflowDef(json);
  ASSERT_TRUE(def.ok());
  auto status = ValidateWorkflow(*def, Defs({"prepare", "left", "finish"}), {"item"});
  ASSERT_FALSE(status.ok());
  const std::string& message = status.error().message;
  for (const char* expected :
       {"'prepare' reads ${finish.output.v} but 'finish' does not always finish before it",
        "no task 'ghost' exists", "'nope' is not among the workflow's inputParameters",
        "does not wait for 'right'", "'right' which has no task definition",
        "dynamically forked task type 'item' has no task definition"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected << "\nin:\n" << message;
  }
}

TEST(WorkflowDefTest, StructuralErrorsNameTheField) {
  auto no_tasks = ParseWorkflowDef(Json::parse(R"({"name":"w","tasks":[]})"));
  ASSERT_FALSE(no_tasks.ok());
  EXPECT_NE(no_tasks.error().message.find("tasks must not be empty"), std::string::npos);
  auto bad_type = ParseWorkflowDef(
      Json::parse(R"({"name":"w","tasks":[{"name":"a","taskReferenceName":"a","type":"DO_WHILE"}]})"));
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.error().message.find("tasks[0].type 'DO_WHILE' is not supported"), std::string::npos);
  auto no_ref = ParseWorkflowDef(Json::parse(R"({"name":"w","tasks":[{"name":"a"}]})"));
  ASSERT_FALSE(no_ref.ok());
  EXPECT_NE(no_ref.error().message.find("field 'taskReferenceName' is missing"), std::string::npos);
  auto duplicate = ParseWorkflowDef(Json::parse(
      R"({"name":"w","tasks":[{"name":"a","taskReferenceName":"a"},{"name":"a","taskReferenceName":"a"}]})"));
  ASSERT_TRUE(duplicate.ok());
  auto status = ValidateWorkflow(*duplicate, Defs({"a"}));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("'a' is used twice"), std::string::npos);
}

// Found by fuzz/workflow_definition: branches under a task that is not a FORK_JOIN never run, so
// they are not tasks of the workflow, and reading one is reported.
TEST(WorkflowDefTest, BranchesOutsideAForkAreIgnored) {
  auto def = ParseWorkflowDef(Json::parse(R"({"name":"w","tasks":[
      {"name":"a","taskReferenceName":"a","forkTasks":[[{"name":"a","taskReferenceName":"hidden"}]]},
      {"name":"a","taskReferenceName":"b","inputParameters":{"x":"${hidden.output.v}"}}]})"));
  ASSERT_TRUE(def.ok()) << def.error().message;
  EXPECT_TRUE(def->tasks[0].fork_tasks.empty());
  EXPECT_EQ(AllTasks(*def).size(), 2U);
  auto status = ValidateWorkflow(*def, Defs({"a"}));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("no task 'hidden' exists"), std::string::npos)
      << status.error().message;
  auto again = ParseWorkflowDef(ToJson(*def));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ToJson(*again), ToJson(*def));
}

// Found by fuzz/workflow_definition: an integer field beyond int's range was converted with
// undefined behaviour (a float) or wrapped (an integer).
TEST(WorkflowDefTest, IntegerFieldsOutOfRangeAreErrors) {
  for (const char* value : {"55555555555555555555555555555555553", "1e300", "4294967296", "-2147483649"}) {
    auto task_def =
        ParseTaskDef(Json::parse(std::string(R"({"name":"t","backoffScaleFactor":)") + value + "}"));
    ASSERT_FALSE(task_def.ok()) << value;
    EXPECT_NE(task_def.error().message.find("taskDef 't'.backoffScaleFactor is out of range"),
              std::string::npos)
        << task_def.error().message;
    auto workflow = ParseWorkflowDef(Json::parse(std::string(R"({"name":"w","version":)") + value +
                                                 R"(,"tasks":[{"name":"a","taskReferenceName":"a"}]})"));
    ASSERT_FALSE(workflow.ok()) << value;
    auto task = ParseWorkflowTask(
        Json::parse(std::string(R"({"name":"a","taskReferenceName":"a","retryCount":)") + value + "}"), "t");
    if (Json::parse(value).is_number_integer()) {
      EXPECT_FALSE(task.ok()) << value;
    }
  }
  auto truncated = ParseTaskDef(Json::parse(R"({"name":"t","retryCount":2.0,"timeoutSeconds":2147483647})"));
  ASSERT_TRUE(truncated.ok()) << truncated.error().message;
  EXPECT_EQ(truncated->retry_count, 2);
  EXPECT_EQ(truncated->timeout_seconds, 2147483647);
  auto wrong = ParseTaskDef(Json::parse(R"({"name":"t","retryCount":"3"})"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("retryCount has the wrong type (a string)"), std::string::npos);
}

}  // namespace
}  // namespace reflector::engine
