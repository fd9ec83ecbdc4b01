// The in-process engine over the database store, on the backend chosen at compile time
// (REFLECTOR_ENGINE_STORE_POSTGRES: PostgreSQL, label db; otherwise SQLite, label unit): every
// field the engine relies on survives a round trip, and a run resumes from the database.

#include "engine/in_process/database_engine_store.hpp"

#include <gtest/gtest.h>

#include "engine/in_process/in_process_engine.hpp"
#include "store_test_env.hpp"

namespace reflector::engine {
namespace {

class DatabaseEngineStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef REFLECTOR_ENGINE_STORE_POSTGRES
    fresh_ = store::testing::FreshDatabase::Create(store::testing::Backend::kPostgres);
#else
    fresh_ = store::testing::FreshDatabase::Create(store::testing::Backend::kSqlite);
#endif
    ASSERT_NE(fresh_, nullptr);
    auto database = store::Database::Open(fresh_->url());
    ASSERT_TRUE(database.ok()) << database.error().message;
    database_ = std::move(*database);
    ASSERT_TRUE(database_->Migrate(clock_).ok());
    store_ = std::make_unique<DatabaseEngineStore>(*database_);
  }

  std::unique_ptr<store::testing::FreshDatabase> fresh_;
  SystemClock clock_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<DatabaseEngineStore> store_;
};

TEST_F(DatabaseEngineStoreTest, RoundTripsEveryEngineField) {
  WorkflowRun workflow;
  workflow.id = "w1";
  workflow.name = "wf";
  workflow.version = 2;
  workflow.input = {{"a", 1}};
  workflow.correlation_id = "c";
  workflow.create_time = clock_.Now();
  workflow.update_time = workflow.create_time;
  ASSERT_TRUE(store_->CreateWorkflow(workflow).ok());
  workflow.status = WorkflowStatus::kFailed;
  workflow.reason = "boom";
  workflow.failure_workflow_id = "w2";
  workflow.output = {{"x", "y"}};
  workflow.end_time = clock_.Now();
  ASSERT_TRUE(store_->SaveChanges({}, &workflow).ok());
  auto loaded = store_->GetWorkflow("w1");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->status, WorkflowStatus::kFailed);
  EXPECT_EQ(loaded->reason, "boom");
  EXPECT_EQ(loaded->failure_workflow_id, "w2");
  EXPECT_EQ(loaded->output, workflow.output);
  EXPECT_EQ(loaded->version, 2);
  EXPECT_NE(loaded->end_time, WallTime{});
  EXPECT_EQ(*store_->ListWorkflowIds(WorkflowStatus::kFailed), std::vector<std::string>{"w1"});

  TaskRun task;
  task.id = "t1";
  task.workflow_id = "w1";
  task.reference_name = "pad_track_1";
  task.task_name = "pad_track";
  task.task_type = std::string(kSimpleType);
  task.status = TaskStatus::kFailedWithTerminalError;
  task.input = {{"track_index", 1}};
  task.reason = "no audio";
  task.retry_count = 2;
  task.seq = 7;
  task.optional = true;
  task.executed = true;
  task.dynamic = true;
  task.retried = true;
  task.start_delay_seconds = 8;
  task.scheduled_time = clock_.Now();
  task.update_time = task.scheduled_time;
  ASSERT_TRUE(store_->SaveChanges({task}, nullptr).ok());
  task.status = TaskStatus::kCompleted;  // a second save replaces the row
  ASSERT_TRUE(store_->SaveChanges({task}, nullptr).ok());
  auto tasks = store_->ListTasks("w1");
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1U);
  const TaskRun& t = tasks->front();
  EXPECT_EQ(t.status, TaskStatus::kCompleted);
  EXPECT_TRUE(t.optional && t.executed && t.dynamic && t.retried);
  EXPECT_EQ(t.start_delay_seconds, 8);
  EXPECT_EQ(t.retry_count, 2);
  EXPECT_EQ(t.seq, 7);
  EXPECT_EQ(t.input, task.input);
  EXPECT_EQ(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.scheduled_time - task.scheduled_time).count(),
      0);
}

