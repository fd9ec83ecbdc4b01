// The in-process engine while its store is unavailable (a database restarting): a run keeps its
// tasks going and saves its state once the store answers again; an outage longer than
// store_outage_limit ends the run with the store's error, and only after its task threads have
// stopped (they report progress into the run until they are joined).

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine/in_process/in_process_engine.hpp"
#include "fakes/engine_store_fake.hpp"
#include "two_task_workflow.hpp"

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;

using testing::FailingEngineStore;

class StoreOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The store's writes fail with a retryable error while `failures_left_` > 0.
    store_.fails = [this](const TaskRun*) {
      if (failures_left_.load() <= 0) return false;
      --failures_left_;
      ++refused_;
      return true;
    };
    tasks_.Register("second", [this](const TaskExecution&) -> Result<Json> {
      ++second_calls_;
      return Json{{"ok", true}};
    });
  }

  // "first" takes the store down for `failures` writes, then reports progress every 20 ms until
  // `duration` has passed or it is asked to stop.
  void FirstTakesTheStoreDown(int failures, std::chrono::milliseconds duration) {
    tasks_.Register("first", [this, failures, duration](const TaskExecution& e) -> Result<Json> {
      ++first_calls_;
      failures_left_ = failures;
      const auto until = std::chrono::steady_clock::now() + duration;
      while (std::chrono::steady_clock::now() < until && !e.stop.stop_requested()) {
        e.progress->Report(0.5, "working");
        std::this_thread::sleep_for(20ms);
      }
      first_finished_ = true;
      return Json{{"ok", true}};
    });
  }

  InProcessOptions Options(std::chrono::seconds limit) {
    InProcessOptions options;
    options.heartbeat_write_interval = 50ms;
    options.store_outage_limit = limit;
    return options;
  }

  SystemClock clock_;
  RandomIdGenerator ids_{77};
  DefinitionRegistry registry_ = TwoTaskDefinitions();
  FailingEngineStore store_;
  std::atomic<int> failures_left_{0};
  std::atomic<int> refused_{0};
  TaskRegistry tasks_;
  std::atomic<int> first_calls_{0};
  std::atomic<int> second_calls_{0};
  std::atomic<bool> first_finished_{false};
};

TEST_F(StoreOutageTest, TheRunWaitsForTheStoreAndEndsWithEachTaskRunOnce) {
  FirstTakesTheStoreDown(4, 300ms);
  InProcessEngine engine(registry_, store_, tasks_, clock_, ids_, Options(60s));
  auto id = engine.Start("two", Json::object(), "corr");
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto status = engine.Run(*id, {});
  ASSERT_TRUE(status.ok()) << status.error().Describe();
  EXPECT_EQ(*status, WorkflowStatus::kCompleted);
  EXPECT_EQ(refused_.load(), 4) << "the run met the outage";
  EXPECT_EQ(first_calls_.load(), 1);
  EXPECT_EQ(second_calls_.load(), 1);
  auto stored = engine.Get(*id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->workflow.status, WorkflowStatus::kCompleted) << "saved once the store answered";
}

TEST_F(StoreOutageTest, AnOutagePastTheLimitEndsTheRunOnlyAfterItsTasksStopped) {
  FirstTakesTheStoreDown(1'000'000, 30s);
  InProcessEngine engine(registry_, store_, tasks_, clock_, ids_, Options(1s));
  auto id = engine.Start("two", Json::object(), "corr");
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto status = engine.Run(*id, {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kUnavailable) << status.error().Describe();
  EXPECT_TRUE(first_finished_.load()) << "the task thread was stopped and joined before Run returned";
  EXPECT_EQ(second_calls_.load(), 0);
  failures_left_ = 0;
  auto stored = engine.Get(*id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->workflow.status, WorkflowStatus::kRunning) << "resumable by the next Run";
}

}  // namespace
}  // namespace reflector::engine
