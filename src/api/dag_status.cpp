#include "api/dag_status.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/views.hpp"

namespace reflector::api {
namespace {

using engine::TaskRun;
using engine::TaskStatus;
using engine::TaskType;
using engine::WorkflowTask;

std::string_view DagStatus(TaskStatus status) {
  switch (status) {
    case TaskStatus::kScheduled:
      return "queued";
    case TaskStatus::kInProgress:
      return "running";
    case TaskStatus::kCompleted:
    case TaskStatus::kCompletedWithErrors:
    case TaskStatus::kSkipped:
      return "completed";
    case TaskStatus::kCanceled:
      return "cancelled";
    default:
      return "failed";
  }
}

Json TimeOrNull(WallTime time) {
  if (time == WallTime{}) return nullptr;
  return IsoTime(std::chrono::duration<double>(time.time_since_epoch()).count());
}

struct Entry {
  std::string name;
  std::vector<const TaskRun*> runs;  // latest attempt of each task in the entry
  bool group = false;                // the tasks of a dynamic fork
  bool forked = false;               // a group whose fork has run (it may have generated none)
  std::vector<std::string> parents;
};

struct Tally {
  int total = 0, completed = 0, failed = 0, running = 0, cancelled = 0, retries = 0;
  WallTime started{}, finished{};
  std::string error;
};

Tally Count(const Entry& entry) {
  Tally tally;
  tally.total = static_cast<int>(entry.runs.size());
  for (const TaskRun* run : entry.runs) {
    const std::string_view status = DagStatus(run->status);
    tally.completed += status == "completed" ? 1 : 0;
    tally.failed += status == "failed" ? 1 : 0;
    tally.running += status == "running" ? 1 : 0;
    tally.cancelled += status == "cancelled" ? 1 : 0;
    tally.retries += run->retry_count;
    if (run->start_time != WallTime{} && (tally.started == WallTime{} || run->start_time < tally.started))
      tally.started = run->start_time;
    if (run->end_time > tally.finished) tally.finished = run->end_time;
    if (tally.error.empty() && status == "failed") tally.error = run->reason;
  }
  return tally;
}

std::string_view EntryStatus(const Entry& entry, const Tally& tally) {
  if (tally.total == 0) return entry.forked ? "completed" : "queued";
  if (tally.failed > 0) return "failed";
  if (tally.cancelled > 0) return "cancelled";
  if (tally.completed == tally.total) return "completed";
  return tally.running > 0 || tally.completed > 0 ? "running" : "queued";
}

Json EntryJson(const Entry& entry) {
  const Tally tally = Count(entry);
  const std::string_view status = EntryStatus(entry, tally);
  const bool done = status == "completed" || status == "failed" || status == "cancelled";
  Json duration = nullptr;
  if (tally.started != WallTime{} && done && tally.finished >= tally.started) {
    duration = std::chrono::duration<double>(tally.finished - tally.started).count();
  }
  const double progress =
      tally.total > 0 ? 100.0 * tally.completed / tally.total : (status == "completed" ? 100.0 : 0.0);
  return Json{{"name", entry.name},
              {"status", status},
              {"started_at", TimeOrNull(tally.started)},
              {"finished_at", done ? TimeOrNull(tally.finished) : Json(nullptr)},
              {"duration_seconds", duration},
              {"parents", entry.parents},
              {"error", tally.error.empty() ? Json(nullptr) : Json(tally.error)},
              {"retries", tally.retries},
              {"children_total", entry.group ? Json(tally.total) : Json(nullptr)},
              {"children_completed", entry.group ? Json(tally.completed) : Json(nullptr)},
              {"children_running", entry.group ? Json(tally.running) : Json(nullptr)},
              {"progress_pct", progress}};
}

// The latest attempt of every task record, by reference name; SIMPLE ones also in the order
// they were first scheduled.
class LatestAttempts {
 public:
  explicit LatestAttempts(const engine::WorkflowSnapshot& snapshot) {
    for (const TaskRun& task : snapshot.tasks) {
      const bool simple = task.task_type == engine::kSimpleType;
      auto& runs = simple ? simple_ : system_;
      auto [it, inserted] = runs.try_emplace(task.reference_name, &task);
      if (inserted && simple) order_.push_back(task.reference_name);
      if (!inserted && task.seq > it->second->seq) it->second = &task;
    }
  }
  const TaskRun* Simple(const std::string& reference) const { return Find(simple_, reference); }
  const TaskRun* System(const std::string& reference) const { return Find(system_, reference); }
  const std::vector<std::string>& order() const { return order_; }

 private:
  static const TaskRun* Find(const std::map<std::string, const TaskRun*>& runs,
                             const std::string& reference) {
    auto found = runs.find(reference);
    return found == runs.end() ? nullptr : found->second;
  }
  std::map<std::string, const TaskRun*> simple_, system_;  // FORK and JOIN records in system_
  std::vector<std::string> order_;
};

// The strings of `input[key]` (a FORK's forkedTasks, a JOIN's joinOn) added to `names`.
void AddNames(const Json& input, const char* key, std::set<std::string>& names) {
  auto found = input.find(key);
  if (found == input.end() || !found->is_array()) return;
  for (const Json& name : *found) {
    if (name.is_string()) names.insert(name.get<std::string>());
  }
}

// Lays out the entries of a definition, claiming the task runs that belong to each.
class DefinitionWalk {
 public:
  DefinitionWalk(const LatestAttempts& latest, const WorkflowShape& shape, std::vector<Entry>& entries,
                 std::set<std::string>& claimed)
      : latest_(latest), shape_(shape), entries_(entries), claimed_(claimed) {}

