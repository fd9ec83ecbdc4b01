// The engine modes over a real SQLite database and local storage: Conductor mode, the fallback
// to the in-process engine (scripted engines, then the real Conductor engine at a closed port and
// at a server that answers its health check with an error), and shadow mode with its
// comparison.

#include "service/engine_modes.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/conductor/conductor_client.hpp"
#include "engine/conductor/conductor_engine.hpp"
#include "engine/engine_router.hpp"
#include "fakes/engine_fake.hpp"
#include "service/follow.hpp"
#include "service/processing.hpp"
#include "service/shadow.hpp"
#include "service/shadow_compare.hpp"
#include "service/shadow_monitor.hpp"
#include "storage/factory.hpp"
#include "store/recordings.hpp"
#include "store/shadow_runs.hpp"
#include "support/http_test_helpers.hpp"
#include "support/http_test_server.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::service {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedEngine;

class EngineModesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = store::Database::Open("sqlite://" + (dir_ / "db.sqlite3").string());
    ASSERT_TRUE(database.ok()) << database.error().message;
    database_ = std::move(*database);
    ASSERT_TRUE(database_->Migrate(clock_).ok());
    auto storage =
        storage::MakeObjectStoreFactory(StorageBackend::kLocal, {}, dir_ / "storage", http_, clock_);
    ASSERT_TRUE(storage.ok()) << storage.error().message;
    storage_ = std::move(*storage);
    local_.id_prefix = "local-";
    local_.only_known_ids = true;
    conductor_.name = "conductor";
    conductor_.id_prefix = "remote-";
    conductor_.only_known_ids = true;
    context_.database = database_.get();
    context_.clock = &clock_;
    context_.ids = &ids_;
    context_.storage = storage_.get();
    context_.bucket = "bucket";
    context_.pipeline_name = "diarization_pipeline";
    context_.bus = &bus_;
    std::ofstream(dir_ / "ana.webm") << "ana's audio";
    std::ofstream(dir_ / "ben.webm") << "ben's audio";
    modes_.hooks.fallback = [this](FallbackReason reason) {
      fallbacks_.push_back(std::string(ToString(reason)));
    };
    modes_.hooks.shadow_started = [this](bool started) { shadow_starts_.push_back(started); };
    modes_.hooks.compared = [this](const ShadowComparison& c) { comparisons_.push_back(c.agreed); };
  }

  // The modes as the composition root builds them: both engines behind a router.
  void UseMode(EngineMode mode, engine::Engine& conductor) {
    modes_.mode = mode;
    modes_.in_process = &local_;
    modes_.conductor = &conductor;
    engine::Engine& primary =
        mode == EngineMode::kConductor ? conductor : static_cast<engine::Engine&>(local_);
    router_ =
        std::make_unique<engine::EngineRouter>(primary, std::vector<engine::Engine*>{&local_, &conductor});
    context_.engine = router_.get();
    context_.modes = &modes_;
  }

  ProcessRequest TwoTracks() {
    ProcessRequest request;
    request.tracks = {{"Ana", dir_ / "ana.webm"}, {"Ben", dir_ / "ben.webm"}};
    return request;
  }

  store::Transcript TranscriptOf(const std::string& id) {
    store::Transcripts transcripts(*database_, clock_);
    auto transcript = transcripts.Get(id);
    EXPECT_TRUE(transcript.ok()) << transcript.error().message;
    return transcript.ok() ? *transcript : store::Transcript{};
  }

  std::vector<store::TranscriptEvent> EventsOf(const std::string& id) {
    store::TranscriptEvents events(*database_, clock_);
    return events.List(id).value();
  }

  // Writes what a finished run leaves on a transcript.
  void Finish(const std::string& id, const std::string& title, const Json& words) {
    store::Transcripts transcripts(*database_, clock_);
    ASSERT_TRUE(transcripts.SetTitle(id, title, store::TitleSource::kGenerated).ok());
    ASSERT_TRUE(transcripts.SetSummaries(id, "A long summary.", "Short.").ok());
    ASSERT_TRUE(transcripts.SetDuration(id, 12.5).ok());
    Json topics = Json::array({{{"id", "t1"}, {"title", "Budget"}, {"words", words}}});
    ASSERT_TRUE(transcripts.SetTopics(id, topics, "WEBVTT\n").ok());
    ASSERT_TRUE(transcripts.SetStatus(id, store::TranscriptStatus::kEnded).ok());
  }

  testing::TempDir dir_{"reflector-engine-modes"};
  SystemClock clock_;
  RandomIdGenerator ids_{5};
  net::HttpClient http_;
  events::EventBus bus_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<storage::ObjectStoreFactory> storage_;
  ScriptedEngine local_;
  ScriptedEngine conductor_;
  std::unique_ptr<engine::EngineRouter> router_;
  EngineModes modes_;
  ServiceContext context_;
  std::vector<std::string> fallbacks_;
  std::vector<bool> shadow_starts_;
  std::vector<bool> comparisons_;
};

