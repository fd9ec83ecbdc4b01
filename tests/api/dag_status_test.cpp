// DagStatusData: the DAG_STATUS payload built from a workflow snapshot (latest attempt per
// task, dynamic-fork branches as one entry, retries counted).

#include "api/dag_status.hpp"

#include <gtest/gtest.h>

#include <string>

#include "engine/model.hpp"

namespace reflector::api {
namespace {

engine::TaskRun Task(const std::string& reference, int seq, engine::TaskStatus status, int retry_count = 0,
                     bool dynamic = false) {
  engine::TaskRun run;
  run.id = "t" + std::to_string(seq);
  run.workflow_id = "wf-1";
  run.reference_name = reference;
  run.task_name = dynamic ? "pad_track" : reference;
  run.task_type = engine::kSimpleType;
  run.status = status;
  run.retry_count = retry_count;
  run.seq = seq;
  run.dynamic = dynamic;
  return run;
}

TEST(DagStatusTest, EntriesCarryTheLatestAttemptAndHowOftenTheyWereRetried) {
  engine::WorkflowSnapshot snapshot;
  snapshot.workflow.id = "wf-1";
  snapshot.tasks = {Task("get_recording", 1, engine::TaskStatus::kFailed),
                    Task("get_recording", 2, engine::TaskStatus::kCompleted, 1),
                    Task("pad_track_0", 3, engine::TaskStatus::kCompleted, 0, true),
                    Task("pad_track_1", 4, engine::TaskStatus::kFailed, 0, true),
                    Task("pad_track_1", 5, engine::TaskStatus::kFailed, 1, true),
                    Task("pad_track_1", 6, engine::TaskStatus::kInProgress, 2, true)};
  snapshot.tasks[3].retried = true;
  snapshot.tasks[4].retried = true;

  const Json data = DagStatusData(snapshot);
  EXPECT_EQ(data["workflow_run_id"], "wf-1");
  ASSERT_EQ(data["tasks"].size(), 2U) << data.dump();
  const Json& recording = data["tasks"][0];
  EXPECT_EQ(recording["name"], "get_recording");
  EXPECT_EQ(recording["status"], "completed");
  EXPECT_EQ(recording["retries"], 1);
  EXPECT_TRUE(recording["error"].is_null()) << "the failed attempt was replaced";
  const Json& padding = data["tasks"][1];
  EXPECT_EQ(padding["name"], "pad_track");
  EXPECT_EQ(padding["status"], "running");
  EXPECT_EQ(padding["children_total"], 2);
  EXPECT_EQ(padding["children_completed"], 1);
  EXPECT_EQ(padding["retries"], 2) << "summed over the fork's branches";
  EXPECT_EQ(padding["parents"], Json::array({"get_recording"}));
}

}  // namespace
}  // namespace reflector::api
