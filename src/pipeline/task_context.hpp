#pragma once
// What every pipeline task works with: its input, the services (database, object storage,
// speech to text, summariser, events, platforms), a scratch directory removed when the task
// ends, and helpers that name the transcript and track in errors.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "engine/task_worker.hpp"
#include "events/events.hpp"
#include "llm/summarizer.hpp"
#include "net/http_client.hpp"
#include "notify/zulip.hpp"
#include "platform/platform.hpp"
#include "storage/object_store.hpp"
#include "store/database.hpp"
#include "store/transcripts.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::pipeline {

// Shared by every task; each member must outlive the engine. Thread-safe.
struct PipelineServices {
  store::Database* database = nullptr;
  storage::ObjectStoreFactory* storage = nullptr;
  std::string bucket;  // where the pipeline writes (padded tracks, mixdown, words, waveform)
  stt::SpeechToText* speech_to_text = nullptr;
  llm::Summarizer* summarizer = nullptr;
  events::EventLog* events = nullptr;
  events::EventBus* bus = nullptr;                                // in-process watchers (optional)
  std::map<std::string, platform::RecordingPlatform*> platforms;  // by name: "local", "daily"
  Clock* clock = nullptr;
  IdGenerator* ids = nullptr;
  std::filesystem::path scratch_dir;    // temporary files of running tasks
  std::vector<std::string> step_names;  // the workflow's step list, for progress events
  int max_parallel_llm_calls = 2;
  // Notifications; null means not configured (the task completes and says so).
  notify::ZulipClient* zulip = nullptr;  // post_zulip
  net::HttpClient* http = nullptr;       // send_webhook delivers through it
  std::string ui_base_url;               // links in messages and payloads: {ui_base_url}/transcripts/{id}
};

class TaskContext {
 public:
  TaskContext(const engine::TaskExecution& execution, PipelineServices& services);
  ~TaskContext();
  TaskContext(const TaskContext&) = delete;
  TaskContext& operator=(const TaskContext&) = delete;

  const Json& input() const { return execution_.input; }
  const engine::TaskExecution& execution() const { return execution_; }
  std::stop_token stop() const { return execution_.stop; }
  ProgressSink& progress() { return execution_.progress != nullptr ? *execution_.progress : null_progress_; }
  PipelineServices& services() { return services_; }
  store::Database& database() { return *services_.database; }
  const Clock& clock() const { return *services_.clock; }

  // The task's transcript (input `transcript_id`); checked once by the task wrapper.
  const std::string& transcript_id() const { return transcript_id_; }
  void set_transcript_id(std::string id) { transcript_id_ = std::move(id); }
  // Where the run's objects go in the pipeline bucket: "<storage prefix><transcript id>", the
  // prefix from the optional input `storage_prefix` ("shadow/" for a shadow run; "" by default),
  // checked once by the task wrapper (CheckStoragePrefix).
  std::string ObjectRoot() const { return storage_prefix_ + transcript_id_; }
  void set_storage_prefix(std::string prefix) { storage_prefix_ = std::move(prefix); }

  // A fresh directory for this task's files, removed with the context.
  Result<std::filesystem::path> ScratchDir();
  Result<std::unique_ptr<storage::ObjectStore>> Bucket(std::string_view bucket);
  Result<std::unique_ptr<storage::ObjectStore>> PipelineBucket() { return Bucket(services_.bucket); }

  // Downloads `key` of `bucket` into the scratch dir; errors name `what` and the key.
  Result<std::filesystem::path> Download(std::string_view bucket, std::string_view key,
                                         std::string_view file_name);
  // Uploads a local file to the pipeline bucket.
  Status Upload(const std::filesystem::path& file, std::string_view key);
  // JSON documents in the pipeline bucket.
  Status PutJson(std::string_view key, const Json& value);
  Result<Json> GetJson(std::string_view key);

  // Appends an event to the transcript's log (and the in-process bus).
  Status Emit(events::EventType type, const Json& data);
  // Sets the transcript's status; when it changes, the STATUS event the store appends is also
  // published on the bus.
  Status SetStatus(store::TranscriptStatus status);

 private:
  const engine::TaskExecution& execution_;
  PipelineServices& services_;
  std::string transcript_id_;
  std::string storage_prefix_;
  std::optional<std::filesystem::path> scratch_;
  NullProgressSink null_progress_;
};

// While it lives, tells the engine every `interval` that the task is alive (a heartbeat through
// the task's ProgressSink). For calls that say nothing while they work, such as an LLM answering
// slowly, so the silence is not taken for a dead task. The overall timeoutSeconds still applies.
class KeepAlive {
 public:
  explicit KeepAlive(ProgressSink& progress, std::chrono::milliseconds interval = std::chrono::seconds(10));
  ~KeepAlive();
  KeepAlive(const KeepAlive&) = delete;
  KeepAlive& operator=(const KeepAlive&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

// Object keys the pipeline writes, all under the run's object root (TaskContext::ObjectRoot:
// the transcript's id, after the run's storage prefix if any).
std::string PaddedTrackKey(std::string_view object_root, int track_index);
std::string MixdownKey(std::string_view object_root);
std::string WaveformKey(std::string_view object_root);
std::string TrackWordsKey(std::string_view object_root, int track_index);
std::string MergedWordsKey(std::string_view object_root);
// Every key above for a run of `track_count` tracks (what removing the run's objects deletes).
std::vector<std::string> RunObjectKeys(std::string_view object_root, int track_count);

// The optional input `storage_prefix`: "" when absent, else one or more path segments of
// letters, digits, '-' and '_', each followed by '/' ("shadow/"). InvalidInput otherwise.
Result<std::string> CheckStoragePrefix(const Json& input);

}  // namespace reflector::pipeline
