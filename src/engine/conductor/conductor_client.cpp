#include "engine/conductor/conductor_client.hpp"

#include "core/log.hpp"
#include "net/url.hpp"

namespace reflector::engine {
namespace {

WallTime FromMillis(const Json& json, const char* field) {
  auto it = json.find(field);
  if (it == json.end() || !it->is_number()) return {};
  auto millis = it->get<std::int64_t>();
  if (millis <= 0) return {};
  return WallTime{} + std::chrono::milliseconds(millis);
}

std::string TextField(const Json& json, const char* field) {
  auto it = json.find(field);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json ObjectField(const Json& json, const char* field) {
  auto it = json.find(field);
  return it != json.end() && it->is_object() ? *it : Json::object();
}

std::string ServerRoot(const std::string& base_url) {
  // The health endpoint lives beside /api, not under it. Strip a trailing "/api" suffix.
  std::string root = base_url;
  while (!root.empty() && root.back() == '/')
    root.pop_back();
  const std::string suffix = "/api";
  if (root.size() >= suffix.size() && root.compare(root.size() - suffix.size(), suffix.size(), suffix) == 0) {
    root.erase(root.size() - suffix.size());
  }
  return root;
}

bool IsBlank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

// The body of POST /tasks and POST /tasks/update-v2 (Conductor's TaskResult).
std::string UpdateBody(const TaskUpdate& update) {
  Json body = {{"taskId", update.task_id},          {"workflowInstanceId", update.workflow_id},
               {"workerId", update.worker_id},      {"status", ToString(update.status)},
               {"outputData", update.output},       {"callbackAfterSeconds", update.callback_after_seconds},
               {"extendLease", update.extend_lease}};
  if (!update.reason.empty()) body["reasonForIncompletion"] = update.reason;
  if (!update.logs.empty()) {
    Json logs = Json::array();
    for (const auto& line : update.logs)
      logs.push_back({{"log", line}, {"taskId", update.task_id}});
    body["logs"] = logs;
  }
  return DumpCompact(body);
}

// A refused update-v2. As CallOk's errors (Conductor's "retryable": true makes any answer
// retryable), except that what a server without the endpoint answers is terminal: 405, 501, and
// a 5xx whose message says the request method is not supported (an older Conductor turns
// Spring's "Request method 'POST' is not supported", for a path it serves only for GET, into a
// 500). Other 5xx stay retryable, "retryable": false or not: servers answer them to either
// endpoint under load.
Error UpdateV2Error(const net::HttpResponse& response, const std::string& what) {
  Error error = net::HttpStatusError(response, what);
  auto parsed = ParseJson(response.body, "response");
  const Json body = parsed && parsed->is_object() ? *parsed : Json::object();
  const std::string message = TextField(body, "message");
  const bool method_refused =
      message.find("method") != std::string::npos && message.find("not supported") != std::string::npos;
  if (body.value("retryable", false) && !method_refused) {
    error.retryable = true;
  } else if (response.status == 405 || response.status == 501 || (response.status >= 500 && method_refused)) {
    error.kind = ErrorKind::kExternal;
    error.retryable = false;
  }
  return error;
}

}  // namespace

ConductorClient::ConductorClient(net::HttpClient& http, ConductorClientOptions options)
    : http_(http), options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/')
    options_.base_url.pop_back();
}

Result<net::HttpResponse> ConductorClient::Call(const std::string& method, const std::string& path,
                                                const std::string& body, std::chrono::milliseconds timeout,
                                                std::stop_token stop) {
  net::HttpRequest request;
  request.method = method;
  request.url = options_.base_url + path;
  request.timeout = timeout;
  request.connect_timeout = std::min(timeout, std::chrono::milliseconds(5000));
  request.headers.emplace_back("Accept", "application/json, text/plain");
  if (method == "POST" || method == "PUT") {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body;
  }
  auto response = http_.Send(request, stop);
  if (!response) return response.error().WithContext("Conductor " + method + " " + path);
  return response;
}

Result<net::HttpResponse> ConductorClient::CallOk(const std::string& method, const std::string& path,
                                                  const std::string& body, std::stop_token stop) {
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response, Call(method, path, body, options_.timeout, stop));
  if (!response.ok()) {
    Error error = net::HttpStatusError(response, "Conductor " + method + " " + path);
    // Conductor marks transient failures (queue/DB hiccups) with "retryable": true.
    auto parsed = ParseJson(response.body, "response");
    if (parsed && parsed->is_object() && parsed->value("retryable", false)) error.retryable = true;
    return error;
  }
  return response;
}

