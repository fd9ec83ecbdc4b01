#include "engine/in_process/database_engine_store.hpp"

#include <cmath>
#include <optional>

#include "store/sql.hpp"

namespace reflector::engine {
namespace {

namespace sql = store::sql;

WallTime FromSeconds(double seconds) {
  return WallTime{} + std::chrono::microseconds(static_cast<std::int64_t>(std::llround(seconds * 1e6)));
}

std::optional<double> OptionalSeconds(WallTime time) {
  if (time == WallTime{}) return std::nullopt;
  return sql::ToSeconds(time);
}

std::optional<std::string> OptionalText(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

// The columns `definition`, `callback_after` and `iteration` are kept for other engines'
// bookkeeping; this engine writes their defaults.
constexpr std::string_view kWorkflowColumns =
    "id, name, version, status, input, output, correlation_id, reason, definition, created_at, updated_at, "
    "ended_at, flags";
constexpr std::string_view kWorkflowValues =
    "(:id, :name, :version, :status, :input, :output, :correlation_id, :reason, :definition, :created_at, "
    ":updated_at, :ended_at, :flags)";

constexpr std::string_view kTaskColumns =
    "id, workflow_id, reference_name, task_name, task_type, status, input, output, retry_count, seq, "
    "worker_id, reason, scheduled_at, started_at, updated_at, ended_at, retried, callback_after, "
    "start_delay, iteration, flags";
constexpr std::string_view kTaskValues =
    "(:id, :workflow_id, :reference_name, :task_name, :task_type, :status, :input, :output, :retry_count, "
    ":seq, :worker_id, :reason, :scheduled_at, :started_at, :updated_at, :ended_at, :retried, "
    ":callback_after, :start_delay, :iteration, :flags)";

sql::Params WorkflowParams(const WorkflowRun& w) {
  return sql::Params()
      .Text(w.id)
      .Text(w.name)
      .Integer(w.version)
      .Text(std::string(ToString(w.status)))
      .JsonText(w.input)
      .JsonText(w.output)
      .OptionalText(OptionalText(w.correlation_id))
      .OptionalText(OptionalText(w.reason))
      .JsonText(Json::object())
      .Real(sql::ToSeconds(w.create_time))
      .Real(sql::ToSeconds(w.update_time))
      .OptionalReal(OptionalSeconds(w.end_time))
      .JsonText(Json{{"failure_workflow_id", w.failure_workflow_id}});
}

sql::Params TaskParams(const TaskRun& t) {
  return sql::Params()
      .Text(t.id)
      .Text(t.workflow_id)
      .Text(t.reference_name)
      .Text(t.task_name)
      .Text(t.task_type)
      .Text(std::string(ToString(t.status)))
      .JsonText(t.input)
      .JsonText(t.output)
      .Integer(t.retry_count)
      .Integer(t.seq)
      .OptionalText(OptionalText(t.worker_id))
      .OptionalText(OptionalText(t.reason))
      .Real(sql::ToSeconds(t.scheduled_time))
      .OptionalReal(OptionalSeconds(t.start_time))
      .Real(sql::ToSeconds(t.update_time))
      .OptionalReal(OptionalSeconds(t.end_time))
      .Bool(t.retried)
      .Real(0)
      .Real(t.start_delay_seconds)
      .Integer(0)
      .JsonText(Json{{"optional", t.optional}, {"executed", t.executed}, {"dynamic", t.dynamic}});
}

// Reads one workflow_runs row into the engine's model.
struct WorkflowReader {
  sql::Row row{"workflow_runs"};
  WorkflowRun value;
  std::int64_t version = 1;
  std::string status;
  std::optional<std::string> correlation_id, reason;
  Json definition, flags;
  double created_at = 0, updated_at = 0;
  std::optional<double> ended_at;

  WorkflowReader() {
    row.Text(&value.id)
        .Text(&value.name)
        .Integer(&version)
        .Text(&status)
        .JsonText(&value.input, "input", Json::object())
        .JsonText(&value.output, "output", Json::object())
        .OptionalText(&correlation_id)
        .OptionalText(&reason)
        .JsonText(&definition, "definition", Json::object())
        .Real(&created_at)
        .Real(&updated_at)
        .OptionalReal(&ended_at)
        .JsonText(&flags, "flags", Json::object());
  }

  Result<WorkflowRun> Take() {
    WorkflowRun w = value;
    w.version = static_cast<int>(version);
    REFLECTOR_ASSIGN_OR_RETURN(w.status, ParseWorkflowStatus(status));
    w.correlation_id = correlation_id.value_or("");
    w.reason = reason.value_or("");
    w.failure_workflow_id = flags.value("failure_workflow_id", "");
    w.create_time = FromSeconds(created_at);
    w.update_time = FromSeconds(updated_at);
    w.end_time = ended_at ? FromSeconds(*ended_at) : WallTime{};
    return w;
  }
};

// Reads one task_runs row into the engine's model.
struct TaskReader {
  sql::Row row{"task_runs"};
  TaskRun value;
  std::string status;
  std::int64_t retry_count = 0, seq = 0, iteration = 0;
  std::optional<std::string> worker_id, reason;
  double scheduled_at = 0, updated_at = 0, callback_after = 0, start_delay = 0;
  std::optional<double> started_at, ended_at;
  Json flags;

  TaskReader() {
    row.Text(&value.id)
        .Text(&value.workflow_id)
        .Text(&value.reference_name)
        .Text(&value.task_name)
        .Text(&value.task_type)
        .Text(&status)
        .JsonText(&value.input, "input", Json::object())
        .JsonText(&value.output, "output", Json::object())
        .Integer(&retry_count)
        .Integer(&seq)
        .OptionalText(&worker_id)
        .OptionalText(&reason)
        .Real(&scheduled_at)
        .OptionalReal(&started_at)
        .Real(&updated_at)
        .OptionalReal(&ended_at)
        .Bool(&value.retried)
        .Real(&callback_after)
        .Real(&start_delay)
        .Integer(&iteration)
        .JsonText(&flags, "flags", Json::object());
  }

  Result<TaskRun> Take() {
    TaskRun t = value;
    REFLECTOR_ASSIGN_OR_RETURN(t.status, ParseTaskStatus(status));
    t.retry_count = static_cast<int>(retry_count);
    t.seq = static_cast<int>(seq);
    t.worker_id = worker_id.value_or("");
    t.reason = reason.value_or("");
    t.scheduled_time = FromSeconds(scheduled_at);
    t.start_time = started_at ? FromSeconds(*started_at) : WallTime{};
    t.update_time = FromSeconds(updated_at);
    t.end_time = ended_at ? FromSeconds(*ended_at) : WallTime{};
    t.start_delay_seconds = static_cast<int>(start_delay);
    t.optional = flags.value("optional", false);
    t.executed = flags.value("executed", false);
    t.dynamic = flags.value("dynamic", false);
    return t;
  }
};

// "ON CONFLICT (id) DO UPDATE SET c = excluded.c, ..." for every column but id.
std::string UpsertClause(std::string_view columns) {
  std::string clause = " ON CONFLICT (id) DO UPDATE SET ";
  bool first = true;
  std::size_t start = 0;
  while (start < columns.size()) {
    std::size_t comma = columns.find(',', start);
    std::string_view column =
        columns.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!column.empty() && column.front() == ' ')
      column.remove_prefix(1);
    if (column != "id") {
      if (!first) clause += ", ";
      first = false;
      clause += std::string(column) + " = excluded." + std::string(column);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return clause;
}

std::string InsertStatement(std::string_view table, std::string_view columns, std::string_view values) {
  return "INSERT INTO " + std::string(table) + " (" + std::string(columns) + ") VALUES " +
         std::string(values);
}

}  // namespace

Status DatabaseEngineStore::CreateWorkflow(const WorkflowRun& workflow) {
  if (workflow.id.empty()) return Error::InvalidInput("workflow run id is empty");
  return database_.WithSession(
      "create workflow run " + sql::Quote(workflow.id), [&](store::Session& session) {
        sql::Exec(session, InsertStatement("workflow_runs", kWorkflowColumns, kWorkflowValues),
                  WorkflowParams(workflow));
        return Ok();
      });
}

Result<WorkflowRun> DatabaseEngineStore::GetWorkflow(std::string_view workflow_id) {
  std::optional<WorkflowRun> found;
  Status status = database_.WithSession(
      "get workflow run " + sql::Quote(workflow_id), [&](store::Session& session) -> Status {
        WorkflowReader reader;
        REFLECTOR_ASSIGN_OR_RETURN(
            bool any,
            sql::QueryOne(session,
                          "SELECT " + std::string(kWorkflowColumns) + " FROM workflow_runs WHERE id = :id",
                          sql::Params().Text(std::string(workflow_id)), reader.row));
        if (!any) return Error::NotFound("workflow run " + sql::Quote(workflow_id) + " not found");
        REFLECTOR_ASSIGN_OR_RETURN(WorkflowRun run, reader.Take());
        found = std::move(run);
        return Ok();
      });
  if (!status.ok()) return std::move(status).error();
  return std::move(*found);
}

Status DatabaseEngineStore::SaveChanges(const std::vector<TaskRun>& tasks, const WorkflowRun* workflow) {
  for (const TaskRun& task : tasks)
    if (task.id.empty()) return Error::InvalidInput("task run id is empty");
  if (workflow != nullptr && workflow->id.empty()) return Error::InvalidInput("workflow run id is empty");
  if (tasks.empty() && workflow == nullptr) return Ok();
  const std::string about = workflow != nullptr ? workflow->id : tasks.front().workflow_id;
  return database_.WithTransaction(
      "save " + std::to_string(tasks.size()) + " task run(s) of workflow " + sql::Quote(about) +
          (workflow != nullptr ? " and the workflow run" : ""),
      [&](store::Session& session) {
        for (const TaskRun& task : tasks) {
          sql::Exec(session,
                    InsertStatement("task_runs", kTaskColumns, kTaskValues) + UpsertClause(kTaskColumns),
                    TaskParams(task));
        }
        if (workflow != nullptr) {
          sql::Exec(session,
                    InsertStatement("workflow_runs", kWorkflowColumns, kWorkflowValues) +
                        UpsertClause(kWorkflowColumns),
                    WorkflowParams(*workflow));
        }
        return Ok();
      });
}

Result<std::vector<TaskRun>> DatabaseEngineStore::ListTasks(std::string_view workflow_id) {
  std::vector<TaskRun> tasks;
  Status status = database_.WithSession(
      "list task runs of workflow " + sql::Quote(workflow_id), [&](store::Session& session) -> Status {
        TaskReader reader;
        return sql::Query(
            session,
            "SELECT " + std::string(kTaskColumns) +
                " FROM task_runs WHERE workflow_id = :workflow_id ORDER BY seq, scheduled_at, id",
            sql::Params().Text(std::string(workflow_id)), reader.row, [&]() -> Status {
              REFLECTOR_ASSIGN_OR_RETURN(TaskRun task, reader.Take());
              tasks.push_back(std::move(task));
              return Ok();
            });
      });
  if (!status.ok()) return std::move(status).error();
  return tasks;
}

Result<std::vector<std::string>> DatabaseEngineStore::ListWorkflowIds(WorkflowStatus status) {
  std::vector<std::string> ids;
  Status listed = database_.WithSession(
      "list workflow runs in status " + std::string(ToString(status)),
      [&](store::Session& session) -> Status {
        std::string id;
        sql::Row row("workflow_runs");
        row.Text(&id);
        return sql::Query(session,
                          "SELECT id FROM workflow_runs WHERE status = :status ORDER BY created_at, id",
                          sql::Params().Text(std::string(ToString(status))), row, [&]() -> Status {
                            ids.push_back(id);
                            return Ok();
                          });
      });
  if (!listed.ok()) return std::move(listed).error();
  return ids;
}

}  // namespace reflector::engine
