#pragma once
// `reflector serve` as a user runs it: the binary in the background on a free port, a meeting
// uploaded over HTTP (one multipart file part per participant), watched live over the events
// WebSocket, and read back through the API.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "meeting_fixture.hpp"
#include "net/http_client.hpp"
#include "support/subprocess.hpp"
#include "support/websocket_client.hpp"

namespace reflector::testing {

// A running `reflector serve`; stopped with SIGTERM (then SIGKILL) when destroyed.
class ServeProcess {
 public:
  ServeProcess(const std::string& binary, const std::map<std::string, std::string>& env,
               std::vector<std::string> extra_args = {});
  ~ServeProcess();
  // Whether it printed "listening on http://HOST:PORT" in time (the port is then known).
  [[nodiscard]] bool Ready() const { return port_ > 0; }
  [[nodiscard]] int port() const { return port_; }
  std::string Url(const std::string& path) const;
  BackgroundCommand& command() { return *command_; }

 private:
  std::unique_ptr<BackgroundCommand> command_;
  int port_ = 0;
};

// The events one WebSocket client saw for a transcript, in arrival order.
struct WatchedRun {
  std::vector<Json> messages;  // {"event", "data"}
  bool ended = false;          // STATUS ended arrived
  std::string final_status;    // the last STATUS value
  [[nodiscard]] std::vector<std::string> Names() const;
  [[nodiscard]] std::size_t Count(const std::string& event) const;
};

// Reads messages until STATUS ended or error (or the limit).
WatchedRun WatchUntilEnd(WebSocketClient& socket, std::chrono::seconds limit);

// POST /v1/transcripts and POST /v1/transcripts/{id}/tracks with the tracks; returns the id
// ("" with a gtest failure when refused).
std::string CreateTranscript(net::HttpClient& http, const ServeProcess& server, const std::string& name);
net::HttpResponse UploadTracks(net::HttpClient& http, const ServeProcess& server, const std::string& id,
                               const std::vector<SpokenTrack>& tracks);

// Whether an event message shows `step` under way or done: a PIPELINE_PROGRESS about it, or a
// DAG_STATUS whose entry for it is no longer queued (DAG_STATUS lists queued steps from the
// start, so naming the step is not enough).
bool StepStarted(const Json& message, const std::string& step);

// Checks what a watcher saw and what the API returns for a finished meeting: the step-by-step
// events (PIPELINE_PROGRESS, DAG_STATUS progressing to completed, DURATION in ms, WAVEFORM,
// TOPIC, FINAL_*), every transcript format naming each participant, and the replay a new
// client gets.
void ExpectWatchedMeeting(net::HttpClient& http, const ServeProcess& server, const std::string& id,
                          const WatchedRun& run, const std::vector<SpokenTrack>& tracks);

// The settings of serve and its workers on the test services: Conductor enabled, shared state
// on PostgreSQL and the S3 server. Empty when a service is missing (RequireServiceVariable has
// said which and what to install).
std::map<std::string, std::string> ConductorServeEnv(const std::string& database_url);

// Two `reflector worker` processes ("worker-a", "worker-b", concurrency 2), each with a data
// folder of its own under `dir`.
std::vector<std::unique_ptr<BackgroundCommand>> StartWorkers(const std::string& reflector,
                                                             const std::map<std::string, std::string>& env,
                                                             const std::filesystem::path& dir);

}  // namespace reflector::testing