  // Adds the steps of `list`, which follows the steps `exits`; returns the list's last steps.
  std::vector<std::string> Walk(const std::vector<WorkflowTask>& list, std::vector<std::string> exits) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const WorkflowTask& task = list[i];
      switch (task.type) {
        case TaskType::kSimple:
          exits = {AddStep(task, exits)};
          break;
        case TaskType::kForkJoin:
          exits = WalkBranches(task, exits);
          break;
        case TaskType::kForkJoinDynamic:
          exits = {AddDynamicFork(task, i + 1 < list.size() ? &list[i + 1] : nullptr, exits)};
          break;
        case TaskType::kJoin:  // the branches' last steps lead on
          break;
      }
    }
    return exits;
  }

 private:
  std::string AddStep(const WorkflowTask& task, const std::vector<std::string>& parents) {
    Entry entry{task.reference_name, {}, false, false, parents};
    if (const TaskRun* run = latest_.Simple(task.reference_name)) {
      entry.runs.push_back(run);
      claimed_.insert(task.reference_name);
    }
    entries_.push_back(std::move(entry));
    return task.reference_name;
  }

  std::vector<std::string> WalkBranches(const WorkflowTask& fork, const std::vector<std::string>& parents) {
    std::vector<std::string> exits;
    for (const auto& branch : fork.fork_tasks) {
      for (std::string& last : Walk(branch, parents)) {
        if (std::find(exits.begin(), exits.end(), last) == exits.end()) exits.push_back(std::move(last));
      }
    }
    return exits.empty() ? parents : exits;
  }

  // The generated tasks are those the fork record lists (in-process engine) or its join waits
  // on (both engines).
  std::string AddDynamicFork(const WorkflowTask& fork, const WorkflowTask* join,
                             const std::vector<std::string>& parents) {
    std::set<std::string> generated;
    const TaskRun* fork_run = latest_.System(fork.reference_name);
    if (fork_run != nullptr) AddNames(fork_run->input, "forkedTasks", generated);
    if (join != nullptr && join->type == TaskType::kJoin) {
      if (const TaskRun* join_run = latest_.System(join->reference_name))
        AddNames(join_run->input, "joinOn", generated);
    }
    Entry entry{"", {}, true, fork_run != nullptr && engine::IsSuccessful(fork_run->status), parents};
    for (const std::string& reference : latest_.order()) {
      if (generated.count(reference) != 0 && claimed_.insert(reference).second)
        entry.runs.push_back(latest_.Simple(reference));
    }
    auto known = shape_.dynamic_task_types.find(fork.reference_name);
    entry.name = known != shape_.dynamic_task_types.end() ? known->second
                 : entry.runs.empty()                     ? fork.reference_name
                                                          : entry.runs.front()->task_name;
    entries_.push_back(entry);
    return entry.name;
  }

  const LatestAttempts& latest_;
  const WorkflowShape& shape_;
  std::vector<Entry>& entries_;
  std::set<std::string>& claimed_;
};

// The tasks no step of the definition explains, in scheduling order after the others; the
// tasks of a dynamic fork are grouped by their type.
void AddUnexplained(const LatestAttempts& latest, const std::set<std::string>& claimed,
                    std::vector<Entry>& entries) {
  for (const std::string& reference : latest.order()) {
    if (claimed.count(reference) != 0) continue;
    const TaskRun* run = latest.Simple(reference);
    const std::string name = run->dynamic ? run->task_name : reference;
    auto same = std::find_if(entries.begin(), entries.end(),
                             [&](const Entry& entry) { return entry.group && entry.name == name; });
    if (run->dynamic && same != entries.end()) {
      same->runs.push_back(run);
      continue;
    }
    std::vector<std::string> parents;
    if (!entries.empty()) parents.push_back(entries.back().name);
    entries.push_back(Entry{name, {run}, run->dynamic, run->dynamic, std::move(parents)});
  }
}

}  // namespace

const WorkflowShape* FindShape(const std::vector<WorkflowShape>& shapes, const engine::WorkflowRun& run) {
  for (const WorkflowShape& shape : shapes) {
    if (shape.definition != nullptr && shape.definition->name == run.name &&
        shape.definition->version == run.version) {
      return &shape;
    }
  }
  return nullptr;
}

Json DagStatusData(const engine::WorkflowSnapshot& snapshot, const WorkflowShape* shape) {
  const LatestAttempts latest(snapshot);
  std::vector<Entry> entries;
  std::set<std::string> claimed;
  if (shape != nullptr && shape->definition != nullptr) {
    DefinitionWalk(latest, *shape, entries, claimed).Walk(shape->definition->tasks, {});
  }
  AddUnexplained(latest, claimed, entries);
  Json tasks = Json::array();
  for (const Entry& entry : entries)
    tasks.push_back(EntryJson(entry));
  return Json{{"workflow_run_id", snapshot.workflow.id}, {"tasks", tasks}};
}

}  // namespace reflector::api