HealthCheck ConductorClient::CheckHealth(std::stop_token stop) {
  using State = HealthCheck::State;
  net::HttpRequest request;
  request.url = ServerRoot(options_.base_url) + "/health";
  request.timeout = options_.health_timeout;
  request.connect_timeout = options_.health_timeout;
  auto response = http_.Send(request, stop);
  if (!response) return {State::kUnreachable, response.error().WithContext("Conductor health check")};
  if (!response->ok()) return {State::kUnhealthy, net::HttpStatusError(*response, "Conductor health check")};
  auto parsed = ParseJson(response->body, "Conductor health response");
  if (parsed && parsed->is_object() && parsed->contains("healthy") && !(*parsed)["healthy"].get<bool>()) {
    return {State::kUnhealthy, Error::Transient(ErrorKind::kUnavailable,
                                                "Conductor reports itself unhealthy: " + response->body)};
  }
  return {};
}

Status ConductorClient::Health(std::stop_token stop) {
  HealthCheck check = CheckHealth(stop);
  if (check.error) return *check.error;
  return Ok();
}

Status ConductorClient::RegisterTaskDefs(const std::vector<TaskDef>& defs) {
  Json body = Json::array();
  for (const auto& def : defs)
    body.push_back(ToJson(def));
  REFLECTOR_TRY(CallOk("POST", "/metadata/taskdefs", DumpCompact(body)));
  return Ok();
}

Status ConductorClient::RegisterWorkflow(const WorkflowDef& def) {
  Json body = Json::array({ToJson(def)});
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response,
                             CallOk("PUT", "/metadata/workflow", DumpCompact(body)));
  auto parsed = ParseJson(response.body, "bulk response");
  if (parsed && parsed->is_object()) {
    const Json& errors = (*parsed)["bulkErrorResults"];
    if (errors.is_object() && !errors.empty()) {
      return Error::Terminal(ErrorKind::kExternal,
                             "Conductor refused workflow '" + def.name + "': " + errors.dump());
    }
  }
  return Ok();
}

Result<std::optional<Json>> ConductorClient::GetTaskDef(const std::string& name) {
  REFLECTOR_ASSIGN_OR_RETURN(
      net::HttpResponse response,
      Call("GET", "/metadata/taskdefs/" + net::UriEncode(name, false), "", options_.timeout));
  if (response.status == 404 || (response.ok() && response.body.empty())) return std::optional<Json>{};
  if (!response.ok()) return net::HttpStatusError(response, "Conductor GET /metadata/taskdefs/" + name);
  REFLECTOR_ASSIGN_OR_RETURN(Json json, ParseJson(response.body, "task definition"));
  return std::optional<Json>{std::move(json)};
}

Result<std::optional<Json>> ConductorClient::GetWorkflowDef(const std::string& name, int version) {
  std::string path =
      "/metadata/workflow/" + net::UriEncode(name, false) + "?version=" + std::to_string(version);
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response, Call("GET", path, "", options_.timeout));
  if (response.status == 404 || (response.ok() && response.body.empty())) return std::optional<Json>{};
  if (!response.ok()) return net::HttpStatusError(response, "Conductor GET " + path);
  REFLECTOR_ASSIGN_OR_RETURN(Json json, ParseJson(response.body, "workflow definition"));
  return std::optional<Json>{std::move(json)};
}

Result<std::string> ConductorClient::StartWorkflow(const std::string& name, int version, const Json& input,
                                                   const std::string& correlation_id) {
  std::string path = "/workflow/" + net::UriEncode(name, false) + "?version=" + std::to_string(version);
  if (!correlation_id.empty()) path += "&correlationId=" + net::UriEncode(correlation_id, false);
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response, CallOk("POST", path, DumpCompact(input)));
  std::string id = response.body;
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r' || id.back() == ' '))
    id.pop_back();
  if (id.size() >= 2 && id.front() == '"' && id.back() == '"') id = id.substr(1, id.size() - 2);
  if (id.empty()) {
    return Error::Transient(ErrorKind::kExternal,
                            "Conductor started workflow '" + name + "' but returned no id");
  }
  return id;
}

