// Workflow leases of the in-process engine over a shared database, on the backend chosen at
// compile time (REFLECTOR_ENGINE_STORE_POSTGRES: PostgreSQL, label db; otherwise a SQLite file,
// label unit): the keeper renews, notices a lost lease and gives up after failed renewals, and
// two LocalEngines ("processes") over one database run a workflow once.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/in_process/database_engine_store.hpp"
#include "engine/in_process/local_engine.hpp"
#include "engine/in_process/workflow_lease_keeper.hpp"
#include "fakes/engine_store_fake.hpp"
#include "store/sql.hpp"
#include "store/workflow_leases.hpp"
#include "store_test_env.hpp"
#include "two_task_workflow.hpp"

namespace reflector::engine {
namespace {

using namespace std::chrono_literals;

store::testing::Backend TestBackend() {
#ifdef REFLECTOR_ENGINE_STORE_POSTGRES
  return store::testing::Backend::kPostgres;
#else
  return store::testing::Backend::kSqlite;
#endif
}

// One process sharing the database: its own connections, engine store, leases and engines.
struct Process {
  Process(const std::string& url, const DefinitionRegistry& definitions, const TaskRegistry& tasks,
          Clock& clock, WorkflowLeaseOptions lease_options) {
    auto opened = store::Database::Open(url);
    EXPECT_TRUE(opened.ok()) << opened.error().Describe();
    if (!opened.ok()) return;
    database = std::move(*opened);
    engine_store = std::make_unique<DatabaseEngineStore>(*database);
    leases = std::make_unique<store::WorkflowLeases>(*database, clock);
    keeper = std::make_unique<WorkflowLeaseKeeper>(*leases, clock, std::move(lease_options));
    engine = std::make_unique<InProcessEngine>(definitions, *engine_store, tasks, clock, ids);
    local = std::make_unique<LocalEngine>(*engine, LocalEngineOptions{}, keeper.get());
  }

  RandomIdGenerator ids;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<DatabaseEngineStore> engine_store;
  std::unique_ptr<store::WorkflowLeases> leases;
  std::unique_ptr<WorkflowLeaseKeeper> keeper;
  std::unique_ptr<InProcessEngine> engine;
  std::unique_ptr<LocalEngine> local;  // last: stopped first
};

class WorkflowLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fresh_ = store::testing::FreshDatabase::Create(TestBackend());
    ASSERT_NE(fresh_, nullptr);
    auto database = store::Database::Open(fresh_->url());
    ASSERT_TRUE(database.ok()) << database.error().Describe();
    database_ = std::move(*database);
    ASSERT_TRUE(database_->Migrate(clock_).ok());

    tasks_.Register("first", [this](const TaskExecution&) -> Result<Json> {
      ++first_calls_;
      return Json{{"ok", true}};
    });
    tasks_.Register("second", [this](const TaskExecution& e) -> Result<Json> {
      ++second_calls_;
      if (!gate_.Wait(e.stop)) {
        ++second_stopped_;
        return Error::Cancelled();
      }
      return Json{{"ok", true}};
    });
  }

  std::unique_ptr<Process> StartProcess(std::string owner) {
    WorkflowLeaseOptions options;
    options.owner = std::move(owner);
    options.ttl = kTtl;
    options.renew_interval = kTtl / 5;
    return std::make_unique<Process>(fresh_->url(), registry_, tasks_, clock_, options);
  }

  // A RUNNING workflow that no process runs, as a killed process leaves it.
  std::string LeftRunning() {
    DatabaseEngineStore store(*database_);
    RandomIdGenerator ids;
    InProcessEngine engine(registry_, store, tasks_, clock_, ids);
    auto id = engine.Start("two", Json::object(), "left-behind");
    EXPECT_TRUE(id.ok()) << id.error().Describe();
    return id.ok() ? *id : "";
  }

  WorkflowStatus StatusOf(const std::string& id) {
    DatabaseEngineStore store(*database_);
    auto workflow = store.GetWorkflow(id);
    EXPECT_TRUE(workflow.ok()) << workflow.error().Describe();
    return workflow.ok() ? workflow->status : WorkflowStatus::kRunning;
  }

  // Polls until the workflow ended.
  WorkflowStatus WaitForEnd(const std::string& id) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    for (;;) {
      WorkflowStatus status = StatusOf(id);
      if (IsTerminal(status)) return status;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "workflow " << id << " did not end";
        return status;
      }
      std::this_thread::sleep_for(10ms);
    }
  }

  std::optional<store::WorkflowLease> Lease(const std::string& id) {
    store::WorkflowLeases leases(*database_, clock_);
    auto lease = leases.Get(id);
    EXPECT_TRUE(lease.ok()) << lease.error().Describe();
    return lease.ok() ? *lease : std::nullopt;
  }

  static constexpr std::chrono::milliseconds kTtl = 1000ms;

  std::unique_ptr<store::testing::FreshDatabase> fresh_;
  SystemClock clock_;
  std::unique_ptr<store::Database> database_;
  DefinitionRegistry registry_ = TwoTaskDefinitions();
  TaskRegistry tasks_;
  Gate gate_;
  std::atomic<int> first_calls_{0};
  std::atomic<int> second_calls_{0};
  std::atomic<int> second_stopped_{0};
};

