#include "store/shadow_runs.hpp"

#include <utility>

#include "store/sql.hpp"

namespace reflector::store {
namespace {

constexpr std::string_view kColumns =
    "id, recording_id, primary_transcript_id, primary_workflow_id, primary_engine, shadow_transcript_id, "
    "shadow_workflow_id, shadow_engine, status, error, agreed, comparison, created_at, compared_at";

// Reads rows of kColumns into `value`; on_row copies it out.
void BindColumns(sql::Row& row, ShadowRun& value) {
  row.Text(&value.id)
      .Text(&value.recording_id)
      .Text(&value.primary_transcript_id)
      .Text(&value.primary_workflow_id)
      .Text(&value.primary_engine)
      .Text(&value.shadow_transcript_id)
      .OptionalText(&value.shadow_workflow_id)
      .Text(&value.shadow_engine)
      .Text(&value.status)
      .OptionalText(&value.error)
      .OptionalBool(&value.agreed)
      .OptionalJsonText(&value.comparison, "comparison")
      .Real(&value.created_at)
      .OptionalReal(&value.compared_at);
}

Error ShadowRunNotFound(std::string_view id) {
  return Error::Terminal(ErrorKind::kNotFound, "shadow run " + sql::Quote(id) + " not found");
}

}  // namespace

std::string NotShadowCondition(std::string_view alias) {
  return "NOT EXISTS (SELECT 1 FROM shadow_runs sr WHERE sr.shadow_transcript_id = " + std::string(alias) +
         ".id)";
}

void DeleteShadowTranscriptsOf(Session& session, std::string_view primary_transcript_id) {
  const std::string key(primary_transcript_id);
  constexpr std::string_view kShadows =
      "(SELECT shadow_transcript_id FROM shadow_runs WHERE primary_transcript_id = :id)";
  sql::Exec(session, "DELETE FROM transcript_events WHERE transcript_id IN " + std::string(kShadows),
            sql::Params().Text(key));
  sql::Exec(session, "DELETE FROM transcripts WHERE id IN " + std::string(kShadows), sql::Params().Text(key));
}

Result<ShadowRun> ShadowRuns::Create(ShadowRun run) {
  if (run.id.empty() || run.recording_id.empty() || run.primary_transcript_id.empty() ||
      run.shadow_transcript_id.empty()) {
    return Error::InvalidInput("shadow run: id, recording_id and both transcript ids are required");
  }
  run.created_at = sql::ToSeconds(clock_.Now());
  const ShadowRun& r = run;
  REFLECTOR_TRY(executor_.Run("create shadow run " + sql::Quote(r.id), [&](Session& session) -> Status {
    sql::Params params;
    params.Text(r.id)
        .Text(r.recording_id)
        .Text(r.primary_transcript_id)
        .Text(r.primary_workflow_id)
        .Text(r.primary_engine)
        .Text(r.shadow_transcript_id)
        .OptionalText(r.shadow_workflow_id)
        .Text(r.shadow_engine)
        .Text(r.status)
        .OptionalText(r.error)
        .Real(r.created_at);
    sql::Exec(session,
              "INSERT INTO shadow_runs (id, recording_id, primary_transcript_id, primary_workflow_id, "
              "primary_engine, shadow_transcript_id, shadow_workflow_id, shadow_engine, status, error, "
              "created_at) VALUES (:id, :recording_id, :primary_transcript_id, :primary_workflow_id, "
              ":primary_engine, :shadow_transcript_id, :shadow_workflow_id, :shadow_engine, :status, :error, "
              ":created_at)",
              std::move(params));
    return Ok();
  }));
  return run;
}

Result<ShadowRun> ShadowRuns::Get(std::string_view id) {
  ShadowRun run;
  bool found = false;
  REFLECTOR_TRY(executor_.Run("read shadow run " + sql::Quote(id), [&](Session& session) -> Status {
    sql::Row row("shadow_runs");
    BindColumns(row, run);
    REFLECTOR_ASSIGN_OR_RETURN(
        found, sql::QueryOne(session, "SELECT " + std::string(kColumns) + " FROM shadow_runs WHERE id = :id",
                             sql::Params().Text(std::string(id)), row));
    return Ok();
  }));
  if (!found) return ShadowRunNotFound(id);
  return run;
}

Status ShadowRuns::SetStarted(std::string_view id, std::string workflow_id) {
  return executor_.Run("mark shadow run " + sql::Quote(id) + " started", [&](Session& session) -> Status {
    if (sql::Exec(
            session, "UPDATE shadow_runs SET status = :status, shadow_workflow_id = :workflow WHERE id = :id",
            sql::Params().Text(std::string(kShadowRunning)).Text(workflow_id).Text(std::string(id))) == 0)
      return ShadowRunNotFound(id);
    return Ok();
  });
}

Status ShadowRuns::SetStartFailed(std::string_view id, std::string error) {
  return executor_.Run(
      "mark shadow run " + sql::Quote(id) + " failed to start", [&](Session& session) -> Status {
        if (sql::Exec(
                session, "UPDATE shadow_runs SET status = :status, error = :error WHERE id = :id",
                sql::Params().Text(std::string(kShadowStartFailed)).Text(error).Text(std::string(id))) == 0)
          return ShadowRunNotFound(id);
        return Ok();
      });
}

Result<bool> ShadowRuns::SetCompared(std::string_view id, const Json& comparison, bool agreed) {
  if (!comparison.is_object())
    return Error::InvalidInput("shadow run " + sql::Quote(id) + ": the comparison must be a JSON object");
  bool stored = false;
  REFLECTOR_TRY(
      executor_.Run("store the comparison of shadow run " + sql::Quote(id), [&](Session& session) -> Status {
        stored = sql::Exec(
                     session,
                     "UPDATE shadow_runs SET status = :compared, comparison = :comparison, agreed = :agreed, "
                     "compared_at = :now WHERE id = :id AND status = :running",
                     sql::Params()
                         .Text(std::string(kShadowCompared))
                         .JsonText(comparison)
                         .Bool(agreed)
                         .Real(sql::ToSeconds(clock_.Now()))
                         .Text(std::string(id))
                         .Text(std::string(kShadowRunning))) > 0;
        return Ok();
      }));
  return stored;
}

namespace {

// The rows a SELECT of kColumns returns.
Result<std::vector<ShadowRun>> QueryRuns(Executor executor, const std::string& operation,
                                         const std::string& tail, sql::Params params) {
  std::vector<ShadowRun> runs;
  REFLECTOR_TRY(executor.Run(operation, [&](Session& session) -> Status {
    runs.clear();
    ShadowRun value;
    sql::Row row("shadow_runs");
    BindColumns(row, value);
    return sql::Query(session, "SELECT " + std::string(kColumns) + " FROM shadow_runs " + tail, params, row,
                      [&]() -> Status {
                        runs.push_back(value);
                        return Ok();
                      });
  }));
  return runs;
}

std::optional<ShadowRun> First(std::vector<ShadowRun> runs) {
  if (runs.empty()) return std::nullopt;
  return std::move(runs.front());
}

}  // namespace

Result<std::optional<ShadowRun>> ShadowRuns::LatestOfRecording(std::string_view recording_id) {
  REFLECTOR_ASSIGN_OR_RETURN(
      auto runs, QueryRuns(executor_, "read the shadow runs of recording " + sql::Quote(recording_id),
                           "WHERE recording_id = :recording_id ORDER BY created_at DESC, id DESC LIMIT 1",
                           sql::Params().Text(std::string(recording_id))));
  return First(std::move(runs));
}

Result<std::optional<ShadowRun>> ShadowRuns::LatestOfPrimary(std::string_view primary_transcript_id) {
  REFLECTOR_ASSIGN_OR_RETURN(
      auto runs,
      QueryRuns(executor_, "read the shadow runs of transcript " + sql::Quote(primary_transcript_id),
                "WHERE primary_transcript_id = :id ORDER BY created_at DESC, id DESC LIMIT 1",
                sql::Params().Text(std::string(primary_transcript_id))));
  return First(std::move(runs));
}

Result<std::vector<ShadowRun>> ShadowRuns::ListOfPrimary(std::string_view primary_transcript_id) {
  return QueryRuns(executor_, "list the shadow runs of transcript " + sql::Quote(primary_transcript_id),
                   "WHERE primary_transcript_id = :id ORDER BY created_at, id",
                   sql::Params().Text(std::string(primary_transcript_id)));
}

Result<std::vector<ShadowRun>> ShadowRuns::ListRunning(std::size_t limit) {
  return QueryRuns(executor_, "list running shadow runs",
                   "WHERE status = :status ORDER BY created_at, id" + sql::LimitClause(limit),
                   sql::Params().Text(std::string(kShadowRunning)));
}

Result<std::vector<ShadowRun>> ShadowRuns::ListRecent(std::size_t limit) {
  return QueryRuns(executor_, "list recent shadow runs",
                   "ORDER BY created_at DESC, id DESC" + sql::LimitClause(limit), {});
}

Result<bool> ShadowRuns::IsShadowTranscript(std::string_view transcript_id) {
  std::int64_t count = 0;
  REFLECTOR_TRY(executor_.Run(
      "is " + sql::Quote(transcript_id) + " a shadow transcript", [&](Session& session) -> Status {
        sql::Row row("shadow_runs");
        row.Integer(&count);
        REFLECTOR_ASSIGN_OR_RETURN(
            bool found,
            sql::QueryOne(session, "SELECT COUNT(*) FROM shadow_runs WHERE shadow_transcript_id = :id",
                          sql::Params().Text(std::string(transcript_id)), row));
        (void)found;
        return Ok();
      }));
  return count > 0;
}

}  // namespace reflector::store