Result<WorkflowSnapshot> ConductorClient::GetWorkflow(const std::string& workflow_id) {
  std::string path = "/workflow/" + net::UriEncode(workflow_id, false) + "?includeTasks=true";
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response, CallOk("GET", path, ""));
  REFLECTOR_ASSIGN_OR_RETURN(Json json, ParseJson(response.body, "workflow " + workflow_id));
  return ParseConductorWorkflow(json);
}

Status ConductorClient::RetryWorkflow(const std::string& workflow_id) {
  REFLECTOR_TRY(CallOk("POST", "/workflow/" + net::UriEncode(workflow_id, false) + "/retry", "{}"));
  return Ok();
}

Status ConductorClient::ResumeWorkflow(const std::string& workflow_id) {
  REFLECTOR_TRY(CallOk("PUT", "/workflow/" + net::UriEncode(workflow_id, false) + "/resume", ""));
  return Ok();
}

Status ConductorClient::TerminateWorkflow(const std::string& workflow_id, const std::string& reason) {
  std::string path =
      "/workflow/" + net::UriEncode(workflow_id, false) + "?reason=" + net::UriEncode(reason, false);
  REFLECTOR_TRY(CallOk("DELETE", path, ""));
  return Ok();
}

Result<std::vector<std::string>> ConductorClient::FindWorkflowsByCorrelationId(
    const std::string& name, const std::string& correlation_id) {
  std::string path = "/workflow/" + net::UriEncode(name, false) + "/correlated/" +
                     net::UriEncode(correlation_id, false) + "?includeClosed=true&includeTasks=false";
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response, CallOk("GET", path, ""));
  REFLECTOR_ASSIGN_OR_RETURN(Json json, ParseJson(response.body, "correlated workflows"));
  std::vector<std::string> ids;
  if (json.is_array()) {
    for (const auto& workflow : json)
      ids.push_back(TextField(workflow, "workflowId"));
  }
  return ids;
}

Result<std::vector<PolledTask>> ConductorClient::PollBatch(const std::string& task_type,
                                                           const std::string& worker_id, int count,
                                                           std::chrono::milliseconds long_poll,
                                                           std::stop_token stop) {
  std::string path = "/tasks/poll/batch/" + net::UriEncode(task_type, false) +
                     "?count=" + std::to_string(count) + "&timeout=" + std::to_string(long_poll.count()) +
                     "&workerid=" + net::UriEncode(worker_id, false);
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response,
                             Call("GET", path, "", long_poll + options_.timeout, stop));
  std::vector<PolledTask> tasks;
  if (response.status == 204 || (response.ok() && response.body.empty())) return tasks;
  if (!response.ok()) return net::HttpStatusError(response, "Conductor GET /tasks/poll/batch/" + task_type);
  REFLECTOR_ASSIGN_OR_RETURN(Json json, ParseJson(response.body, "poll response"));
  if (!json.is_array()) return tasks;
  for (const auto& item : json)
    tasks.push_back(ParsePolledTask(item));
  return tasks;
}

Status ConductorClient::UpdateTask(const TaskUpdate& update, std::stop_token stop) {
  REFLECTOR_TRY(CallOk("POST", "/tasks", UpdateBody(update), stop));
  return Ok();
}

Result<std::optional<PolledTask>> ConductorClient::UpdateTaskAndPoll(const TaskUpdate& update,
                                                                     std::stop_token stop) {
  const std::string path = "/tasks/update-v2";
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response,
                             Call("POST", path, UpdateBody(update), options_.timeout, stop));
  if (!response.ok()) return UpdateV2Error(response, "Conductor POST " + path);
  if (response.status == 204 || IsBlank(response.body)) return std::optional<PolledTask>{};
  auto json = ParseJson(response.body, "update-v2 answer");
  if (!json || !json->is_object() || TextField(*json, "taskId").empty()) {
    // The update was taken; a task the answer may have leased to us is lost here and the server
    // times it out (responseTimeoutSeconds) and retries it. Resending the update would lease
    // another one.
    log::Warn("unreadable next task in an update-v2 answer; ignored",
              {{"task_id", update.task_id}, {"answer", response.body.substr(0, 200)}});
    return std::optional<PolledTask>{};
  }
  return std::optional<PolledTask>{ParsePolledTask(*json)};
}

