#pragma once
// A pipeline with real small parts (SQLite in a temp dir, local object storage, the events
// log) and fakes for the expensive seams (speech to text, summariser), for task tests.

#include <memory>
#include <mutex>

#include "events/store_event_log.hpp"
#include "fakes/speech_to_text_fake.hpp"
#include "fakes/summarizer_fake.hpp"
#include "pipeline/tasks.hpp"
#include "pipeline/workflow_definitions.hpp"
#include "platform/local/local_platform.hpp"
#include "storage/local/local_object_store.hpp"
#include "store/recordings.hpp"
#include "store/transcripts.hpp"
#include "support/temp_dir.hpp"

namespace reflector::pipeline {

class PipelineFixture {
 public:
  PipelineFixture();

  // Runs one task through the registered wrapper, as an engine would.
  Result<Json> Run(const std::string& task, Json input, int retry_count = 0);
  // A transcript row (status idle) with a recording of `track_keys`.
  std::string CreateTranscript(const Json& track_keys = Json::array(),
                               std::optional<std::string> meeting_id = {});
  Status Put(const std::string& key, const std::filesystem::path& file);
  bool Exists(const std::string& key);
  std::vector<events::Event> Events(const std::string& transcript_id);
  store::Transcript Transcript(const std::string& id);

  testing::TempDir dir{"reflector-pipeline"};
  SystemClock clock;
  RandomIdGenerator ids{11};
  std::unique_ptr<store::Database> database;
  std::unique_ptr<storage::LocalObjectStoreFactory> storage;
  testing::FakeSpeechToText speech_to_text;
  testing::FakeSummarizer summarizer;
  std::unique_ptr<events::StoreEventLog> events;
  std::unique_ptr<platform::LocalPlatform> local_platform;
  PipelineServices services;
  engine::TaskRegistry registry;
  std::string bucket = "pipeline-test";
};

}  // namespace reflector::pipeline
