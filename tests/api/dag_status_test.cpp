// DagStatusData: the DAG_STATUS payload built from a workflow snapshot and the workflow's
// definition (every step listed, parents from the definition's forks and joins, latest attempt
// per task, dynamic-fork branches as one entry, retries counted).

#include "api/dag_status.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/model.hpp"
#include "pipeline/workflow_definitions.hpp"

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

engine::TaskRun SystemTask(const std::string& reference, int seq, std::string_view type, Json input) {
  engine::TaskRun run = Task(reference, seq, engine::TaskStatus::kCompleted);
  run.task_type = std::string(type);
  run.input = std::move(input);
  return run;
}

const pipeline::PipelineDefinitions& Definitions() {
  return pipeline::LoadPipelineDefinitions().value();
}

WorkflowShape PipelineShape() {
  return WorkflowShape{&Definitions().pipeline, Definitions().dynamic_fork_task_types};
}

const Json& Named(const Json& data, const std::string& name) {
  for (const Json& task : data["tasks"]) {
    if (task["name"] == name) return task;
  }
  static const Json kMissing = Json::object();
  ADD_FAILURE() << "no entry " << name << " in " << data.dump();
  return kMissing;
}

std::vector<std::string> Names(const Json& data) {
  std::vector<std::string> names;
  for (const Json& task : data["tasks"])
    names.push_back(task["name"]);
  return names;
}

// Without the definition (a run of an unknown workflow): the tasks scheduled so far, in order.
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

TEST(DagStatusTest, EveryStepOfTheDefinitionIsListedAndTheUnscheduledOnesAreQueued) {
  engine::WorkflowSnapshot snapshot;
  snapshot.workflow.id = "wf-1";
  snapshot.tasks = {Task("get_recording", 1, engine::TaskStatus::kCompleted),
                    Task("get_participants", 2, engine::TaskStatus::kInProgress)};
  const WorkflowShape shape = PipelineShape();

  const Json data = DagStatusData(snapshot, &shape);
  EXPECT_EQ(Names(data),
            (std::vector<std::string>{"get_recording", "get_participants", "generate_padding_tasks",
                                      "pad_track", "mixdown_tracks", "generate_waveform",
                                      "generate_transcription_tasks", "transcribe_track", "merge_transcripts",
                                      "detect_topics", "generate_title", "generate_summary", "finalize",
                                      "cleanup_consent", "post_zulip", "send_webhook"}))
      << "system tasks (forks, joins) are structure, not steps";
  EXPECT_EQ(Named(data, "get_recording")["status"], "completed");
  EXPECT_EQ(Named(data, "get_participants")["status"], "running");
  for (const char* name :
       {"generate_padding_tasks", "pad_track", "transcribe_track", "finalize", "send_webhook"}) {
    const Json& task = Named(data, name);
    EXPECT_EQ(task["status"], "queued") << task.dump();
    EXPECT_TRUE(task["started_at"].is_null()) << task.dump();
    EXPECT_EQ(task["progress_pct"], 0.0) << task.dump();
  }
  EXPECT_EQ(Named(data, "pad_track")["children_total"], 0) << "a fork that has not forked yet";
  EXPECT_TRUE(Named(data, "mixdown_tracks")["children_total"].is_null());
}

TEST(DagStatusTest, ParallelBranchesShareTheirParentAndTheStepAfterTheirJoinHasBothAsParents) {
  engine::WorkflowSnapshot snapshot;
  snapshot.workflow.id = "wf-1";
  const WorkflowShape shape = PipelineShape();
  const Json data = DagStatusData(snapshot, &shape);

  EXPECT_EQ(Named(data, "get_recording")["parents"], Json::array());
  EXPECT_EQ(Named(data, "pad_track")["parents"], Json::array({"generate_padding_tasks"}));
  // mixdown ‖ transcription: both branches start after the padding fork.
  EXPECT_EQ(Named(data, "mixdown_tracks")["parents"], Json::array({"pad_track"}));
  EXPECT_EQ(Named(data, "generate_transcription_tasks")["parents"], Json::array({"pad_track"}));
  EXPECT_EQ(Named(data, "generate_waveform")["parents"], Json::array({"mixdown_tracks"}));
  EXPECT_EQ(Named(data, "transcribe_track")["parents"], Json::array({"generate_transcription_tasks"}));
  EXPECT_EQ(Named(data, "merge_transcripts")["parents"],
            Json::array({"generate_waveform", "transcribe_track"}));
  // title ‖ summary.
  EXPECT_EQ(Named(data, "generate_title")["parents"], Json::array({"detect_topics"}));
  EXPECT_EQ(Named(data, "generate_summary")["parents"], Json::array({"detect_topics"}));
  EXPECT_EQ(Named(data, "finalize")["parents"], Json::array({"generate_title", "generate_summary"}));
  EXPECT_EQ(Named(data, "send_webhook")["parents"], Json::array({"post_zulip"}));
}

