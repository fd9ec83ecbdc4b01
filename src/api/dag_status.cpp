#include "api/dag_status.hpp"

#include <map>

#include "api/views.hpp"

namespace reflector::api {
namespace {

using engine::TaskStatus;

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
  std::vector<const engine::TaskRun*> runs;  // latest attempt of each task in the entry
  bool group = false;
};

Json EntryJson(const Entry& entry, const Json& parents) {
  int completed = 0, failed = 0, running = 0, cancelled = 0, retries = 0;
  WallTime started{}, finished{};
  std::string error;
  for (const engine::TaskRun* run : entry.runs) {
    const std::string_view status = DagStatus(run->status);
    completed += status == "completed" ? 1 : 0;
    failed += status == "failed" ? 1 : 0;
    running += status == "running" ? 1 : 0;
    cancelled += status == "cancelled" ? 1 : 0;
    retries += run->retry_count;
    if (run->start_time != WallTime{} && (started == WallTime{} || run->start_time < started))
      started = run->start_time;
    if (run->end_time > finished) finished = run->end_time;
    if (error.empty() && status == "failed") error = run->reason;
  }
  const int total = static_cast<int>(entry.runs.size());
  std::string_view status = failed > 0                       ? "failed"
                            : cancelled > 0                  ? "cancelled"
                            : completed == total             ? "completed"
                            : (running > 0 || completed > 0) ? "running"
                                                             : "queued";
  const bool done = status == "completed" || status == "failed" || status == "cancelled";
  Json duration = nullptr;
  if (started != WallTime{} && done && finished >= started) {
    duration = std::chrono::duration<double>(finished - started).count();
  }
  Json json = {{"name", entry.name},
               {"status", status},
               {"started_at", TimeOrNull(started)},
               {"finished_at", done ? TimeOrNull(finished) : Json(nullptr)},
               {"duration_seconds", duration},
               {"parents", parents},
               {"error", error.empty() ? Json(nullptr) : Json(error)},
               {"retries", retries},
               {"children_total", entry.group ? Json(total) : Json(nullptr)},
               {"children_completed", entry.group ? Json(completed) : Json(nullptr)},
               {"progress_pct", total > 0 ? Json(100.0 * completed / total) : Json(0.0)}};
  return json;
}

}  // namespace

Json DagStatusData(const engine::WorkflowSnapshot& snapshot) {
  // Latest attempt per reference name, in scheduling order.
  std::map<std::string, const engine::TaskRun*> latest;
  std::vector<std::string> order;
  for (const auto& task : snapshot.tasks) {
    if (task.task_type != engine::kSimpleType) continue;
    auto [it, inserted] = latest.try_emplace(task.reference_name, &task);
    if (inserted) {
      order.push_back(task.reference_name);
    } else if (task.seq > it->second->seq) {
      it->second = &task;
    }
  }
  std::vector<Entry> entries;
  std::map<std::string, std::size_t> groups;  // dynamic task name -> entry
  for (const std::string& reference : order) {
    const engine::TaskRun* run = latest[reference];
    if (run->dynamic) {
      auto [it, inserted] = groups.try_emplace(run->task_name, entries.size());
      if (inserted) entries.push_back(Entry{run->task_name, {}, true});
      entries[it->second].runs.push_back(run);
    } else {
      entries.push_back(Entry{reference, {run}, false});
    }
  }
  Json tasks = Json::array();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Json parents = Json::array();
    if (i > 0) parents.push_back(entries[i - 1].name);
    tasks.push_back(EntryJson(entries[i], parents));
  }
  return Json{{"workflow_run_id", snapshot.workflow.id}, {"tasks", tasks}};
}

}  // namespace reflector::api
