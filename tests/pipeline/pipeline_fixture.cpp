#include "pipeline_fixture.hpp"

#include <gtest/gtest.h>

namespace reflector::pipeline {

PipelineFixture::PipelineFixture() {
  database = store::Database::Open("sqlite://" + (dir / "db.sqlite3").string()).value();
  EXPECT_TRUE(database->Migrate(clock).ok());
  storage = std::make_unique<storage::LocalObjectStoreFactory>(dir / "objects");
  events = std::make_unique<events::StoreEventLog>(*database, clock);
  local_platform = std::make_unique<platform::LocalPlatform>(*database, clock);
  services.database = database.get();
  services.storage = storage.get();
  services.bucket = bucket;
  services.speech_to_text = &speech_to_text;
  services.summarizer = &summarizer;
  services.events = events.get();
  services.platforms["local"] = local_platform.get();
  services.clock = &clock;
  services.ids = &ids;
  services.scratch_dir = dir / "scratch";
  services.step_names = PipelineStepNames(LoadPipelineDefinitions().value());
  RegisterPipelineTasks(registry, services);
}

Result<Json> PipelineFixture::Run(const std::string& task, Json input, int retry_count) {
  const engine::TaskFunction* function = registry.Find(task);
  if (function == nullptr) return Error::Internal("no task " + task);
  engine::TaskExecution execution;
  execution.workflow_id = "wf-test";
  execution.task_id = ids.NewId();
  execution.reference_name = task;
  execution.task_name = task;
  execution.retry_count = retry_count;
  execution.input = std::move(input);
  NullProgressSink progress;
  execution.progress = &progress;
  return (*function)(execution);
}

std::string PipelineFixture::CreateTranscript(const Json& track_keys, std::optional<std::string> meeting_id) {
  store::Recordings recordings(*database, clock);
  store::Recording recording;
  recording.id = ids.NewId();
  recording.bucket_name = bucket;
  recording.object_key = "uploads";
  recording.track_keys = track_keys;
  recording.meeting_id = meeting_id;
  EXPECT_TRUE(recordings.Create(recording).ok());
  store::Transcripts transcripts(*database, clock);
  store::Transcript transcript;
  transcript.id = ids.NewId();
  transcript.recording_id = recording.id;
  EXPECT_TRUE(transcripts.Create(transcript).ok());
  return transcript.id;
}

Status PipelineFixture::Put(const std::string& key, const std::filesystem::path& file) {
  REFLECTOR_ASSIGN_OR_RETURN(auto store, storage->ForBucket(bucket));
  return store->PutFile(key, file);
}

bool PipelineFixture::Exists(const std::string& key) {
  auto store = storage->ForBucket(bucket);
  return store.ok() && (*store)->Exists(key).value_or(false);
}

std::vector<events::Event> PipelineFixture::Events(const std::string& transcript_id) {
  return events->List(transcript_id).value();
}

store::Transcript PipelineFixture::Transcript(const std::string& id) {
  store::Transcripts transcripts(*database, clock);
  return transcripts.Get(id).value();
}

}  // namespace reflector::pipeline
