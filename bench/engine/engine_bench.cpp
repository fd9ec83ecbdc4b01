// In-process engine overhead per task: scheduling, expression evaluation and persistence
// around tasks that do nothing, on the memory store and on SQLite (the default database).
// Run: build/release/bench/engine/engine_bench  (or scripts/bench engine)

#include <benchmark/benchmark.h>

#include <filesystem>

#include "core/log.hpp"
#include "engine/in_process/database_engine_store.hpp"
#include "engine/in_process/in_process_engine.hpp"
#include "fakes/engine_store_fake.hpp"

namespace reflector::engine {
namespace {

using testing::MemoryEngineStore;

// A chain of `length` no-op tasks, each reading the previous one's output.
DefinitionRegistry ChainRegistry(int length) {
  Json tasks = Json::array();
  for (int i = 0; i < length; ++i) {
    std::string previous = i == 0 ? "${workflow.input.n}" : "${t" + std::to_string(i - 1) + ".output.n}";
    tasks.push_back({{"name", "noop"},
                     {"taskReferenceName", "t" + std::to_string(i)},
                     {"inputParameters", {{"n", previous}}}});
  }
  DefinitionRegistry registry;
  registry.workflows["chain"] =
      ParseWorkflowDef(Json{{"name", "chain"}, {"schemaVersion", 2}, {"tasks", tasks}}).value();
  TaskDef def;
  def.name = "noop";
  registry.task_defs["noop"] = def;
  return registry;
}

TaskRegistry NoopTasks() {
  TaskRegistry tasks;
  tasks.Register("noop", [](const TaskExecution& e) -> Result<Json> { return Json{{"n", e.input["n"]}}; });
  return tasks;
}

void RunChains(benchmark::State& state, EngineStore& store) {
  const int length = static_cast<int>(state.range(0));
  DefinitionRegistry registry = ChainRegistry(length);
  TaskRegistry tasks = NoopTasks();
  SystemClock clock;
  RandomIdGenerator ids(1);
  InProcessOptions options;
  options.max_parallel_tasks = 1;
  InProcessEngine engine(registry, store, tasks, clock, ids, options);
  for (auto _ : state) {
    std::string id = engine.Start("chain", {{"n", 1}}, "").value();
    auto status = engine.Run(id, {});
    if (!status.ok() || *status != WorkflowStatus::kCompleted)
      state.SkipWithError("workflow did not complete");
  }
  state.counters["tasks_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations() * length), benchmark::Counter::kIsRate);
  state.counters["us_per_task"] =
      benchmark::Counter(static_cast<double>(state.iterations() * length),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_ChainMemoryStore(benchmark::State& state) {
  MemoryEngineStore store;
  RunChains(state, store);
}

void BM_ChainSqliteStore(benchmark::State& state) {
  auto dir = std::filesystem::temp_directory_path() / ("reflector-engine-bench-" + NewUuid4());
  std::filesystem::create_directories(dir);
  SystemClock clock;
  auto database = store::Database::Open("sqlite://" + (dir / "bench.sqlite3").string()).value();
  if (!database->Migrate(clock).ok()) state.SkipWithError("migration failed");
  DatabaseEngineStore store(*database);
  RunChains(state, store);
  database.reset();
  std::filesystem::remove_all(dir);
}

BENCHMARK(BM_ChainMemoryStore)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChainSqliteStore)->Arg(20)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace reflector::engine

int main(int argc, char** argv) {
  reflector::log::SetLevel(reflector::log::Level::kWarn);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