TEST(DagStatusTest, TheTracksOfADynamicForkAreOneEntryOnEitherEngine) {
  engine::WorkflowSnapshot snapshot;
  snapshot.workflow.id = "wf-1";
  // In-process records: the fork lists its tasks, which are flagged dynamic.
  snapshot.tasks = {
      Task("generate_padding_tasks", 1, engine::TaskStatus::kCompleted),
      SystemTask("fork_track_padding", 2, engine::kForkType,
                 {{"forkedTasks", {"pad_track_0", "pad_track_1"}}}),
      Task("pad_track_0", 3, engine::TaskStatus::kCompleted, 0, true),
      Task("pad_track_1", 4, engine::TaskStatus::kInProgress, 0, true),
      SystemTask("join_padding", 5, engine::kJoinType, {{"joinOn", {"pad_track_0", "pad_track_1"}}})};
  // Conductor's records: only the join names the generated tasks, which are not flagged.
  snapshot.tasks.push_back(SystemTask("fork_transcription", 6, engine::kForkType, Json::object()));
  for (int track = 0; track < 3; ++track) {
    engine::TaskRun run = Task("transcribe_track_" + std::to_string(track), 7 + track,
                               track == 0 ? engine::TaskStatus::kCompleted : engine::TaskStatus::kScheduled);
    run.task_name = "transcribe_track";
    snapshot.tasks.push_back(run);
  }
  snapshot.tasks.push_back(
      SystemTask("join_transcription", 10, engine::kJoinType,
                 {{"joinOn", {"transcribe_track_0", "transcribe_track_1", "transcribe_track_2"}}}));
  const WorkflowShape shape = PipelineShape();

  const Json data = DagStatusData(snapshot, &shape);
  ASSERT_EQ(data["tasks"].size(), 16U) << data.dump();
  const Json& padding = Named(data, "pad_track");
  EXPECT_EQ(padding["status"], "running");
  EXPECT_EQ(padding["children_total"], 2);
  EXPECT_EQ(padding["children_completed"], 1);
  EXPECT_EQ(padding["children_running"], 1);
  EXPECT_EQ(padding["progress_pct"], 50.0);
  const Json& transcription = Named(data, "transcribe_track");
  EXPECT_EQ(transcription["status"], "running");
  EXPECT_EQ(transcription["children_total"], 3);
  EXPECT_EQ(transcription["children_completed"], 1);
  EXPECT_EQ(transcription["children_running"], 0) << "two tracks wait to be picked up";
}

TEST(DagStatusTest, AFailedStepCarriesItsErrorAndWhatFollowsStaysQueued) {
  engine::WorkflowSnapshot snapshot;
  snapshot.workflow.id = "wf-1";
  snapshot.tasks = {Task("detect_topics", 1, engine::TaskStatus::kCompleted),
                    Task("generate_title", 2, engine::TaskStatus::kCompleted),
                    Task("generate_summary", 3, engine::TaskStatus::kFailed),
                    Task("generate_summary", 4, engine::TaskStatus::kFailedWithTerminalError, 1)};
  snapshot.tasks[2].reason = "first attempt";
  snapshot.tasks[2].retried = true;
  snapshot.tasks[3].reason = "the LLM refused: quota exceeded";
  const WorkflowShape shape = PipelineShape();

  const Json data = DagStatusData(snapshot, &shape);
  const Json& summary = Named(data, "generate_summary");
  EXPECT_EQ(summary["status"], "failed");
  EXPECT_EQ(summary["error"], "the LLM refused: quota exceeded");
  EXPECT_EQ(summary["retries"], 1);
  EXPECT_TRUE(Named(data, "generate_title")["error"].is_null());
  EXPECT_EQ(Named(data, "finalize")["status"], "queued");
}

TEST(DagStatusTest, AShapeIsFoundByTheRunsNameAndVersion) {
  const std::vector<WorkflowShape> shapes = {PipelineShape()};
  engine::WorkflowRun run;
  run.name = Definitions().pipeline.name;
  run.version = Definitions().pipeline.version;
  EXPECT_EQ(FindShape(shapes, run), &shapes[0]);
  run.version += 1;
  EXPECT_EQ(FindShape(shapes, run), nullptr) << "another version may have other steps";
  run.version -= 1;
  run.name = "another_workflow";
  EXPECT_EQ(FindShape(shapes, run), nullptr);
}

}  // namespace
}  // namespace reflector::api