TEST_F(EngineModesTest, ConductorModeStartsOnConductorAndTheRecordingKeepsTheWorkflowId) {
  UseMode(EngineMode::kConductor, conductor_);
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_EQ(started->engine, "conductor");
  EXPECT_EQ(started->workflow_id, "remote-1");
  EXPECT_TRUE(local_.started.empty());
  EXPECT_EQ(TranscriptOf(started->transcript_id).engine, "conductor");
  store::Recordings recordings(*database_, clock_);
  EXPECT_EQ(recordings.Get(started->recording_id)->workflow_id, "remote-1");
  auto found = recordings.FindByWorkflowId("remote-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, started->recording_id);
  EXPECT_TRUE(fallbacks_.empty());
  for (const auto& event : EventsOf(started->transcript_id))
    EXPECT_NE(event.event, "ENGINE_FALLBACK");
}

TEST_F(EngineModesTest, ARefusedConductorStartRunsInProcessAtOnceAndSaysWhy) {
  UseMode(EngineMode::kConductor, conductor_);
  conductor_.refuse_start =
      Error::Terminal(ErrorKind::kExternal, "Conductor POST /workflow: HTTP 400: bad input");
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_EQ(started->engine, "in_process");
  EXPECT_EQ(started->workflow_id, "local-1");
  ASSERT_EQ(local_.started.size(), 1U);
  EXPECT_EQ(local_.started[0].input["transcript_id"], started->transcript_id) << "the same workflow input";
  store::Transcript transcript = TranscriptOf(started->transcript_id);
  EXPECT_EQ(transcript.engine, "in_process");
  EXPECT_EQ(transcript.status, store::TranscriptStatus::kIdle) << "not an error: it runs";
  store::Recordings recordings(*database_, clock_);
  EXPECT_EQ(recordings.Get(started->recording_id)->workflow_id, "local-1");
  auto events = EventsOf(started->transcript_id);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].event, "ENGINE_FALLBACK");
  EXPECT_EQ(events[0].data["from"], "conductor");
  EXPECT_EQ(events[0].data["to"], "in_process");
  EXPECT_EQ(events[0].data["reason"], "refused");
  EXPECT_NE(events[0].data["error"].get<std::string>().find("HTTP 400"), std::string::npos);
  EXPECT_EQ(fallbacks_, std::vector<std::string>{"refused"});

  // The router finds the fallen-back run, and it resumes on the in-process engine.
  EXPECT_TRUE(context_.engine->Get("local-1").ok());
  auto resumed = ResumeRun(context_, started->transcript_id);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(local_.resumed, std::vector<std::string>{"local-1"});
}

TEST_F(EngineModesTest, AnUnhealthyConductorIsNotAskedToStart) {
  UseMode(EngineMode::kConductor, conductor_);
  modes_.conductor_health = [] {
    return std::optional<ConductorTrouble>(
        ConductorTrouble{FallbackReason::kUnhealthy,
                         Error::Transient(ErrorKind::kUnavailable, "Conductor reports itself unhealthy")});
  };
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_TRUE(conductor_.started.empty());
  EXPECT_EQ(started->engine, "in_process");
  EXPECT_EQ(fallbacks_, std::vector<std::string>{"unhealthy"});
  EXPECT_EQ(EventsOf(started->transcript_id).at(0).data["reason"], "unhealthy");
}

TEST_F(EngineModesTest, WhenNeitherEngineCanRunItTheTranscriptIsAnErrorAtStart) {
  UseMode(EngineMode::kConductor, conductor_);
  conductor_.refuse_start = Error::Transient(ErrorKind::kUnavailable, "Conductor is down");
  local_.refuse_start = Error::Terminal(ErrorKind::kIo, "database is read-only");
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("read-only"), std::string::npos);
  store::Transcripts transcripts(*database_, clock_);
  auto list = transcripts.List();
  ASSERT_EQ(list->size(), 1U);
  EXPECT_EQ(list->front().status, store::TranscriptStatus::kError);
  EXPECT_EQ(list->front().failed_step, "start");
}

