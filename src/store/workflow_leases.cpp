#include "store/workflow_leases.hpp"

#include <utility>

#include "store/sql.hpp"

namespace reflector::store {
namespace {

Status CheckLeaseArguments(std::string_view workflow_id, std::string_view owner,
                           std::chrono::milliseconds ttl) {
  if (workflow_id.empty()) return Error::InvalidInput("workflow lease: the workflow id is empty");
  if (owner.empty())
    return Error::InvalidInput("workflow lease on " + sql::Quote(workflow_id) + ": no owner");
  if (ttl.count() <= 0) {
    return Error::InvalidInput("workflow lease on " + sql::Quote(workflow_id) + ": the ttl must be positive");
  }
  return Ok();
}

double Seconds(std::chrono::milliseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

Result<bool> WorkflowLeases::Acquire(std::string_view workflow_id, std::string_view owner,
                                     std::chrono::milliseconds ttl) {
  REFLECTOR_TRY(CheckLeaseArguments(workflow_id, owner, ttl));
  const double now = sql::ToSeconds(clock_.Now());
  bool acquired = false;
  REFLECTOR_TRY(executor_.Run(
      "acquire the lease on workflow " + sql::Quote(workflow_id), [&](Session& session) -> Status {
        // The conflicting row is locked before the WHERE is checked (PostgreSQL) or the whole
        // statement runs under the write lock (SQLite), so two owners never both see it free.
        std::int64_t changed = sql::Exec(
            session,
            "INSERT INTO workflow_leases (workflow_id, owner, expires_at) VALUES (:workflow_id, :owner, "
            ":expires_at) ON CONFLICT (workflow_id) DO UPDATE SET owner = excluded.owner, "
            "expires_at = excluded.expires_at WHERE workflow_leases.owner = excluded.owner OR "
            "workflow_leases.expires_at <= :now",
            sql::Params()
                .Text(std::string(workflow_id))
                .Text(std::string(owner))
                .Real(now + Seconds(ttl))
                .Real(now));
        acquired = changed > 0;
        return Ok();
      }));
  return acquired;
}

Result<bool> WorkflowLeases::Renew(std::string_view workflow_id, std::string_view owner,
                                   std::chrono::milliseconds ttl) {
  REFLECTOR_TRY(CheckLeaseArguments(workflow_id, owner, ttl));
  const double expires_at = sql::ToSeconds(clock_.Now()) + Seconds(ttl);
  bool renewed = false;
  REFLECTOR_TRY(executor_.Run(
      "renew the lease on workflow " + sql::Quote(workflow_id), [&](Session& session) -> Status {
        std::int64_t changed = sql::Exec(
            session,
            "UPDATE workflow_leases SET expires_at = :expires_at WHERE workflow_id = :workflow_id AND "
            "owner = :owner",
            sql::Params().Real(expires_at).Text(std::string(workflow_id)).Text(std::string(owner)));
        renewed = changed > 0;
        return Ok();
      }));
  return renewed;
}

Status WorkflowLeases::Release(std::string_view workflow_id, std::string_view owner) {
  return executor_.Run(
      "release the lease on workflow " + sql::Quote(workflow_id), [&](Session& session) -> Status {
        sql::Exec(session, "DELETE FROM workflow_leases WHERE workflow_id = :workflow_id AND owner = :owner",
                  sql::Params().Text(std::string(workflow_id)).Text(std::string(owner)));
        return Ok();
      });
}

Result<std::optional<WorkflowLease>> WorkflowLeases::Get(std::string_view workflow_id) {
  std::optional<WorkflowLease> found;
  REFLECTOR_TRY(
      executor_.Run("read the lease on workflow " + sql::Quote(workflow_id), [&](Session& session) -> Status {
        WorkflowLease lease;
        sql::Row row("workflow_leases");
        row.Text(&lease.workflow_id).Text(&lease.owner).Real(&lease.expires_at);
        REFLECTOR_ASSIGN_OR_RETURN(
            bool any, sql::QueryOne(session,
                                    "SELECT workflow_id, owner, expires_at FROM workflow_leases WHERE "
                                    "workflow_id = :workflow_id",
                                    sql::Params().Text(std::string(workflow_id)), row));
        if (any) found = std::move(lease);
        return Ok();
      }));
  return found;
}

}  // namespace reflector::store
