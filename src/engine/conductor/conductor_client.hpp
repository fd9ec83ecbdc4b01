#pragma once
// A client of the Conductor OSS REST API (/api/...): metadata registration, workflow control,
// and the worker calls (batch poll, task update with or without the next task, lease
// extension). Thread-safe.
// Errors say what happened: connection refused or timed out (retryable), or the server's
// status and message ("Conductor POST /metadata/taskdefs: HTTP 400: ...").

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "engine/definitions.hpp"
#include "engine/model.hpp"
#include "net/http_client.hpp"

namespace reflector::engine {

struct ConductorClientOptions {
  std::string base_url;  // e.g. http://localhost:8080/api
  std::chrono::milliseconds timeout{15000};
  std::chrono::milliseconds health_timeout{2000};
};

// A task handed to a worker by a poll.
struct PolledTask {
  std::string task_id;
  std::string workflow_id;
  std::string task_type;  // the task definition name
  std::string reference_name;
  int retry_count = 0;
  int response_timeout_seconds = 3600;
  Json input = Json::object();
};

// The polled task in the engines' model (what MakeTaskExecution builds a TaskExecution from).
TaskRun ToTaskRun(const PolledTask& task);

// What a worker reports (POST /api/tasks).
struct TaskUpdate {
  std::string task_id;
  std::string workflow_id;
  std::string worker_id;
  TaskStatus status = TaskStatus::kCompleted;  // IN_PROGRESS, COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR
  Json output = Json::object();
  std::string reason;
  std::vector<std::string> logs;
  bool extend_lease = false;
  int callback_after_seconds = 0;
};

// Tasks waiting in each queue, by queue name (the task type; "domain:type" with a domain).
using QueueSizes = std::map<std::string, std::int64_t>;

// What a health check found; `error` is set unless healthy.
struct HealthCheck {
  enum class State { kHealthy, kUnreachable, kUnhealthy };
  State state = State::kHealthy;
  std::optional<Error> error;
};

class ConductorClient {
 public:
  ConductorClient(net::HttpClient& http, ConductorClientOptions options);

  // GET {server}/health with a short timeout.
  Status Health(std::stop_token stop = {});
  // The same check, saying what failed: kUnreachable when no HTTP answer came (refused, timed
  // out), kUnhealthy when the server answered but not 2xx {"healthy": true}.
  HealthCheck CheckHealth(std::stop_token stop = {});

  // Upserts (POST /metadata/taskdefs with the whole list).
  Status RegisterTaskDefs(const std::vector<TaskDef>& defs);
  // Upserts (PUT /metadata/workflow with [def]); per-element failures are errors too.
  Status RegisterWorkflow(const WorkflowDef& def);
  // The server's JSON for a definition, or nullopt when it does not exist.
  Result<std::optional<Json>> GetTaskDef(const std::string& name);
  Result<std::optional<Json>> GetWorkflowDef(const std::string& name, int version);

  // POST /workflow/{name}?version=&correlationId= ; returns the workflow id.
  Result<std::string> StartWorkflow(const std::string& name, int version, const Json& input,
                                    const std::string& correlation_id);
  // GET /workflow/{id}?includeTasks=true, converted to the engines' model.
  Result<WorkflowSnapshot> GetWorkflow(const std::string& workflow_id);
  Status RetryWorkflow(const std::string& workflow_id);
  // PUT /workflow/{id}/resume: continues a PAUSED workflow (the server refuses any other).
  Status ResumeWorkflow(const std::string& workflow_id);
  Status TerminateWorkflow(const std::string& workflow_id, const std::string& reason);
  // GET /workflow/{name}/correlated/{id}?includeClosed=true: ids of the matching workflows.
  Result<std::vector<std::string>> FindWorkflowsByCorrelationId(const std::string& name,
                                                                const std::string& correlation_id);

  // GET /tasks/poll/batch/{type}?count=&timeout=&workerid= ; an empty list when none.
  Result<std::vector<PolledTask>> PollBatch(const std::string& task_type, const std::string& worker_id,
                                            int count, std::chrono::milliseconds long_poll,
                                            std::stop_token stop = {});
  // POST /tasks. Idempotent on the server: updates of finished tasks are ignored.
  Status UpdateTask(const TaskUpdate& update, std::stop_token stop = {});
  // POST /tasks/update-v2: the same update, and the server then leases the next queued task of
  // the updated task's type to update.worker_id (a poll of one that waits up to 100 ms on the
  // server) and answers it; nullopt when none was queued (204). The update is taken exactly as
  // by UpdateTask. Errors as UpdateTask's, except that 405, 501 and a 5xx saying the request
  // method is not supported are terminal (kExternal): what servers without update-v2 answer
  // (an older Conductor answers a POST on a path it serves only for GET with such a 500). A 404
  // is kNotFound: the task is gone, or the endpoint is (TaskReporter tells them apart).
  Result<std::optional<PolledTask>> UpdateTaskAndPoll(const TaskUpdate& update, std::stop_token stop = {});
  // GET /tasks/queue/all: the tasks in each queue that no worker has taken (those postponed to
  // a later delivery included); a queue that never held a task may be missing. One call for
  // every type, where a poll asks about one. A 404 is kNotFound and an answer that is not a JSON
  // object kExternal, both terminal: the server does not offer it.
  Result<QueueSizes> CountQueuedTasks(std::stop_token stop = {});

  const std::string& base_url() const { return options_.base_url; }

 private:
  Result<net::HttpResponse> Call(const std::string& method, const std::string& path, const std::string& body,
                                 std::chrono::milliseconds timeout, std::stop_token stop = {});
  Result<net::HttpResponse> CallOk(const std::string& method, const std::string& path,
                                   const std::string& body, std::stop_token stop = {});

  net::HttpClient& http_;
  ConductorClientOptions options_;
};

// Conductor's Workflow JSON (GET /workflow/{id}) in the engines' model. Exposed for tests.
Result<WorkflowSnapshot> ParseConductorWorkflow(const Json& json);
// A Task JSON as a poll or an update-v2 answer hands it out (taskId, workflowInstanceId,
// taskDefName or taskType, referenceTaskName, retryCount, responseTimeoutSeconds, inputData).
PolledTask ParsePolledTask(const Json& json);

}  // namespace reflector::engine
