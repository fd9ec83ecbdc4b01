#pragma once
// The pipeline on a real Conductor server (scripts/test-services: Conductor, an S3 server,
// PostgreSQL for reflector), through the binaries: `reflector process` starts and follows a
// workflow while separate `reflector worker` processes run the tasks. Each test has its own
// database (a fresh schema), so no result cache of an earlier test answers its transcriptions.
// Tests using it must run one at a time (CMakeLists.txt takes a RESOURCE_LOCK): every worker
// polls the same task queues on the server.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "engine/conductor/conductor_client.hpp"
#include "engine/conductor/registration.hpp"
#include "meeting_fixture.hpp"
#include "pipeline/workflow_definitions.hpp"
#include "store/transcripts.hpp"
#include "store_test_env.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace reflector::testing {

Json ReadJsonFile(const std::filesystem::path& file);
// The id of "transcript: <id>", the first line `process` prints ("" when it is not there).
std::string TranscriptIdFrom(const std::string& out);
// The first `count` of five speakers with sentences used nowhere else.
std::vector<SpeakerScript> Speakers(std::size_t count);

class ConductorEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Registers the shipped definitions, each task definition first passed through `adjust`.
  template <typename Adjust>
  void RegisterPipeline(Adjust adjust) {
    const auto& definitions = pipeline::LoadPipelineDefinitions();
    ASSERT_TRUE(definitions.ok()) << definitions.error().message;
    std::vector<engine::TaskDef> tasks;
    for (auto [name, def] : definitions->task_defs) {
      adjust(def);
      tasks.push_back(def);
    }
    auto registered =
        engine::RegisterDefinitions(*client_, tasks, {definitions->failure, definitions->pipeline});
    ASSERT_TRUE(registered.ok()) << registered.error().message;
  }

  // Starts `reflector worker` in the background with its own data directory; returns its id.
  std::string StartWorker(const std::string& name, int concurrency,
                          std::map<std::string, std::string> overrides = {});
  std::vector<std::string> ProcessArgs(const std::vector<SpokenTrack>& tracks, const std::string& output);
  // `reflector transcripts show ID --json`.
  Json Show(const std::string& id);
  engine::WorkflowSnapshot Workflow(const std::string& workflow_id);
  // The workflow of a transcript, found by its correlation id (the transcript id).
  std::string WorkflowOf(const std::string& transcript_id);
  // The transcript a background `process` announced and its workflow ("" when none came).
  std::pair<std::string, std::string> Started(const BackgroundCommand& process);
  // The transcript's row, read from the test's database.
  store::Transcript StoredTranscript(const std::string& id);
  // The workflow id stored on the transcript's recording ("" when none).
  std::string RecordingWorkflowOf(const std::string& transcript_id);

  // Waits (generously) until `predicate(snapshot)` holds; returns whether it did.
  template <typename Predicate>
  bool WaitForWorkflow(const std::string& workflow_id, Predicate predicate,
                       std::chrono::seconds limit = std::chrono::seconds(180)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto snapshot = client_->GetWorkflow(workflow_id);
      if (snapshot.ok() && predicate(*snapshot)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // Runs a meeting of `tracks` to the end and checks the transcript; returns the workflow.
  engine::WorkflowSnapshot ProcessAndCheck(const std::vector<SpokenTrack>& tracks);

  TempDir dir_{"reflector-conductor-e2e"};
  std::unique_ptr<store::testing::FreshDatabase> database_;  // outlives the processes using it
  bool engine_from_settings_ = false;  // CONDUCTOR_ENABLED=true chooses the engine, not --engine
  std::string reflector_;
  std::string s3_endpoint_;
  std::string conductor_url_;
  std::map<std::string, std::string> env_;
  net::HttpClient http_;
  std::unique_ptr<engine::ConductorClient> client_;
  std::map<std::string, std::unique_ptr<BackgroundCommand>> workers_;
};

}  // namespace reflector::testing
