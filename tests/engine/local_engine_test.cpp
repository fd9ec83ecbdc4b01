// LocalEngine: the in-process engine behind the Engine seam runs workflows in the background,
// bounded, stoppable and resumable.

#include "engine/in_process/local_engine.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "fakes/engine_store_fake.hpp"
#include "two_task_workflow.hpp"

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;
using testing::MemoryEngineStore;

class LocalEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tasks_.Register("first", [this](const TaskExecution&) -> Result<Json> {
      ++first_calls_;
      return Json{{"ok", true}};
    });
    tasks_.Register("second", [this](const TaskExecution& e) -> Result<Json> {
      ++second_started_;
      if (!gate_.Wait(e.stop)) return Error::Cancelled();
      return Json{{"ok", true}};
    });
  }

  // Polls until the workflow reaches a terminal status or the deadline passes.
  WorkflowSnapshot WaitForEnd(Engine& engine, const std::string& id) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    for (;;) {
      auto snapshot = engine.Get(id);
      EXPECT_TRUE(snapshot.ok()) << snapshot.error().message;
      if (!snapshot.ok() || IsTerminal(snapshot->workflow.status))
        return snapshot.ok() ? *snapshot : WorkflowSnapshot{};
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "workflow " << id << " did not end";
        return *snapshot;
      }
      std::this_thread::sleep_for(10ms);
    }
  }

  SystemClock clock_;
  RandomIdGenerator ids_{7};
  DefinitionRegistry registry_ = TwoTaskDefinitions();
  MemoryEngineStore store_;
  TaskRegistry tasks_;
  Gate gate_;
  std::atomic<int> first_calls_{0};
  std::atomic<int> second_started_{0};
};

TEST_F(LocalEngineTest, StartRunsTheWorkflowInTheBackground) {
  InProcessEngine engine(registry_, store_, tasks_, clock_, ids_);
  LocalEngine local(engine);
  EXPECT_EQ(local.Name(), "in_process");
  auto id = local.Start("two", Json::object(), "corr");
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_TRUE(WaitFor(second_started_, 1));
  EXPECT_EQ(local.Get(*id)->workflow.status, WorkflowStatus::kRunning);
  gate_.Open();
  WorkflowSnapshot done = WaitForEnd(local, *id);
  EXPECT_EQ(done.workflow.status, WorkflowStatus::kCompleted);
  EXPECT_EQ(done.workflow.correlation_id, "corr");
  EXPECT_EQ(done.tasks.size(), 2U);
}

TEST_F(LocalEngineTest, RunsAtMostTheConfiguredNumberOfWorkflowsAtOnce) {
  InProcessEngine engine(registry_, store_, tasks_, clock_, ids_);
  LocalEngine local(engine, {.max_running_workflows = 1});
  std::string one = local.Start("two", Json::object(), "").value();
  std::string two = local.Start("two", Json::object(), "").value();
  ASSERT_TRUE(WaitFor(second_started_, 1));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(first_calls_.load(), 1) << "the second workflow waits for the first";
  gate_.Open();
  EXPECT_EQ(WaitForEnd(local, one).workflow.status, WorkflowStatus::kCompleted);
  EXPECT_EQ(WaitForEnd(local, two).workflow.status, WorkflowStatus::kCompleted);
  EXPECT_EQ(first_calls_.load(), 2);
}

TEST_F(LocalEngineTest, ShutdownLeavesTheRunResumableWithoutRedoingFinishedTasks) {
  InProcessEngine engine(registry_, store_, tasks_, clock_, ids_);
  std::string id;
  {
    LocalEngine local(engine);
    id = local.Start("two", Json::object(), "").value();
    ASSERT_TRUE(WaitFor(second_started_, 1));
  }  // the process "ends" while `second` runs
  EXPECT_EQ(engine.Get(id)->workflow.status, WorkflowStatus::kRunning);

  LocalEngine restarted(engine);
  gate_.Open();
  ASSERT_TRUE(restarted.Resume(id).ok());
  EXPECT_EQ(WaitForEnd(restarted, id).workflow.status, WorkflowStatus::kCompleted);
  EXPECT_EQ(first_calls_.load(), 1);
  EXPECT_EQ(second_started_.load(), 2);
  EXPECT_TRUE(restarted.Resume(id).ok()) << "resuming an ended workflow changes nothing";
}

TEST_F(LocalEngineTest, TerminateStopsTheLocalRun) {
  InProcessEngine engine(registry_, store_, tasks_, clock_, ids_);
  LocalEngine local(engine);
  std::string id = local.Start("two", Json::object(), "").value();
  ASSERT_TRUE(WaitFor(second_started_, 1));
  ASSERT_TRUE(local.Terminate(id, "operator said so").ok());
  WorkflowSnapshot ended = local.Get(id).value();
  EXPECT_EQ(ended.workflow.status, WorkflowStatus::kTerminated);
  EXPECT_EQ(ended.workflow.reason, "operator said so");
}

TEST_F(LocalEngineTest, RetryRunsAFailedWorkflowAgainFromItsFailedTask) {
  std::atomic<bool> broken{true};
  tasks_.Register("second", [&](const TaskExecution&) -> Result<Json> {
    ++second_started_;
    if (broken) return Error::InvalidInput("bad track");
    return Json{{"ok", true}};
  });
  InProcessEngine engine(registry_, store_, tasks_, clock_, ids_);
  LocalEngine local(engine);
  std::string id = local.Start("two", Json::object(), "").value();
  EXPECT_EQ(WaitForEnd(local, id).workflow.status, WorkflowStatus::kFailed);
  broken = false;
  ASSERT_TRUE(local.Retry(id).ok());
  EXPECT_EQ(WaitForEnd(local, id).workflow.status, WorkflowStatus::kCompleted);
  EXPECT_EQ(first_calls_.load(), 1);
  EXPECT_EQ(second_started_.load(), 2);
}

TEST_F(LocalEngineTest, ARunTheEngineCannotContinueEndsTerminatedWithTheReason) {
  std::atomic<bool> fail{false};
  testing::FailingEngineStore failing;  // its task writes fail while `fail` is set
  failing.fails = [&fail](const TaskRun* task) { return task != nullptr && fail.load(); };
  InProcessOptions options;
  options.store_outage_limit = 1s;  // how long the run waits for the store to answer again
  InProcessEngine engine(registry_, failing, tasks_, clock_, ids_, options);
  LocalEngine local(engine);
  fail = true;
  std::string id = local.Start("two", Json::object(), "").value();
  WorkflowSnapshot ended = WaitForEnd(local, id);
  EXPECT_EQ(ended.workflow.status, WorkflowStatus::kTerminated);
  EXPECT_NE(ended.workflow.reason.find("database connection lost"), std::string::npos)
      << ended.workflow.reason;
}

}  // namespace
}  // namespace reflector::engine
