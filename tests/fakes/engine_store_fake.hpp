#pragma once
// Fakes of the EngineStore seam (header-only): MemoryEngineStore keeps the runs in memory, and
// FailingEngineStore (over its own MemoryEngineStore, or one given) fails writes on demand, as
// a database that is full or unreachable fails them. Both are thread-safe.

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/engine_store.hpp"

namespace reflector::testing {

class MemoryEngineStore final : public engine::EngineStore {
 public:
  Status CreateWorkflow(const engine::WorkflowRun& workflow) override {
    std::lock_guard lock(mutex_);
    if (Find(workflow.id) != workflows_.end())
      return Error::Terminal(ErrorKind::kConflict, "workflow " + workflow.id + " exists");
    workflows_.push_back(workflow);
    return Ok();
  }
  Result<engine::WorkflowRun> GetWorkflow(std::string_view workflow_id) override {
    std::lock_guard lock(mutex_);
    auto found = Find(workflow_id);
    if (found == workflows_.end())
      return Error::NotFound("workflow " + std::string(workflow_id) + " not found");
    return *found;
  }
  // All or nothing: a workflow run that is not stored saves no task either.
  Status SaveChanges(const std::vector<engine::TaskRun>& tasks,
                     const engine::WorkflowRun* workflow) override {
    std::lock_guard lock(mutex_);
    auto stored = workflows_.end();
    if (workflow != nullptr) {
      stored = Find(workflow->id);
      if (stored == workflows_.end()) return Error::NotFound("workflow " + workflow->id + " not found");
    }
    for (const engine::TaskRun& task : tasks)
      tasks_[task.id] = task;
    if (workflow != nullptr) *stored = *workflow;
    return Ok();
  }
  Result<std::vector<engine::TaskRun>> ListTasks(std::string_view workflow_id) override {
    std::lock_guard lock(mutex_);
    std::vector<engine::TaskRun> out;
    for (const auto& [id, task] : tasks_) {
      if (task.workflow_id == workflow_id) out.push_back(task);
    }
    std::sort(out.begin(), out.end(),
              [](const engine::TaskRun& a, const engine::TaskRun& b) { return a.seq < b.seq; });
    return out;
  }
  Result<std::vector<std::string>> ListWorkflowIds(engine::WorkflowStatus status) override {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& workflow : workflows_) {
      if (workflow.status == status) out.push_back(workflow.id);
    }
    return out;
  }

 private:
  // Call with `mutex_` held.
  std::vector<engine::WorkflowRun>::iterator Find(std::string_view workflow_id) {
    return std::find_if(workflows_.begin(), workflows_.end(),
                        [&](const engine::WorkflowRun& existing) { return existing.id == workflow_id; });
  }

  std::mutex mutex_;
  std::vector<engine::WorkflowRun> workflows_;
  std::map<std::string, engine::TaskRun, std::less<>> tasks_;
};

class FailingEngineStore final : public engine::EngineStore {
 public:
  // Over a MemoryEngineStore of its own, or over `inner` (which must outlive it).
  explicit FailingEngineStore(engine::EngineStore* inner = nullptr)
      : inner_(inner != nullptr ? *inner : own_) {}

  // Decides for each write whether it fails with `error`: `task` is the task run saved, null
  // for a workflow write. A SaveChanges asks for its task runs in order, then for its workflow
  // run, and stops at the first that fails. Null: no write fails. Set before the engine runs;
  // it is called from the engine's threads, so what it reads must be thread-safe (atomics).
  std::function<bool(const engine::TaskRun* task)> fails;
  Error error = Error::Transient(ErrorKind::kUnavailable, "database connection lost");

  Status CreateWorkflow(const engine::WorkflowRun& workflow) override {
    if (Fails(nullptr)) return error;
    return inner_.CreateWorkflow(workflow);
  }
  Result<engine::WorkflowRun> GetWorkflow(std::string_view id) override { return inner_.GetWorkflow(id); }
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

  MemoryEngineStore own_;
  engine::EngineStore& inner_;
};

}  // namespace reflector::testing
