#include "store/engine_state.hpp"

#include <utility>

#include "store/sql.hpp"

namespace reflector::store {
namespace {

constexpr std::string_view kWorkflowColumns =
    "id, name, version, status, input, output, correlation_id, reason, definition, created_at, updated_at, "
    "ended_at, flags";

struct WorkflowReader {
  WorkflowRun value;
  sql::Row row{"workflow_runs"};
  WorkflowReader() {
    row.Text(&value.id)
        .Text(&value.name)
        .Integer(&value.version)
        .Text(&value.status)
        .JsonText(&value.input, "input", Json::object())
        .JsonText(&value.output, "output", Json::object())
        .OptionalText(&value.correlation_id)
        .OptionalText(&value.reason)
        .JsonText(&value.definition, "definition", Json::object())
        .Real(&value.created_at)
        .Real(&value.updated_at)
        .OptionalReal(&value.ended_at)
        .JsonText(&value.flags, "flags", Json::object());
  }
};

sql::Params WorkflowParams(const WorkflowRun& r) {
  return sql::Params()
      .Text(r.id)
      .Text(r.name)
      .Integer(r.version)
      .Text(r.status)
      .JsonText(r.input)
      .JsonText(r.output)
      .OptionalText(r.correlation_id)
      .OptionalText(r.reason)
      .JsonText(r.definition)
      .Real(r.created_at)
      .Real(r.updated_at)
      .OptionalReal(r.ended_at)
      .JsonText(r.flags);
}

constexpr std::string_view kWorkflowValues =
    "(:id, :name, :version, :status, :input, :output, :correlation_id, :reason, :definition, :created_at, "
    ":updated_at, :ended_at, :flags)";

constexpr std::string_view kTaskColumns =
    "id, workflow_id, reference_name, task_name, task_type, status, input, output, retry_count, seq, "
    "worker_id, reason, scheduled_at, started_at, updated_at, ended_at, retried, callback_after, "
    "start_delay, iteration, flags";

struct TaskReader {
  TaskRun value;
  sql::Row row{"task_runs"};
  TaskReader() {
    row.Text(&value.id)
        .Text(&value.workflow_id)
        .Text(&value.reference_name)
        .Text(&value.task_name)
        .Text(&value.task_type)
        .Text(&value.status)
        .JsonText(&value.input, "input", Json::object())
        .JsonText(&value.output, "output", Json::object())
        .Integer(&value.retry_count)
        .Integer(&value.seq)
        .OptionalText(&value.worker_id)
        .OptionalText(&value.reason)
        .Real(&value.scheduled_at)
        .OptionalReal(&value.started_at)
        .Real(&value.updated_at)
        .OptionalReal(&value.ended_at)
        .Bool(&value.retried)
        .Real(&value.callback_after)
        .Real(&value.start_delay)
        .Integer(&value.iteration)
        .JsonText(&value.flags, "flags", Json::object());
  }
};

sql::Params TaskParams(const TaskRun& t) {
  return sql::Params()
      .Text(t.id)
      .Text(t.workflow_id)
      .Text(t.reference_name)
      .Text(t.task_name)
      .Text(t.task_type)
      .Text(t.status)
      .JsonText(t.input)
      .JsonText(t.output)
      .Integer(t.retry_count)
      .Integer(t.seq)
      .OptionalText(t.worker_id)
      .OptionalText(t.reason)
      .Real(t.scheduled_at)
      .OptionalReal(t.started_at)
      .Real(t.updated_at)
      .OptionalReal(t.ended_at)
      .Bool(t.retried)
      .Real(t.callback_after)
      .Real(t.start_delay)
      .Integer(t.iteration)
      .JsonText(t.flags);
}

constexpr std::string_view kTaskValues =
    "(:id, :workflow_id, :reference_name, :task_name, :task_type, :status, :input, :output, :retry_count, "
    ":seq, :worker_id, :reason, :scheduled_at, :started_at, :updated_at, :ended_at, :retried, "
    ":callback_after, :start_delay, :iteration, :flags)";

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

// Collects "column = :column" assignments and their values, in order.
struct Assignments {
  std::string text;
  sql::Params params;