TEST_F(WorkflowLeaseTest, TwoProcessesResumingOneWorkflowRunItOnce) {
  std::string id = LeftRunning();
  auto one = StartProcess("host-one:1:aaaa");
  auto two = StartProcess("host-two:2:bbbb");
  ASSERT_NE(one->local, nullptr);
  ASSERT_NE(two->local, nullptr);

  std::jthread resume_one([&] { EXPECT_TRUE(one->local->Resume(id).ok()); });
  std::jthread resume_two([&] { EXPECT_TRUE(two->local->Resume(id).ok()); });
  resume_one.join();
  resume_two.join();
  ASSERT_TRUE(WaitFor(second_calls_, 1));
  std::optional<store::WorkflowLease> lease = Lease(id);
  ASSERT_TRUE(lease.has_value());
  auto& runner = lease->owner == "host-one:1:aaaa" ? one : two;
  auto& other = lease->owner == "host-one:1:aaaa" ? two : one;

  // `second` runs longer than a lease lives: the renewals keep the other process off it.
  std::this_thread::sleep_for(kTtl + kTtl / 2);
  ASSERT_TRUE(other->local->Resume(id).ok());
  std::this_thread::sleep_for(kTtl / 2);
  EXPECT_EQ(Lease(id).value_or(store::WorkflowLease{}).owner, runner->keeper->owner());
  EXPECT_EQ(first_calls_.load(), 1);
  EXPECT_EQ(second_calls_.load(), 1);

  gate_.Open();
  EXPECT_EQ(WaitForEnd(id), WorkflowStatus::kCompleted);
  ASSERT_TRUE(other->local->Resume(id).ok());  // ended: nothing to do
  one->local->Shutdown();
  two->local->Shutdown();
  EXPECT_EQ(first_calls_.load(), 1);
  EXPECT_EQ(second_calls_.load(), 1);
  EXPECT_EQ(second_stopped_.load(), 0);
  EXPECT_FALSE(Lease(id).has_value()) << "released when the run ended";
}

TEST_F(WorkflowLeaseTest, ALiveLeaseOfAnotherProcessKeepsTheWorkflowOff) {
  std::string id = LeftRunning();
  store::WorkflowLeases leases(*database_, clock_);
  ASSERT_TRUE(*leases.Acquire(id, "elsewhere:9:cccc", 1h));
  auto process = StartProcess("here:1:aaaa");
  ASSERT_TRUE(process->local->Resume(id).ok());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(first_calls_.load(), 0) << "another process holds the lease";
  EXPECT_EQ(StatusOf(id), WorkflowStatus::kRunning);

  ASSERT_TRUE(leases.Release(id, "elsewhere:9:cccc").ok());
  gate_.Open();
  EXPECT_EQ(WaitForEnd(id), WorkflowStatus::kCompleted) << "the waiting workflow is tried again";
  EXPECT_EQ(first_calls_.load(), 1);
}

TEST_F(WorkflowLeaseTest, AWorkflowWaitingForTheLeaseOfAProcessThatDiedRunsWhenItExpires) {
  std::string id = LeftRunning();
  store::WorkflowLeases leases(*database_, clock_);
  ASSERT_TRUE(*leases.Acquire(id, "killed:8:ffff", kTtl));  // its holder renews no more
  auto process = StartProcess("here:1:aaaa");
  gate_.Open();
  ASSERT_TRUE(process->local->Resume(id).ok());
  EXPECT_EQ(WaitForEnd(id), WorkflowStatus::kCompleted);
  EXPECT_EQ(first_calls_.load(), 1);
  EXPECT_EQ(second_calls_.load(), 1);
}

TEST_F(WorkflowLeaseTest, TheExpiredLeaseOfADeadProcessIsTakenOver) {
  std::string id = LeftRunning();
  ManualClock an_hour_ago(clock_.Now() - 1h);
  store::WorkflowLeases dead_process_leases(*database_, an_hour_ago);
  ASSERT_TRUE(*dead_process_leases.Acquire(id, "dead:7:dddd", 30s));

  auto process = StartProcess("here:1:aaaa");
  gate_.Open();
  ASSERT_TRUE(process->local->Resume(id).ok());
  EXPECT_EQ(WaitForEnd(id), WorkflowStatus::kCompleted);
  EXPECT_EQ(first_calls_.load(), 1);
  EXPECT_EQ(second_calls_.load(), 1);
  process->local->Shutdown();
  EXPECT_FALSE(Lease(id).has_value());
}

