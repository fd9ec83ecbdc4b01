// InProcessEngine when its store refuses a write because it is full (a lost database is tried
// again first: in_process_store_outage_test.cpp): Run returns the error only after the tasks it
// started have stopped, a decision is recorded whole or not at all (a failed task is never
// recorded without its retry), and a task whose start could not be recorded gives its slot of the
// process-wide bound back, so the next Run can use it.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/in_process/in_process_engine.hpp"
#include "fakes/engine_store_fake.hpp"

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;
using testing::FailingEngineStore;

class StoreFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto def = ParseWorkflowDef(Json::parse(R"({"name": "one", "schemaVersion": 2, "tasks": [
      {"name": "work", "taskReferenceName": "work"}]})"));
    ASSERT_TRUE(def.ok()) << def.error().message;
    registry_.workflows["one"] = *def;
    TaskDef task;
    task.name = "work";
    registry_.task_defs["work"] = task;
    store_.error = Error::Transient(ErrorKind::kNoSpace, "database or disk is full");
  }

  // Runs the workflow, stopped after `limit` so that a run that cannot go on does not hang the test.
  Result<WorkflowStatus> RunWithin(InProcessEngine& engine, const std::string& id,
                                   std::chrono::seconds limit) {
    std::stop_source stop;
    std::jthread watchdog([&stop, limit](std::stop_token finished) {
      std::mutex mutex;
      std::condition_variable_any wake;
      std::unique_lock lock(mutex);
      wake.wait_for(lock, finished, limit, [] { return false; });
      if (!finished.stop_requested()) stop.request_stop();
    });
    return engine.Run(id, stop.get_token());
  }

  SystemClock clock_;
  RandomIdGenerator ids_{11};
  DefinitionRegistry registry_;
  FailingEngineStore store_;
  TaskRegistry tasks_;
};

TEST_F(StoreFailureTest, RunReturnsTheStoreErrorOnlyAfterItsRunningTasksStopped) {
  std::atomic<bool> full{false};
  std::atomic<int> calls{0};
  std::atomic<bool> asked_to_stop{false};
  std::atomic<bool> returned{false};
  store_.fails = [&](const TaskRun*) { return full.load(); };
  tasks_.Register("work", [&](const TaskExecution& e) -> Result<Json> {
    if (++calls == 1) {
      full = true;  // the disk fills while the task runs: its next heartbeat cannot be recorded
      std::this_thread::sleep_for(50ms);
      e.progress->Report(0.5, "halfway");
      for (int i = 0; i < 500 && !e.stop.stop_requested(); ++i)
        std::this_thread::sleep_for(10ms);
      asked_to_stop = e.stop.stop_requested();
      std::this_thread::sleep_for(50ms);  // still using its sink and the runner
      e.progress->Report(0.6, "stopping");
      returned = true;
      return Error::Cancelled();
    }
    return Json{{"ok", true}};
  });
  InProcessOptions options;
  options.heartbeat_write_interval = 10ms;
  InProcessEngine engine(registry_, store_, tasks_, clock_, ids_, options);
  std::string id = engine.Start("one", Json::object(), "").value();

  auto failed = engine.Run(id, {});
  EXPECT_TRUE(returned) << "Run returned while its task was still running";
  EXPECT_TRUE(asked_to_stop) << "the running task was not asked to stop";
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "database or disk is full");

  full = false;  // space is back: the task left IN_PROGRESS runs again
  auto resumed = RunWithin(engine, id, 20s);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(*resumed, WorkflowStatus::kCompleted);
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(StoreFailureTest, AFailedTaskAndItsRetryAreRecordedTogetherOrNotAtAll) {
  registry_.task_defs["work"].retry_count = 1;
  registry_.task_defs["work"].retry_delay_seconds = 0;
  std::atomic<bool> full{true};
  std::atomic<int> calls{0};
  // The write that holds the retry (the failed attempt marked retried, and the new attempt) fails.
  store_.fails = [&](const TaskRun* task) {
    return full.load() && task != nullptr && task->retry_count == 1;
  };
  tasks_.Register("work", [&](const TaskExecution&) -> Result<Json> {
    if (++calls == 1) return Error::Transient(ErrorKind::kNoSpace, "audio.mp3: No space left on device");
    return Json{{"ok", true}};
  });
  InProcessEngine engine(registry_, store_, tasks_, clock_, ids_);
  std::string id = engine.Start("one", Json::object(), "").value();
  ASSERT_FALSE(engine.Run(id, {}).ok());

  full = false;
  auto resumed = RunWithin(engine, id, 10s);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(*resumed, WorkflowStatus::kCompleted) << engine.Get(id)->workflow.reason;
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(StoreFailureTest, ATaskWhoseStartCannotBeRecordedGivesItsSlotBack) {
  std::atomic<bool> full{true};
  std::atomic<int> calls{0};
  // Only the write that marks the task IN_PROGRESS (its launch) fails.
  store_.fails = [&](const TaskRun* task) {
    return full.load() && task != nullptr && task->status == TaskStatus::kInProgress;
  };
  tasks_.Register("work", [&](const TaskExecution&) -> Result<Json> {
    ++calls;
    return Json{{"ok", true}};
  });
  InProcessOptions options;
  options.max_tasks_in_process = 1;
  InProcessEngine engine(registry_, store_, tasks_, clock_, ids_, options);
  std::string id = engine.Start("one", Json::object(), "").value();
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto failed = RunWithin(engine, id, 5s);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().message, "database or disk is full");
  }
  EXPECT_EQ(calls.load(), 0);

  full = false;
  auto resumed = RunWithin(engine, id, 10s);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message << " (the one slot of the process was lost)";
  EXPECT_EQ(*resumed, WorkflowStatus::kCompleted);
  EXPECT_EQ(calls.load(), 1);
}

}  // namespace
}  // namespace reflector::engine