TEST_F(DatabaseEngineStoreTest, ListsInOrderAndRefusesDuplicatesAndOrphans) {
  for (const char* id : {"w-b", "w-a"}) {
    WorkflowRun workflow;
    workflow.id = id;
    workflow.name = "wf";
    workflow.create_time = clock_.Now();
    workflow.update_time = workflow.create_time;
    ASSERT_TRUE(store_->CreateWorkflow(workflow).ok());
    clock_.SleepFor(std::chrono::milliseconds(5), {});
  }
  EXPECT_EQ(*store_->ListWorkflowIds(WorkflowStatus::kRunning), (std::vector<std::string>{"w-b", "w-a"}));
  EXPECT_TRUE(store_->ListWorkflowIds(WorkflowStatus::kCompleted)->empty());

  WorkflowRun again;
  again.id = "w-a";
  again.name = "wf";
  auto duplicate = store_->CreateWorkflow(again);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().kind, ErrorKind::kConflict);

  // Created out of order: listing follows seq.
  for (int seq : {3, 1, 2}) {
    TaskRun task;
    task.id = "t" + std::to_string(seq);
    task.workflow_id = "w-a";
    task.reference_name = "ref_" + std::to_string(seq);
    task.seq = seq;
    ASSERT_TRUE(store_->SaveChanges({task}, nullptr).ok());
  }
  auto listed = store_->ListTasks("w-a");
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 3U);
  EXPECT_EQ((*listed)[0].id, "t1");
  EXPECT_EQ((*listed)[2].id, "t3");

  TaskRun orphan;
  orphan.id = "t-orphan";
  orphan.workflow_id = "w-unknown";
  auto orphaned = store_->SaveChanges({orphan}, nullptr);
  ASSERT_FALSE(orphaned.ok());
  EXPECT_EQ(orphaned.error().kind, ErrorKind::kConflict);

  auto missing = store_->GetWorkflow("w-404");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(missing.error().message.find("w-404"), std::string::npos);
}

TEST_F(DatabaseEngineStoreTest, SaveChangesRecordsTheTasksAndTheWorkflowTogetherOrNotAtAll) {
  WorkflowRun workflow;
  workflow.id = "w1";
  workflow.name = "wf";
  workflow.create_time = clock_.Now();
  workflow.update_time = workflow.create_time;
  ASSERT_TRUE(store_->CreateWorkflow(workflow).ok());
  TaskRun failed;
  failed.id = "t1";
  failed.workflow_id = "w1";
  failed.reference_name = "work";
  failed.status = TaskStatus::kFailed;
  failed.retried = true;
  failed.seq = 1;
  TaskRun retry = failed;
  retry.id = "t2";
  retry.status = TaskStatus::kScheduled;
  retry.retried = false;
  retry.retry_count = 1;
  retry.seq = 2;
  retry.workflow_id = "w-unknown";  // refused by the database, after the first task was written
  workflow.status = WorkflowStatus::kFailed;

  auto refused = store_->SaveChanges({failed, retry}, &workflow);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kConflict);
  EXPECT_TRUE(store_->ListTasks("w1")->empty()) << "half a decision was recorded";
  EXPECT_EQ(store_->GetWorkflow("w1")->status, WorkflowStatus::kRunning);

  retry.workflow_id = "w1";
  ASSERT_TRUE(store_->SaveChanges({failed, retry}, &workflow).ok());
  auto saved = store_->ListTasks("w1");
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  ASSERT_EQ(saved->size(), 2U);
  EXPECT_TRUE((*saved)[0].retried);
  EXPECT_EQ((*saved)[1].status, TaskStatus::kScheduled);
  EXPECT_EQ(store_->GetWorkflow("w1")->status, WorkflowStatus::kFailed);
}

TEST_F(DatabaseEngineStoreTest, AWorkflowRunsAndResumesFromTheDatabase) {
  DefinitionRegistry registry;
  registry.workflows["two"] = ParseWorkflowDef(Json::parse(R"({"name":"two","schemaVersion":2,"tasks":[
    {"name":"step","taskReferenceName":"a","inputParameters":{"n":"${workflow.input.n}"}},
    {"name":"step","taskReferenceName":"b","inputParameters":{"n":"${a.output.n}"}}]})"))
                                  .value();
  TaskDef def;
  def.name = "step";
  def.retry_count = 0;
  registry.task_defs["step"] = def;
  TaskRegistry tasks;
  int calls = 0;
  bool interrupt = true;
  std::stop_source stop;
  tasks.Register("step", [&](const TaskExecution& e) -> Result<Json> {
    ++calls;
    if (e.reference_name == "b" && interrupt) {
      stop.request_stop();
      return Error::Cancelled();
    }
    return Json{{"n", e.input["n"].get<int>() + 1}};
  });
  RandomIdGenerator ids(5);
  InProcessEngine engine(registry, *store_, tasks, clock_, ids);
  std::string id = engine.Start("two", {{"n", 1}}, "").value();
  auto first = engine.Run(id, stop.get_token());
  ASSERT_FALSE(first.ok());
  interrupt = false;
  InProcessEngine restarted(registry, *store_, tasks, clock_, ids);
  ASSERT_EQ(*restarted.Run(id, {}), WorkflowStatus::kCompleted);
  EXPECT_EQ(calls, 3);  // a once, b twice
  auto snapshot = restarted.Get(id).value();
  EXPECT_EQ(snapshot.tasks.back().output["n"], 3);
}

}  // namespace
}  // namespace reflector::engine