// The real Conductor engine and client: a server that is not there, and one that answers its
// health check with 503.
class RealConductorFallbackTest : public EngineModesTest {
 protected:
  void UseConductorAt(const std::string& base_url) {
    client_ = std::make_unique<engine::ConductorClient>(http_, engine::ConductorClientOptions{base_url});
    engine_ = std::make_unique<engine::ConductorEngine>(*client_, engine::ConductorDefinitions{});
    UseMode(EngineMode::kConductor, *engine_);
    modes_.conductor_health = [this]() -> std::optional<ConductorTrouble> {
      engine::HealthCheck check = client_->CheckHealth();
      if (!check.error) return std::nullopt;
      return ConductorTrouble{check.state == engine::HealthCheck::State::kUnreachable
                                  ? FallbackReason::kUnreachable
                                  : FallbackReason::kUnhealthy,
                              *check.error};
    };
  }

  std::unique_ptr<engine::ConductorClient> client_;
  std::unique_ptr<engine::ConductorEngine> engine_;
};

TEST_F(RealConductorFallbackTest, ConductorStoppedRunsInProcess) {
  const int port = testing::UnusedLocalPort();
  ASSERT_GT(port, 0);
  UseConductorAt("http://127.0.0.1:" + std::to_string(port) + "/api");
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_EQ(started->engine, "in_process");
  EXPECT_EQ(local_.started.size(), 1U);
  EXPECT_EQ(fallbacks_, std::vector<std::string>{"unreachable"});
  auto events = EventsOf(started->transcript_id);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].event, "ENGINE_FALLBACK");
  EXPECT_NE(events[0].data["error"].get<std::string>().find("health check"), std::string::npos)
      << events[0].data.dump();
}

TEST_F(RealConductorFallbackTest, ConductorAnsweringItsHealthCheckWithAnErrorRunsInProcess) {
  testing::RecordingHttpServer server({testing::JsonResponse(503, R"({"healthy":false})")});
  UseConductorAt(server.BaseUrl() + "/api");
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_EQ(started->engine, "in_process");
  EXPECT_EQ(fallbacks_, std::vector<std::string>{"unhealthy"});
  for (const auto& request : server.Requests())
    EXPECT_EQ(request.path, "/health") << "nothing but the health check reached the server";
}

TEST_F(EngineModesTest, ShadowModeRunsThePrimaryInProcessAndAHiddenShadowOnConductor) {
  UseMode(EngineMode::kShadow, conductor_);
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_EQ(started->engine, "in_process");
  EXPECT_EQ(started->workflow_id, "local-1");
  ASSERT_EQ(conductor_.started.size(), 1U);
  const Json& primary_input = local_.started.at(0).input;
  const Json& shadow_input = conductor_.started[0].input;
  EXPECT_FALSE(primary_input.contains("notifications")) << "the primary notifies as always";
  EXPECT_EQ(shadow_input["notifications"], false);
  EXPECT_EQ(shadow_input["storage_prefix"], "shadow/");
  EXPECT_EQ(shadow_input["delete_source_audio"], false);
  EXPECT_EQ(shadow_input["tracks"], primary_input["tracks"]);
  EXPECT_EQ(shadow_input["recording_id"], started->recording_id);
  const std::string shadow_id = shadow_input["transcript_id"].get<std::string>();
  EXPECT_NE(shadow_id, started->transcript_id);
  EXPECT_EQ(conductor_.started[0].correlation_id, shadow_id);

  store::ShadowRuns runs(*database_, clock_);
  auto run = runs.LatestOfRecording(started->recording_id);
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->status, store::kShadowRunning);
  EXPECT_EQ((*run)->primary_workflow_id, "local-1");
  EXPECT_EQ((*run)->shadow_workflow_id, "remote-1");
  EXPECT_EQ((*run)->shadow_transcript_id, shadow_id);
  store::Transcript shadow = TranscriptOf(shadow_id);
  EXPECT_EQ(shadow.recording_id, started->recording_id);
  EXPECT_EQ(shadow.engine, "conductor");
  EXPECT_EQ(shadow.workflow_id, "remote-1");
  store::Transcripts transcripts(*database_, clock_);
  auto listed = transcripts.List();
  ASSERT_EQ(listed->size(), 1U) << "the shadow transcript is hidden";
  EXPECT_EQ(listed->front().id, started->transcript_id);
  store::Recordings recordings(*database_, clock_);
  EXPECT_EQ(recordings.Get(started->recording_id)->workflow_id, "local-1") << "the primary's workflow";
  EXPECT_EQ(shadow_starts_, std::vector<bool>{true});
}