  void Add(std::string_view column) {
    if (!text.empty()) text += ", ";
    text += std::string(column) + " = :" + std::string(column);
  }
};

// UPDATE <table> SET <assignments> WHERE id = :id [AND status = :expected]; a row that did not
// match is NotFound when absent, `false` when only the expected status differed.
Result<bool> UpdateOne(const Executor& executor, std::string_view table, std::string_view noun,
                       std::string_view id, Assignments assignments,
                       const std::optional<std::string>& expected_status) {
  std::string statement = "UPDATE " + std::string(table) + " SET " + assignments.text + " WHERE id = :id";
  assignments.params.Text(std::string(id));
  if (expected_status) {
    statement += " AND status = :expected_status";
    assignments.params.Text(*expected_status);
  }
  bool written = false;
  Status status =
      executor.Run("update " + std::string(noun) + " " + sql::Quote(id), [&](Session& session) -> Status {
        written = sql::Exec(session, statement, assignments.params) > 0;
        if (!written) {
          REFLECTOR_ASSIGN_OR_RETURN(bool exists, sql::Exists(session, table, id));
          if (!exists) return Error::NotFound(std::string(noun) + " " + sql::Quote(id) + " not found");
        }
        return Ok();
      });
  if (!status.ok()) return std::move(status).error();
  return written;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// WorkflowRuns

Result<WorkflowRun> WorkflowRuns::Create(WorkflowRun run) {
  if (run.id.empty()) return Error::InvalidInput("workflow run id is empty");
  run.created_at = run.updated_at = sql::ToSeconds(clock_.Now());
  const WorkflowRun& r = run;
  Status status = executor_.Run("create workflow run " + sql::Quote(r.id), [&](Session& session) -> Status {
    sql::Exec(session,
              "INSERT INTO workflow_runs (" + std::string(kWorkflowColumns) + ") VALUES " +
                  std::string(kWorkflowValues),
              WorkflowParams(r));
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return run;
}

Result<WorkflowRun> WorkflowRuns::Get(std::string_view id) {
  std::optional<WorkflowRun> found;
  Status status = executor_.Run("get workflow run " + sql::Quote(id), [&](Session& session) -> Status {
    WorkflowReader reader;
    REFLECTOR_ASSIGN_OR_RETURN(bool any, sql::QueryOne(session,
                                                       "SELECT " + std::string(kWorkflowColumns) +
                                                           " FROM workflow_runs WHERE id = :id",
                                                       sql::Params().Text(std::string(id)), reader.row));
    if (!any) return Error::NotFound("workflow run " + sql::Quote(id) + " not found");
    found = std::move(reader.value);
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return std::move(*found);
}

Result<bool> WorkflowRuns::Update(std::string_view id, const WorkflowRunUpdate& update) {
  if (update.status.empty())
    return Error::InvalidInput("new status of workflow run " + sql::Quote(id) + " is empty");
  Assignments set;
  set.Add("status");
  set.params.Text(update.status);
  set.Add("updated_at");
  set.params.Real(sql::ToSeconds(clock_.Now()));
  if (update.output) {
    set.Add("output");
    set.params.JsonText(*update.output);
  }
  if (update.reason) {
    set.Add("reason");
    set.params.Text(*update.reason);
  }
  if (update.ended_at) {
    set.Add("ended_at");
    set.params.Real(*update.ended_at);
  }
  return UpdateOne(executor_, "workflow_runs", "workflow run", id, std::move(set), update.expected_status);
}

Result<std::vector<WorkflowRun>> WorkflowRuns::ListByStatus(std::string_view status, std::size_t limit) {
  std::vector<WorkflowRun> runs;
  Status run_status =
      executor_.Run("list workflow runs in status " + sql::Quote(status), [&](Session& session) -> Status {
        WorkflowReader reader;
        return sql::Query(session,
                          "SELECT " + std::string(kWorkflowColumns) +
                              " FROM workflow_runs WHERE status = :status ORDER BY created_at, id" +
                              sql::LimitClause(limit),
                          sql::Params().Text(std::string(status)), reader.row, [&]() -> Status {
                            runs.push_back(reader.value);
                            return Ok();
                          });
      });
  if (!run_status.ok()) return std::move(run_status).error();
  return runs;
}

// ---------------------------------------------------------------------------------------------
// TaskRuns

Result<TaskRun> TaskRuns::Create(TaskRun task) {
  if (task.id.empty()) return Error::InvalidInput("task run id is empty");
  task.scheduled_at = task.updated_at = sql::ToSeconds(clock_.Now());
  const TaskRun& t = task;
  Status status = executor_.Run("create task run " + sql::Quote(t.id) + " (" + t.reference_name +
                                    ") of workflow " + sql::Quote(t.workflow_id),
                                [&](Session& session) -> Status {
                                  sql::Exec(session,
                                            "INSERT INTO task_runs (" + std::string(kTaskColumns) +
                                                ") VALUES " + std::string(kTaskValues),
                                            TaskParams(t));
                                  return Ok();
                                });
  if (!status.ok()) return std::move(status).error();
  return task;
}

Result<TaskRun> TaskRuns::Get(std::string_view id) {
  std::optional<TaskRun> found;
  Status status = executor_.Run("get task run " + sql::Quote(id), [&](Session& session) -> Status {
    TaskReader reader;
    REFLECTOR_ASSIGN_OR_RETURN(
        bool any,
        sql::QueryOne(session, "SELECT " + std::string(kTaskColumns) + " FROM task_runs WHERE id = :id",
                      sql::Params().Text(std::string(id)), reader.row));
    if (!any) return Error::NotFound("task run " + sql::Quote(id) + " not found");
    found = std::move(reader.value);
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return std::move(*found);
}

Result<bool> TaskRuns::Update(std::string_view id, const TaskRunUpdate& update) {
  if (update.status.empty())
    return Error::InvalidInput("new status of task run " + sql::Quote(id) + " is empty");
  Assignments set;
  set.Add("status");
  set.params.Text(update.status);
  set.Add("updated_at");
  set.params.Real(sql::ToSeconds(clock_.Now()));
  if (update.output) {
    set.Add("output");
    set.params.JsonText(*update.output);
  }
  if (update.reason) {
    set.Add("reason");
    set.params.Text(*update.reason);
  }
  if (update.worker_id) {
    set.Add("worker_id");
    set.params.Text(*update.worker_id);
  }
  if (update.started_at) {
    set.Add("started_at");
    set.params.Real(*update.started_at);
  }
  if (update.ended_at) {
    set.Add("ended_at");
    set.params.Real(*update.ended_at);
  }
  if (update.callback_after) {
    set.Add("callback_after");
    set.params.Real(*update.callback_after);
  }
  if (update.retried) {
    set.Add("retried");
    set.params.Bool(*update.retried);
  }
  return UpdateOne(executor_, "task_runs", "task run", id, std::move(set), update.expected_status);
}

Result<std::vector<TaskRun>> TaskRuns::ListByWorkflow(std::string_view workflow_id) {
  std::vector<TaskRun> tasks;
  Status status =
      executor_.Run("list task runs of workflow " + sql::Quote(workflow_id), [&](Session& session) -> Status {
        TaskReader reader;
        return sql::Query(
            session,
            "SELECT " + std::string(kTaskColumns) +
                " FROM task_runs WHERE workflow_id = :workflow_id ORDER BY seq, scheduled_at, id",
            sql::Params().Text(std::string(workflow_id)), reader.row, [&]() -> Status {
              tasks.push_back(reader.value);
              return Ok();
            });
      });
  if (!status.ok()) return std::move(status).error();
  return tasks;
}

Result<std::vector<TaskRun>> TaskRuns::ListByStatus(std::string_view status, std::size_t limit) {
  std::vector<TaskRun> tasks;
  Status run_status =
      executor_.Run("list task runs in status " + sql::Quote(status), [&](Session& session) -> Status {
        TaskReader reader;
        return sql::Query(session,
                          "SELECT " + std::string(kTaskColumns) +
                              " FROM task_runs WHERE status = :status ORDER BY scheduled_at, seq, id" +
                              sql::LimitClause(limit),
                          sql::Params().Text(std::string(status)), reader.row, [&]() -> Status {
                            tasks.push_back(reader.value);
                            return Ok();
                          });
      });
  if (!run_status.ok()) return std::move(run_status).error();
  return tasks;
}

Status WorkflowRuns::Save(const WorkflowRun& run) {
  if (run.id.empty()) return Error::InvalidInput("workflow run id is empty");
  return executor_.Run("save workflow run " + sql::Quote(run.id), [&](Session& session) -> Status {
    sql::Exec(session,
              "INSERT INTO workflow_runs (" + std::string(kWorkflowColumns) + ") VALUES " +
                  std::string(kWorkflowValues) + UpsertClause(kWorkflowColumns),
              WorkflowParams(run));
    return Ok();
  });
}

Status TaskRuns::Save(const TaskRun& task) {
  if (task.id.empty()) return Error::InvalidInput("task run id is empty");
  return executor_.Run("save task run " + sql::Quote(task.id) + " (" + task.reference_name +
                           ") of workflow " + sql::Quote(task.workflow_id),
                       [&](Session& session) -> Status {
                         sql::Exec(session,
                                   "INSERT INTO task_runs (" + std::string(kTaskColumns) + ") VALUES " +
                                       std::string(kTaskValues) + UpsertClause(kTaskColumns),
                                   TaskParams(task));
                         return Ok();
                       });
}

}  // namespace reflector::store