TEST_F(WorkflowLeaseTest, ARunWhoseLeaseWasTakenStopsAndStaysRunning) {
  std::string id = LeftRunning();
  auto process = StartProcess("here:1:aaaa");
  ASSERT_TRUE(process->local->Resume(id).ok());
  ASSERT_TRUE(WaitFor(second_calls_, 1));

  // Another process took the lease (as if this one had stalled past its expiry).
  ASSERT_TRUE(database_
                  ->WithSession("steal the lease",
                                [&](store::Session& session) -> Status {
                                  store::sql::Exec(session,
                                                   "UPDATE workflow_leases SET owner = :owner WHERE "
                                                   "workflow_id = :workflow_id",
                                                   store::sql::Params().Text("thief:3:eeee").Text(id));
                                  return Ok();
                                })
                  .ok());
  ASSERT_TRUE(WaitFor(second_stopped_, 1)) << "the next renewal notices and stops the run";
  process->local->Shutdown();
  EXPECT_EQ(StatusOf(id), WorkflowStatus::kRunning) << "left for the lease's holder";
  EXPECT_EQ(Lease(id).value_or(store::WorkflowLease{}).owner, "thief:3:eeee")
      << "another owner's lease is not released";
}

TEST_F(WorkflowLeaseTest, ARunStoppedByAFullStoreWaitsAndEndsOnceThereIsRoomAgain) {
  auto process = StartProcess("host-one:1:aaaa");
  ASSERT_NE(process->local, nullptr);
  // The same process, its engine over a store that fills up.
  process->local.reset();
  std::atomic<bool> full{false};
  testing::FailingEngineStore filling(process->engine_store.get());
  filling.fails = [&](const TaskRun*) { return full.load(); };
  filling.error = Error::Transient(ErrorKind::kNoSpace, "database or disk is full");
  InProcessEngine engine(registry_, filling, tasks_, clock_, process->ids);
  LocalEngine local(engine, LocalEngineOptions{}, process->keeper.get());

  std::string id = local.Start("two", Json::object(), "").value();
  ASSERT_TRUE(WaitFor(second_calls_, 1));
  full = true;  // `second` ends, and nothing can be recorded
  gate_.Open();
  std::this_thread::sleep_for(kTtl * 2);  // ten renewal intervals, each one trying the run again
  EXPECT_EQ(StatusOf(id), WorkflowStatus::kRunning) << "a full store must not end the run";
  EXPECT_EQ(second_calls_.load(), 1) << "no task runs while nothing can be recorded";

  full = false;
  EXPECT_EQ(WaitForEnd(id), WorkflowStatus::kCompleted);
  EXPECT_EQ(first_calls_.load(), 1);
  EXPECT_EQ(second_calls_.load(), 2) << "`second` ran again: its end was never recorded";
}

TEST_F(WorkflowLeaseTest, TheKeeperRenewsHeldLeasesAndForgetsReleasedOnes) {
  ManualClock clock(clock_.Now());
  store::WorkflowLeases leases(*database_, clock);
  WorkflowLeaseKeeper keeper(leases, clock, {.owner = "here:1:aaaa", .ttl = 30s, .renew_interval = 10s});
  std::stop_source run;
  ASSERT_TRUE(*keeper.Acquire("w-1", run));
  std::optional<store::WorkflowLease> acquired = Lease("w-1");
  ASSERT_TRUE(acquired.has_value());
  clock.Advance(10s);
  keeper.RenewAll();
  std::optional<store::WorkflowLease> renewed = Lease("w-1");
  ASSERT_TRUE(renewed.has_value());
  EXPECT_NEAR(renewed->expires_at, acquired->expires_at + 10, 1e-3);
  EXPECT_FALSE(run.stop_requested());

  std::stop_source other_run;
  EXPECT_FALSE(*WorkflowLeaseKeeper(leases, clock, {.owner = "there:2:bbbb"}).Acquire("w-1", other_run));
  keeper.Release("w-1");
  EXPECT_FALSE(Lease("w-1").has_value());
  keeper.RenewAll();
  EXPECT_FALSE(Lease("w-1").has_value()) << "a released lease is not renewed";
  EXPECT_FALSE(run.stop_requested());
}

TEST_F(WorkflowLeaseTest, TheKeeperStopsARunWhenRenewalsFailUntilTheLeaseWouldExpire) {
  ManualClock clock(clock_.Now());
  store::WorkflowLeases leases(*database_, clock);
  WorkflowLeaseKeeper keeper(leases, clock, {.owner = "here:1:aaaa", .ttl = 30s, .renew_interval = 10s});
  std::stop_source run;
  ASSERT_TRUE(*keeper.Acquire("w-1", run));
  // The table goes away: every renewal fails, as with a database that cannot be reached.
  ASSERT_TRUE(database_
                  ->WithSession("drop the leases",
                                [](store::Session& session) -> Status {
                                  store::sql::Exec(session, "DROP TABLE workflow_leases");
                                  return Ok();
                                })
                  .ok());
  clock.Advance(10s);
  keeper.RenewAll();
  EXPECT_FALSE(run.stop_requested()) << "one failed renewal: the lease lasts until the next";
  clock.Advance(10s);
  keeper.RenewAll();
  EXPECT_TRUE(run.stop_requested()) << "the next renewal would come when the lease has expired";
}

}  // namespace
}  // namespace reflector::engine
