// WorkflowMetrics observing a real in-process run while it progresses, as the server polls it:
// the snapshots the engine gives (times, retries, outputs) count each attempt and the end once.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <sstream>
#include <thread>

#include "engine/in_process/local_engine.hpp"
#include "fakes/engine_store_fake.hpp"
#include "metrics/workflow_metrics.hpp"

namespace reflector::metrics {
namespace {

using namespace std::chrono_literals;

std::optional<double> Sample(const Registry& registry, const std::string& series) {
  std::istringstream lines(registry.Render());
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

TEST(InProcessRunTest, PollingARunCountsEveryAttemptAndTheEndOnce) {
  engine::DefinitionRegistry definitions;
  auto def = engine::ParseWorkflowDef(Json::parse(R"({"name": "flow", "schemaVersion": 2, "tasks": [
    {"name": "flaky", "taskReferenceName": "summarise"},
    {"name": "steady", "taskReferenceName": "finish"}]})"));
  ASSERT_TRUE(def.ok()) << def.error().message;
  definitions.workflows["flow"] = *def;
  for (const char* name : {"flaky", "steady"}) {
    engine::TaskDef task;
    task.name = name;
    task.retry_delay_seconds = 0;
    definitions.task_defs[name] = task;
  }
  engine::TaskRegistry tasks;
  std::atomic<int> flaky_calls{0};
  tasks.Register("flaky", [&](const engine::TaskExecution&) -> Result<Json> {
    std::this_thread::sleep_for(20ms);  // time for the poller to see it running
    if (flaky_calls.fetch_add(1) == 0) return Error::Transient(ErrorKind::kUnavailable, "try again");
    return Json{{"llm_calls_made", 1}, {"llm_calls_cached", 2}};
  });
  tasks.Register("steady", [](const engine::TaskExecution&) -> Result<Json> { return Json{{"ok", true}}; });

  SystemClock clock;
  RandomIdGenerator ids{3};
  testing::MemoryEngineStore store;
  engine::InProcessEngine in_process(definitions, store, tasks, clock, ids);
  engine::LocalEngine local(in_process);
  Registry registry;
  WorkflowMetrics metrics(registry, clock);

  auto id = local.Start("flow", Json::object(), "");
  ASSERT_TRUE(id.ok()) << id.error().message;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  for (;;) {
    auto snapshot = local.Get(*id);
    ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
    metrics.Observe(*snapshot);
    if (engine::IsTerminal(snapshot->workflow.status)) {
      ASSERT_EQ(snapshot->workflow.status, engine::WorkflowStatus::kCompleted);
      metrics.Observe(*snapshot);
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the workflow did not end";
    std::this_thread::sleep_for(2ms);
  }

  EXPECT_EQ(Sample(registry, "reflector_step_attempts_total{step=\"summarise\"}"), 2);
  EXPECT_EQ(Sample(registry, "reflector_step_failures_total{step=\"summarise\"}"), 1);
  EXPECT_EQ(Sample(registry, "reflector_step_retries_total{step=\"summarise\"}"), 1);
  EXPECT_EQ(Sample(registry, "reflector_step_duration_seconds_count{step=\"summarise\"}"), 2);
  EXPECT_GE(Sample(registry, "reflector_step_duration_seconds_sum{step=\"summarise\"}").value_or(0), 0.04);
  EXPECT_EQ(Sample(registry, "reflector_step_attempts_total{step=\"finish\"}"), 1);
  EXPECT_EQ(Sample(registry, "reflector_workflows_total{workflow=\"flow\",status=\"COMPLETED\"}"), 1);
  EXPECT_EQ(Sample(registry, "reflector_workflows_in_flight{workflow=\"flow\"}"), 0);
  EXPECT_EQ(Sample(registry, "reflector_llm_calls_total{result=\"made\"}"), 1);
  EXPECT_EQ(Sample(registry, "reflector_llm_calls_total{result=\"cached\"}"), 2);
}

}  // namespace
}  // namespace reflector::metrics