Result<QueueSizes> ConductorClient::CountQueuedTasks(std::stop_token stop) {
  REFLECTOR_ASSIGN_OR_RETURN(net::HttpResponse response, CallOk("GET", "/tasks/queue/all", "", stop));
  auto json = ParseJson(response.body, "queue sizes");
  if (!json || !json->is_object()) {
    return Error::Terminal(ErrorKind::kExternal, "Conductor GET /tasks/queue/all: not a JSON object: " +
                                                     response.body.substr(0, 200));
  }
  QueueSizes sizes;
  for (const auto& [queue, size] : json->items()) {
    if (size.is_number_integer()) sizes[queue] = size.get<std::int64_t>();
  }
  return sizes;
}

Result<WorkflowSnapshot> ParseConductorWorkflow(const Json& json) {
  if (!json.is_object()) return Error::InvalidInput("Conductor workflow must be a JSON object");
  WorkflowSnapshot snapshot;
  WorkflowRun& workflow = snapshot.workflow;
  workflow.id = TextField(json, "workflowId");
  workflow.name = TextField(json, "workflowName");
  workflow.version = json.value("workflowVersion", 1);
  REFLECTOR_ASSIGN_OR_RETURN(workflow.status, ParseWorkflowStatus(TextField(json, "status")));
  workflow.input = ObjectField(json, "input");
  workflow.output = ObjectField(json, "output");
  workflow.correlation_id = TextField(json, "correlationId");
  workflow.reason = TextField(json, "reasonForIncompletion");
  workflow.create_time = FromMillis(json, "createTime");
  workflow.update_time = FromMillis(json, "updateTime");
  workflow.end_time = FromMillis(json, "endTime");
  if (auto it = json.find("tasks"); it != json.end() && it->is_array()) {
    for (const auto& item : *it) {
      TaskRun task;
      task.id = TextField(item, "taskId");
      task.workflow_id = workflow.id;
      task.reference_name = TextField(item, "referenceTaskName");
      task.task_name = TextField(item, "taskDefName");
      std::string type = TextField(item, "taskType");
      task.task_type = (type == "FORK" || type == "FORK_JOIN_DYNAMIC" || type == "FORK_JOIN")
                           ? std::string(kForkType)
                       : type == "JOIN" ? std::string(kJoinType)
                                        : std::string(kSimpleType);
      REFLECTOR_ASSIGN_OR_RETURN(task.status, ParseTaskStatus(TextField(item, "status")));
      task.input = ObjectField(item, "inputData");
      task.output = ObjectField(item, "outputData");
      task.reason = TextField(item, "reasonForIncompletion");
      task.worker_id = TextField(item, "workerId");
      task.retry_count = item.value("retryCount", 0);
      task.seq = item.value("seq", 0);
      task.retried = item.value("retried", false);
      task.scheduled_time = FromMillis(item, "scheduledTime");
      task.start_time = FromMillis(item, "startTime");
      task.update_time = FromMillis(item, "updateTime");
      task.end_time = FromMillis(item, "endTime");
      snapshot.tasks.push_back(std::move(task));
    }
  }
  return snapshot;
}

PolledTask ParsePolledTask(const Json& json) {
  PolledTask task;
  task.task_id = TextField(json, "taskId");
  task.workflow_id = TextField(json, "workflowInstanceId");
  task.task_type = TextField(json, "taskDefName");
  if (task.task_type.empty()) task.task_type = TextField(json, "taskType");
  task.reference_name = TextField(json, "referenceTaskName");
  task.retry_count = json.value("retryCount", 0);
  task.response_timeout_seconds = static_cast<int>(json.value("responseTimeoutSeconds", 3600));
  task.input = ObjectField(json, "inputData");
  return task;
}

TaskRun ToTaskRun(const PolledTask& task) {
  TaskRun run;
  run.id = task.task_id;
  run.workflow_id = task.workflow_id;
  run.task_name = task.task_type;
  run.task_type = std::string(kSimpleType);
  run.reference_name = task.reference_name;
  run.retry_count = task.retry_count;
  run.status = TaskStatus::kInProgress;
  run.input = task.input;
  return run;
}

}  // namespace reflector::engine
