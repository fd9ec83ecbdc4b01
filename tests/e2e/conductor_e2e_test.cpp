// The pipeline on a real Conductor server (scripts/test-services: Conductor on PostgreSQL, an S3
// server, PostgreSQL for reflector), through the binaries: `reflector process --engine
// conductor` starts and follows the workflow while separate `reflector worker` processes run
// the tasks. Meetings are synthesised at test time with sentences used nowhere else.
// Each test has its own database (a fresh schema), so no result cache of an earlier test or run
// answers its transcriptions. The tests must run one at a time (CMakeLists.txt takes a
// RESOURCE_LOCK): every worker polls the same task queues on the server.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "engine/conductor/conductor_client.hpp"
#include "engine/conductor/registration.hpp"
#include "meeting_fixture.hpp"
#include "net/url.hpp"
#include "pipeline/workflow_definitions.hpp"
#include "store_test_env.hpp"
#include "support/subprocess.hpp"
#include "support/tcp_proxy.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

Json ReadJsonFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Json::parse(buffer.str());
}

std::string TranscriptIdFrom(const std::string& out) {
  const std::string prefix = "transcript: ";
  if (out.rfind(prefix, 0) != 0 || out.size() < prefix.size() + 36) return "";
  return out.substr(prefix.size(), 36);
}

std::vector<SpeakerScript> Speakers(std::size_t count) {
  std::vector<SpeakerScript> all = {
      {"Gina",
       "rms",
       0.0,
       "Good morning everyone. The warehouse inventory report arrived yesterday afternoon.",
       {"morning", "everyone", "warehouse", "inventory", "report", "yesterday", "afternoon"}},
      {"Hugo",
       "slt",
       1.5,
       "We need more boxes before the holiday season starts next month.",
       {"need", "more", "boxes", "before", "holiday", "season", "month"}},
      {"Ivan",
       "kal16",
       5.0,
       "The delivery trucks need new tires and a driver for the night shift.",
       {"delivery", "trucks", "need", "new", "driver", "night", "shift"}},
      {"Jane",
       "awb",
       7.0,
       "Please send me the budget numbers for the second quarter today.",
       {"please", "send", "budget", "numbers", "second", "quarter", "today"}},
      {"Karl",
       "slt",
       9.0,
       "I will call the supplier about the price of the paper and the ink.",
       {"call", "supplier", "price", "paper", "ink"}},
  };
  all.resize(count);
  return all;
}

class ConductorEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::map<std::string, std::string> service = {
        {"REFLECTOR_TEST_DATABASE_URL", "PostgreSQL"},     {"REFLECTOR_TEST_S3_ENDPOINT", "an S3 server"},
        {"REFLECTOR_TEST_S3_BUCKET", "an S3 server"},      {"REFLECTOR_TEST_S3_REGION", "an S3 server"},
        {"REFLECTOR_TEST_S3_ACCESS_KEY", "an S3 server"},  {"REFLECTOR_TEST_S3_SECRET_KEY", "an S3 server"},
        {"CONDUCTOR_SERVER_URL", "a Conductor OSS server"}};
    std::map<std::string, std::string> values;
    for (const auto& [name, what] : service) {
      values[name] = RequireServiceVariable(name, what);
      ASSERT_FALSE(values[name].empty()) << "see the message above";
    }
    database_ = store::testing::FreshDatabase::Create(store::testing::Backend::kPostgres);
    ASSERT_NE(database_, nullptr) << "see the failure above";
    s3_endpoint_ = values["REFLECTOR_TEST_S3_ENDPOINT"];
    conductor_url_ = values["CONDUCTOR_SERVER_URL"];
    reflector_ = BuiltBinary("reflector").string();
    env_ = {{"DATABASE_URL", database_->url()},
            {"TRANSCRIPT_STORAGE_BACKEND", "s3"},
            {"TRANSCRIPT_STORAGE_AWS_BUCKET_NAME", values["REFLECTOR_TEST_S3_BUCKET"]},
            {"TRANSCRIPT_STORAGE_AWS_REGION", values["REFLECTOR_TEST_S3_REGION"]},
            {"TRANSCRIPT_STORAGE_AWS_ACCESS_KEY_ID", values["REFLECTOR_TEST_S3_ACCESS_KEY"]},
            {"TRANSCRIPT_STORAGE_AWS_SECRET_ACCESS_KEY", values["REFLECTOR_TEST_S3_SECRET_KEY"]},
            {"TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL", s3_endpoint_},
            {"CONDUCTOR_SERVER_URL", conductor_url_},
            {"DATA_DIR", (dir_ / "client").string()},
            {"LOG_LEVEL", "info"},
            {"LLM_URL", ""}};  // the offline summariser, even when the test services export LLM_URL
    client_ =
        std::make_unique<engine::ConductorClient>(http_, engine::ConductorClientOptions{conductor_url_});
    RegisterPipeline([](engine::TaskDef&) {});
  }

  void TearDown() override {
    workers_.clear();
    if (client_) RegisterPipeline([](engine::TaskDef&) {});  // the shipped definitions again
  }

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

  // Starts `reflector worker` in the background with its own data directory.
  std::string StartWorker(const std::string& name, int concurrency,
                          std::map<std::string, std::string> overrides = {}) {
    std::string worker_id = name + "-" + NewUuid4().substr(0, 8);
    auto env = env_;
    env["DATA_DIR"] = (dir_ / name).string();
    for (auto& [key, value] : overrides)
      env[key] = value;
    workers_[name] = std::make_unique<BackgroundCommand>(
        std::vector<std::string>{reflector_, "worker", "--concurrency", std::to_string(concurrency),
                                 "--worker-id", worker_id, "--shutdown-timeout", "5"},
        env);
    return worker_id;
  }

  std::vector<std::string> ProcessArgs(const std::vector<SpokenTrack>& tracks, const std::string& output) {
    std::vector<std::string> args = {reflector_, "process"};
    if (!engine_from_settings_) {
      args.push_back("--engine");
      args.push_back("conductor");
    }
    for (const auto& track : tracks) {
      args.push_back("--track");
      args.push_back(track.script.name + "=" + track.file.string());
    }
    if (!output.empty()) {
      args.push_back("--output");
      args.push_back(output);
    }
    return args;
  }

  Json Show(const std::string& id) {
    auto result = RunCommand({reflector_, "transcripts", "show", id, "--json"}, env_, 60s);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.exit_code == 0 ? Json::parse(result.out) : Json::object();
  }

  engine::WorkflowSnapshot Workflow(const std::string& workflow_id) {
    auto snapshot = client_->GetWorkflow(workflow_id);
    EXPECT_TRUE(snapshot.ok()) << snapshot.error().message;
    return snapshot.ok() ? *snapshot : engine::WorkflowSnapshot{};
  }

  // The workflow of a transcript, found by its correlation id (the transcript id).
  std::string WorkflowOf(const std::string& transcript_id) {
    for (int i = 0; i < 100; ++i) {
      auto ids =
          client_->FindWorkflowsByCorrelationId(std::string(pipeline::kPipelineWorkflowName), transcript_id);
      if (ids.ok() && !ids->empty()) return ids->front();
      std::this_thread::sleep_for(100ms);
    }
    return "";
  }

  // The transcript a background `process` announced and its workflow ("" when none came).
  std::pair<std::string, std::string> Started(const BackgroundCommand& process) {
    std::string transcript_id;
    for (int i = 0; i < 600 && transcript_id.empty(); ++i) {
      transcript_id = TranscriptIdFrom(process.OutputSoFar());
      if (transcript_id.empty()) std::this_thread::sleep_for(100ms);
    }
    if (transcript_id.empty()) return {};
    return {transcript_id, WorkflowOf(transcript_id)};
  }

  // Waits (generously) until `predicate(snapshot)` holds; returns whether it did.
  template <typename Predicate>
  bool WaitForWorkflow(const std::string& workflow_id, Predicate predicate,
                       std::chrono::seconds limit = 180s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto snapshot = client_->GetWorkflow(workflow_id);
      if (snapshot.ok() && predicate(*snapshot)) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  // Runs a meeting of `tracks` to the end and checks the transcript; returns the workflow.
  engine::WorkflowSnapshot ProcessAndCheck(const std::vector<SpokenTrack>& tracks) {
    auto out = dir_ / ("out-" + std::to_string(tracks.size()));
    auto result = RunCommand(ProcessArgs(tracks, out.string()), env_, 900s);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::string id = TranscriptIdFrom(result.out);
    EXPECT_TRUE(IsUuid(id)) << "first line must be 'transcript: <id>', got: " << result.out;
    if (result.exit_code != 0 || !IsUuid(id)) return {};
    Json transcript = ReadJsonFile(out / "transcript.json");
    EXPECT_EQ(transcript["status"], "ended");
    EXPECT_EQ(transcript["provenance"]["engine"], "conductor");
    EXPECT_EQ(transcript["participants"].size(), tracks.size());
    for (std::size_t i = 0; i < tracks.size(); ++i) {
      EXPECT_EQ(transcript["participants"][i]["name"], tracks[i].script.name);
      EXPECT_EQ(transcript["participants"][i]["speaker"], static_cast<int>(i));
    }
    double expected_duration = 0;
    for (const auto& track : tracks)
      expected_duration = std::max(expected_duration, track.track_end);
    EXPECT_NEAR(transcript["duration"].get<double>(), expected_duration, 0.15);
    EXPECT_FALSE(transcript["title"].get<std::string>().empty());
    ExpectWordsOfEachSpeaker(transcript["words"], tracks);
    Json waveform = ReadJsonFile(out / "waveform.json");
    EXPECT_EQ(waveform.size(), 255U);
    for (const auto& track : tracks) {
      EXPECT_GT(MeanLevel(out / "audio.mp3", track.speech_start + 0.2, track.speech_end - 0.2), 0.01)
          << track.script.name;
    }
    std::string workflow_id = transcript["provenance"]["workflow_id"].get<std::string>();
    engine::WorkflowSnapshot snapshot = Workflow(workflow_id);
    EXPECT_EQ(snapshot.workflow.status, engine::WorkflowStatus::kCompleted);
    EXPECT_EQ(snapshot.workflow.correlation_id, id);
    std::set<int> transcribed;
    for (const auto& task : snapshot.tasks) {
      if (task.task_name == "transcribe_track" && task.status == engine::TaskStatus::kCompleted) {
        transcribed.insert(task.input.value("track_index", -1));
      }
    }
    EXPECT_EQ(transcribed.size(), tracks.size()) << "one transcription per track through the dynamic fork";
    return snapshot;
  }

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

TEST_F(ConductorEndToEndTest, ThreeSpeakerMeetingWithTwoWorkerProcesses) {
  auto tracks = SynthesiseMeeting(Speakers(3), dir_.path());
  // The seed's switch: CONDUCTOR_ENABLED=true alone sends `process` to Conductor
  // (ProcessAndCheck asserts provenance.engine == "conductor").
  engine_from_settings_ = true;
  env_["CONDUCTOR_ENABLED"] = "true";
  // One task at a time each: the three transcriptions cannot all go to one worker.
  std::string first = StartWorker("worker-a", 1);
  std::string second = StartWorker("worker-b", 1);
  engine::WorkflowSnapshot snapshot = ProcessAndCheck(tracks);
  std::set<std::string> workers;
  for (const auto& task : snapshot.tasks) {
    if (!task.worker_id.empty()) workers.insert(task.worker_id);
  }
  EXPECT_TRUE(workers.count(first) == 1 && workers.count(second) == 1)
      << "both worker processes must have run tasks; saw " << workers.size() << " worker ids";
}

TEST_F(ConductorEndToEndTest, OneTwoAndFiveTracks) {
  StartWorker("worker-a", 2);
  StartWorker("worker-b", 2);
  for (std::size_t count : {1U, 2U, 5U}) {
    SCOPED_TRACE(std::to_string(count) + " tracks");
    auto dir = dir_ / ("meeting-" + std::to_string(count));
    std::filesystem::create_directories(dir);
    auto tracks = SynthesiseMeeting(Speakers(count), dir);
    ProcessAndCheck(tracks);
  }
}

TEST_F(ConductorEndToEndTest, WorkerKilledMidTaskItsTaskIsDeliveredAgain) {
  // The server notices a dead worker only when the response timeout passes: shorten it (the
  // worker extends the lease at half of it, so a live worker keeps its task).
  RegisterPipeline([](engine::TaskDef& def) {
    if (def.name == "transcribe_track") {
      def.response_timeout_seconds = 6;
      def.retry_delay_seconds = 1;
    }
  });
  auto tracks = SynthesiseMeeting(Speakers(2), dir_.path());
  std::string doomed = StartWorker("doomed", 1);
  BackgroundCommand process(ProcessArgs(tracks, ""), env_);
  auto [transcript_id, workflow_id] = Started(process);
  ASSERT_TRUE(IsUuid(transcript_id)) << process.ErrorsSoFar();
  ASSERT_FALSE(workflow_id.empty());

  std::string victim;            // the task id the doomed worker is running when it dies
  std::set<std::string> others;  // workers of other processes that took a transcription
  ASSERT_TRUE(WaitForWorkflow(workflow_id, [&](const engine::WorkflowSnapshot& s) {
    for (const auto& task : s.tasks) {
      if (task.task_name != "transcribe_track" || task.worker_id.empty()) continue;
      if (task.worker_id != doomed) {
        others.insert(task.worker_id);
      } else if (task.status == engine::TaskStatus::kInProgress) {
        victim = task.id;
        return true;
      }
    }
    return !others.empty();
  })) << "the worker never started a transcription";
  ASSERT_FALSE(victim.empty()) << "a transcription went to " << *others.begin()
                               << ", not this test's worker: another process polls this Conductor "
                                  "server's task queues (run the conductor tests one at a time)";
  workers_["doomed"]->Kill(SIGKILL);
  std::string rescuer = StartWorker("rescuer", 2);

  auto finished = process.Wait(600s);
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  engine::WorkflowSnapshot snapshot = Workflow(workflow_id);
  EXPECT_EQ(snapshot.workflow.status, engine::WorkflowStatus::kCompleted);
  const engine::TaskRun* killed = nullptr;
  for (const auto& task : snapshot.tasks) {
    if (task.id == victim) killed = &task;
  }
  ASSERT_NE(killed, nullptr);
  EXPECT_EQ(killed->status, engine::TaskStatus::kTimedOut);
  bool redone = false;
  for (const auto& task : snapshot.tasks) {
    redone =
        redone || (task.reference_name == killed->reference_name && task.worker_id == rescuer &&
                   task.status == engine::TaskStatus::kCompleted && task.retry_count > killed->retry_count);
  }
  EXPECT_TRUE(redone) << "the timed-out transcription must be retried and completed by the other worker";
  EXPECT_EQ(Show(transcript_id)["status"], "ended");
}

TEST_F(ConductorEndToEndTest, CorruptTrackFailsFastWithTheReasonOnTheTranscript) {
  auto tracks = SynthesiseMeeting(Speakers(1), dir_.path());
  auto notes = dir_ / "notes.webm";
  std::ofstream(notes) << "these are meeting notes, not audio\n";
  StartWorker("worker-a", 2);
  SpokenTrack corrupt = tracks[0];
  corrupt.script.name = "Notes";
  corrupt.file = notes;
  tracks.push_back(corrupt);
  auto result = RunCommand(ProcessArgs(tracks, ""), env_, 600s);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("failed at step pad_track"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("notes.webm"), std::string::npos) << result.err;
  std::string id = TranscriptIdFrom(result.out);
  ASSERT_TRUE(IsUuid(id)) << result.out;
  Json shown = Show(id);
  EXPECT_EQ(shown["status"], "error");
  EXPECT_EQ(shown["failure"]["step"], "pad_track");
  EXPECT_NE(shown["failure"]["reason"].get<std::string>().find("notes.webm"), std::string::npos);
  // Fast: a terminal error, so the bad track's pad was tried once and not retried.
  engine::WorkflowSnapshot snapshot = Workflow(shown["provenance"]["workflow_id"].get<std::string>());
  EXPECT_EQ(snapshot.workflow.status, engine::WorkflowStatus::kFailed);
  int bad_attempts = 0;
  for (const auto& task : snapshot.tasks) {
    if (task.task_name == "pad_track" && task.input.value("track_index", -1) == 1) {
      ++bad_attempts;
      EXPECT_EQ(task.status, engine::TaskStatus::kFailedWithTerminalError);
    }
  }
  EXPECT_EQ(bad_attempts, 1);
}

TEST_F(ConductorEndToEndTest, StorageOutageIsRetriedToSuccess) {
  auto endpoint = net::ParseUrl(s3_endpoint_);
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
  // The workers reach S3 through a proxy that starts down; `process` uploads directly.
  TcpProxy proxy(endpoint->host, endpoint->port, /*start_down=*/true);
  StartWorker("worker-a", 2,
              {{"TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(proxy.port())}});
  auto tracks = SynthesiseMeeting(Speakers(1), dir_.path());
  BackgroundCommand process(ProcessArgs(tracks, ""), env_);
  auto [transcript_id, workflow_id] = Started(process);
  ASSERT_TRUE(IsUuid(transcript_id)) << process.ErrorsSoFar();
  ASSERT_FALSE(workflow_id.empty());
  ASSERT_TRUE(WaitForWorkflow(workflow_id, [](const engine::WorkflowSnapshot& s) {
    return std::any_of(s.tasks.begin(), s.tasks.end(),
                       [](const engine::TaskRun& t) { return t.status == engine::TaskStatus::kFailed; });
  })) << "no task failed while storage was down";
  EXPECT_GT(proxy.refused(), 0U);
  proxy.SetDown(false);

  auto finished = process.Wait(600s);
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  engine::WorkflowSnapshot snapshot = Workflow(workflow_id);
  EXPECT_EQ(snapshot.workflow.status, engine::WorkflowStatus::kCompleted);
  const engine::TaskRun* failed = nullptr;
  for (const auto& task : snapshot.tasks) {
    if (task.status == engine::TaskStatus::kFailed) failed = &task;
  }
  ASSERT_NE(failed, nullptr);
  bool retried = false;
  for (const auto& task : snapshot.tasks) {
    retried =
        retried || (task.reference_name == failed->reference_name &&
                    task.status == engine::TaskStatus::kCompleted && task.retry_count > failed->retry_count);
  }
  EXPECT_TRUE(retried) << failed->reference_name << " failed with: " << failed->reason;
  EXPECT_EQ(Show(transcript_id)["status"], "ended");
}

}  // namespace
}  // namespace reflector::testing
