#include "pipeline/task_context.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include "core/file_writer.hpp"
#include "core/log.hpp"

namespace reflector::pipeline {

namespace fs = std::filesystem;

TaskContext::TaskContext(const engine::TaskExecution& execution, PipelineServices& services)
    : execution_(execution), services_(services) {}

TaskContext::~TaskContext() {
  if (scratch_) {
    std::error_code ignored;
    fs::remove_all(*scratch_, ignored);
  }
}

Result<fs::path> TaskContext::ScratchDir() {
  if (scratch_) return *scratch_;
  fs::path dir = services_.scratch_dir / (execution_.task_id.empty() ? NewUuid4() : execution_.task_id);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return FileSystemError("cannot create scratch directory", dir.string(), ec.value());
  scratch_ = dir;
  return dir;
}

Result<std::unique_ptr<storage::ObjectStore>> TaskContext::Bucket(std::string_view bucket) {
  if (services_.storage == nullptr) return Error::Internal("no object storage configured");
  return services_.storage->ForBucket(bucket.empty() ? std::string_view(services_.bucket) : bucket);
}

Result<fs::path> TaskContext::Download(std::string_view bucket, std::string_view key,
                                       std::string_view file_name) {
  REFLECTOR_ASSIGN_OR_RETURN(fs::path dir, ScratchDir());
  REFLECTOR_ASSIGN_OR_RETURN(auto store, Bucket(bucket));
  fs::path file = dir / file_name;
  REFLECTOR_TRY(store->GetFile(key, file, stop()));
  return file;
}

Status TaskContext::Upload(const fs::path& file, std::string_view key) {
  REFLECTOR_ASSIGN_OR_RETURN(auto store, PipelineBucket());
  return store->PutFile(key, file, stop());
}

Status TaskContext::PutJson(std::string_view key, const Json& value) {
  REFLECTOR_ASSIGN_OR_RETURN(fs::path dir, ScratchDir());
  fs::path file = dir / ("put-" + NewUuid4() + ".json");
  // Checked up to the close: a full disk must not upload a truncated file as the object.
  Status status = WriteWholeFile(file, DumpCompact(value));
  if (status.ok()) status = Upload(file, key);
  std::error_code ignored;
  fs::remove(file, ignored);
  return status;
}

Result<Json> TaskContext::GetJson(std::string_view key) {
  REFLECTOR_ASSIGN_OR_RETURN(fs::path file, Download(services_.bucket, key, "get-" + NewUuid4() + ".json"));
  std::ifstream in(file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::error_code ignored;
  fs::remove(file, ignored);
  return ParseJson(buffer.str(), key);
}

Status TaskContext::Emit(events::EventType type, const Json& data) {
  if (services_.events == nullptr || transcript_id_.empty()) return Ok();
  auto appended = services_.events->Append(transcript_id_, type, data);
  if (!appended) return appended.error();
  return Ok();
}

Status TaskContext::SetStatus(store::TranscriptStatus status) {
  store::Transcripts transcripts(database(), clock());
  REFLECTOR_ASSIGN_OR_RETURN(store::StatusChange change, transcripts.SetStatus(transcript_id_, status));
  if (change.changed && services_.bus != nullptr) {
    services_.bus->Publish(events::Event{transcript_id_, change.event_seq, events::EventType::kStatus,
                                         events::StatusData(store::ToString(status)), clock().Now()});
  }
  return Ok();
}

Result<std::string> CheckStoragePrefix(const Json& input) {
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<std::string> prefix, GetOptionalString(input, "storage_prefix"));
  if (!prefix || prefix->empty()) return std::string();
  bool segment_started = false;
  for (char c : *prefix) {
    const bool plain = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
    if (plain) {
      segment_started = true;
    } else if (c == '/' && segment_started) {
      segment_started = false;
    } else {
      return Error::InvalidInput(
          "field 'storage_prefix' must be path segments of letters, digits, '-' and "
          "'_', each ending in '/' (like \"shadow/\"), got '" +
          *prefix + "'");
    }
  }
  if (segment_started)
    return Error::InvalidInput("field 'storage_prefix' must end in '/', got '" + *prefix + "'");
  return *prefix;
}

std::string PaddedTrackKey(std::string_view transcript_id, int track_index) {
  return std::string(transcript_id) + "/padded/track_" + std::to_string(track_index) + ".webm";
}
std::string MixdownKey(std::string_view transcript_id) {
  return std::string(transcript_id) + "/audio.mp3";
}
std::string WaveformKey(std::string_view transcript_id) {
  return std::string(transcript_id) + "/waveform.json";
}
std::string TrackWordsKey(std::string_view transcript_id, int track_index) {
  return std::string(transcript_id) + "/words/track_" + std::to_string(track_index) + ".json";
}
std::string MergedWordsKey(std::string_view transcript_id) {
  return std::string(transcript_id) + "/words/merged.json";
}
std::vector<std::string> RunObjectKeys(std::string_view object_root, int track_count) {
  std::vector<std::string> keys = {MixdownKey(object_root), WaveformKey(object_root),
                                   MergedWordsKey(object_root)};
  for (int i = 0; i < track_count; ++i) {
    keys.push_back(PaddedTrackKey(object_root, i));
    keys.push_back(TrackWordsKey(object_root, i));
  }
  return keys;
}

KeepAlive::KeepAlive(ProgressSink& progress, std::chrono::milliseconds interval)
    : thread_([this, &progress, interval](std::stop_token stop) {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, stop, interval, [] { return false; }) && !stop.stop_requested()) {
          progress.Report(0.5, "waiting for a remote service");
        }
      }) {}

KeepAlive::~KeepAlive() {
  thread_.request_stop();
}

}  // namespace reflector::pipeline
