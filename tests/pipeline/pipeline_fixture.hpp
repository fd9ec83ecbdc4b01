#pragma once
// A pipeline with real small parts (SQLite in a temp dir, local object storage, the events
// log) and fakes for the expensive seams (speech to text, summariser), for task tests.

#include <atomic>
#include <memory>
#include <mutex>

#include "events/store_event_log.hpp"
#include "pipeline/tasks.hpp"
#include "pipeline/workflow_definitions.hpp"
#include "platform/local/local_platform.hpp"
#include "storage/local/local_object_store.hpp"
#include "store/recordings.hpp"
#include "store/transcripts.hpp"
#include "support/temp_dir.hpp"

namespace reflector::pipeline {

// Returns scripted words for every file and counts its calls.
class FakeSpeechToText final : public stt::SpeechToText {
 public:
  std::vector<stt::Word> words = {{"hello", 1.0, 1.4}, {"budget", 1.5, 2.0}};
  std::atomic<int> calls{0};
  Result<stt::Transcription> Transcribe(const stt::AudioSource& /*audio*/, std::string_view /*language*/,
                                        std::stop_token /*stop*/, ProgressSink& progress) override {
    ++calls;
    progress.Report(1.0, "done");
    return stt::Transcription{words, "fake", "fake-1"};
  }
  std::string_view Backend() const override { return "fake"; }
  std::string_view Model() const override { return "fake-1"; }
};

// Titles each chunk by its first word; counts calls.
class FakeSummarizer final : public llm::Summarizer {
 public:
  std::atomic<int> topic_calls{0};
  Result<llm::TopicDraft> DescribeTopic(std::span<const llm::Word> chunk, const llm::SpeakerNames& /*names*/,
                                        std::stop_token /*stop*/) override {
    ++topic_calls;
    return llm::TopicDraft{"Topic " + (chunk.empty() ? std::string() : chunk.front().text), "About things."};
  }
  Result<std::string> Title(std::span<const llm::TopicDraft> topics, std::stop_token /*stop*/) override {
    return "Meeting About " + std::to_string(topics.size()) + " Topics";
  }
  Result<llm::SummaryDraft> Summarize(std::span<const llm::TopicDraft> /*topics*/,
                                      std::span<const llm::Word> words, const llm::SpeakerNames& names,
                                      std::stop_token /*stop*/) override {
    std::string who;
    for (const auto& [speaker, name] : names)
      who += (who.empty() ? "" : ", ") + name;
    return llm::SummaryDraft{
        "# Quick recap\n\n" + who + " spoke " + std::to_string(words.size()) + " words.\n",
        who + " spoke.",
        {"things"}};
  }
  std::string_view Backend() const override { return "fake"; }
  std::string_view Model() const override { return "fake-1"; }
};

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
  FakeSpeechToText speech_to_text;
  FakeSummarizer summarizer;
  std::unique_ptr<events::StoreEventLog> events;
  std::unique_ptr<platform::LocalPlatform> local_platform;
  PipelineServices services;
  engine::TaskRegistry registry;
  std::string bucket = "pipeline-test";
};

}  // namespace reflector::pipeline
