#pragma once
// A fake of the EngineStore seam (header-only): a store (its own MemoryEngineStore, or one given)
// whose writes fail on demand, as a database that is full or unreachable fails them.

#include <functional>

#include "engine/in_process/memory_engine_store.hpp"

namespace reflector::testing {

class FailingEngineStore final : public engine::EngineStore {
 public:
  // Over a MemoryEngineStore of its own, or over `inner` (which must outlive it).
  explicit FailingEngineStore(engine::EngineStore* inner = nullptr)
      : inner_(inner != nullptr ? *inner : own_) {}

  // Decides for each write whether it fails with `error`: `task` is the task run saved, null
  // for a workflow write. Null: no write fails. Set before the engine runs; it is called from
  // the engine's threads, so what it reads must be thread-safe (atomics).
  std::function<bool(const engine::TaskRun* task)> fails;
  Error error = Error::Transient(ErrorKind::kUnavailable, "database connection lost");

  Status CreateWorkflow(const engine::WorkflowRun& workflow) override {
    if (Fails(nullptr)) return error;
    return inner_.CreateWorkflow(workflow);
  }
  Status UpdateWorkflow(const engine::WorkflowRun& workflow) override {
    if (Fails(nullptr)) return error;
    return inner_.UpdateWorkflow(workflow);
  }
  Result<engine::WorkflowRun> GetWorkflow(std::string_view id) override { return inner_.GetWorkflow(id); }
  Status SaveTask(const engine::TaskRun& task) override {
    if (Fails(&task)) return error;
    return inner_.SaveTask(task);
  }
  // All or nothing, as the real stores: when one write would fail, none is made.
  Status SaveChanges(const std::vector<engine::TaskRun>& tasks,
                     const engine::WorkflowRun* workflow) override {
    for (const auto& task : tasks)
      if (Fails(&task)) return error;
    if (workflow != nullptr && Fails(nullptr)) return error;
    return inner_.SaveChanges(tasks, workflow);
  }
  Result<std::vector<engine::TaskRun>> ListTasks(std::string_view id) override {
    return inner_.ListTasks(id);
  }
  Result<std::vector<std::string>> ListWorkflowIds(engine::WorkflowStatus status) override {
    return inner_.ListWorkflowIds(status);
  }

 private:
  bool Fails(const engine::TaskRun* task) const { return fails && fails(task); }

  engine::MemoryEngineStore own_;
  engine::EngineStore& inner_;
};

}  // namespace reflector::testing