TEST_F(EngineModesTest, AShadowThatCannotStartNeverFailsThePrimary) {
  UseMode(EngineMode::kShadow, conductor_);
  conductor_.refuse_start = Error::Transient(ErrorKind::kUnavailable, "Conductor is down");
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_EQ(started->engine, "in_process");
  EXPECT_EQ(TranscriptOf(started->transcript_id).status, store::TranscriptStatus::kIdle);
  store::ShadowRuns runs(*database_, clock_);
  auto run = runs.LatestOfRecording(started->recording_id);
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->status, store::kShadowStartFailed);
  EXPECT_EQ((*run)->error, "Conductor is down");
  EXPECT_EQ(TranscriptOf((*run)->shadow_transcript_id).status, store::TranscriptStatus::kError);
  EXPECT_EQ(shadow_starts_, std::vector<bool>{false});
  EXPECT_TRUE(fallbacks_.empty()) << "no fallback: the primary ran where it should";
}

TEST_F(EngineModesTest, TheComparisonIsStoredOnceWhenBothRunsEnded) {
  UseMode(EngineMode::kShadow, conductor_);
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok()) << started.error().message;
  store::ShadowRuns runs(*database_, clock_);
  store::ShadowRun run = runs.LatestOfRecording(started->recording_id)->value();
  const Json words = Json::parse(R"([{"text":"Budget","start":0.5,"end":0.9,"speaker":0},
                                     {"text":"numbers","start":1.0,"end":1.4,"speaker":1}])");
  Finish(started->transcript_id, "Quarterly budget", words);
  Finish(run.shadow_transcript_id, "Quarterly budget", words);

  local_.status = engine::WorkflowStatus::kCompleted;  // the shadow still runs
  auto waiting = CompareIfEnded(context_, run);
  ASSERT_TRUE(waiting.ok()) << waiting.error().message;
  EXPECT_EQ(waiting->status, store::kShadowRunning);

  conductor_.status = engine::WorkflowStatus::kCompleted;
  ShadowMonitor monitor(context_, {std::chrono::hours(1)});
  EXPECT_EQ(monitor.CheckOnce(), 1U);
  EXPECT_EQ(monitor.CheckOnce(), 0U) << "compared once";
  store::ShadowRun compared = runs.Get(run.id).value();
  EXPECT_EQ(compared.status, store::kShadowCompared);
  EXPECT_EQ(compared.agreed, true);
  const Json& c = *compared.comparison;
  EXPECT_EQ(c["words"]["word_error_rate"], 0.0);
  EXPECT_EQ(c["words"]["speaker_agreement"], 1.0);
  EXPECT_EQ(c["title"]["equal"], true);
  EXPECT_EQ(c["topics"]["primary_titles"], Json::array({"Budget"}));
  EXPECT_EQ(c["primary"]["engine"], "in_process");
  EXPECT_EQ(c["shadow"]["engine"], "conductor");
  EXPECT_EQ(comparisons_, std::vector<bool>{true});
  Json shown = ShadowRunJson(compared);
  EXPECT_EQ(shown["recording_id"], started->recording_id);
  EXPECT_EQ(shown["shadow"]["workflow_id"], "remote-1");
  EXPECT_EQ(shown["comparison"]["agreed"], true);
}

TEST_F(EngineModesTest, DifferentResultsAreStoredAsDisagreeing) {
  UseMode(EngineMode::kShadow, conductor_);
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok()) << started.error().message;
  store::ShadowRuns runs(*database_, clock_);
  store::ShadowRun run = runs.LatestOfRecording(started->recording_id)->value();
  Finish(started->transcript_id, "Quarterly budget",
         Json::parse(R"([{"text":"budget","speaker":0},{"text":"numbers","speaker":1}])"));
  Finish(run.shadow_transcript_id, "Budget",
         Json::parse(
             R"([{"text":"budget","speaker":1},{"text":"numbers","speaker":1},{"text":"now","speaker":1}])"));
  local_.status = engine::WorkflowStatus::kCompleted;
  conductor_.status = engine::WorkflowStatus::kCompleted;
  auto compared = WaitForComparison(context_, run.id, 5s, {}, 10ms);
  ASSERT_TRUE(compared.ok()) << compared.error().message;
  EXPECT_EQ(compared->agreed, false);
  const Json& c = *compared->comparison;
  EXPECT_DOUBLE_EQ(c["words"]["word_error_rate"].get<double>(), 0.5);  // one insertion in two words
  EXPECT_DOUBLE_EQ(c["words"]["speaker_agreement"].get<double>(), 0.5);
  EXPECT_EQ(c["title"]["equal"], false);
  EXPECT_EQ(c["differences"], Json::array({"title", "words", "speakers"}));
  EXPECT_EQ(comparisons_, std::vector<bool>{false});
}

}  // namespace
}  // namespace reflector::service
