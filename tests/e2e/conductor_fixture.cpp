#include "conductor_fixture.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/ids.hpp"
#include "store/recordings.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {

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

void ConductorEndToEndTest::SetUp() {
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
  client_ = std::make_unique<engine::ConductorClient>(http_, engine::ConductorClientOptions{conductor_url_});
  RegisterPipeline([](engine::TaskDef&) {});
}

void ConductorEndToEndTest::TearDown() {
  workers_.clear();
  if (client_) RegisterPipeline([](engine::TaskDef&) {});  // the shipped definitions again
}

// Starts `reflector worker` in the background with its own data directory.
std::string ConductorEndToEndTest::StartWorker(const std::string& name, int concurrency,
                                               std::map<std::string, std::string> overrides) {
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

std::vector<std::string> ConductorEndToEndTest::ProcessArgs(const std::vector<SpokenTrack>& tracks,
                                                            const std::string& output) {
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

Json ConductorEndToEndTest::Show(const std::string& id) {
  auto result = RunCommand({reflector_, "transcripts", "show", id, "--json"}, env_, 60s);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.exit_code == 0 ? Json::parse(result.out) : Json::object();
}

engine::WorkflowSnapshot ConductorEndToEndTest::Workflow(const std::string& workflow_id) {
  auto snapshot = client_->GetWorkflow(workflow_id);
  EXPECT_TRUE(snapshot.ok()) << snapshot.error().message;
  return snapshot.ok() ? *snapshot : engine::WorkflowSnapshot{};
}

// The workflow of a transcript, found by its correlation id (the transcript id).
std::string ConductorEndToEndTest::WorkflowOf(const std::string& transcript_id) {
  for (int i = 0; i < 100; ++i) {
    auto ids =
        client_->FindWorkflowsByCorrelationId(std::string(pipeline::kPipelineWorkflowName), transcript_id);
    if (ids.ok() && !ids->empty()) return ids->front();
    std::this_thread::sleep_for(100ms);
  }
  return "";
}

// The transcript a background `process` announced and its workflow ("" when none came).
std::pair<std::string, std::string> ConductorEndToEndTest::Started(const BackgroundCommand& process) {
  std::string transcript_id;
  for (int i = 0; i < 600 && transcript_id.empty(); ++i) {
    transcript_id = TranscriptIdFrom(process.OutputSoFar());
    if (transcript_id.empty()) std::this_thread::sleep_for(100ms);
  }
  if (transcript_id.empty()) return {};
  return {transcript_id, WorkflowOf(transcript_id)};
}

// Runs a meeting of `tracks` to the end and checks the transcript; returns the workflow.
engine::WorkflowSnapshot ConductorEndToEndTest::ProcessAndCheck(const std::vector<SpokenTrack>& tracks) {
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
  // STATE-001: the recording keeps the id of the Conductor workflow that processed it.
  EXPECT_EQ(RecordingWorkflowOf(id), workflow_id);
  std::set<int> transcribed;
  for (const auto& task : snapshot.tasks) {
    if (task.task_name == "transcribe_track" && task.status == engine::TaskStatus::kCompleted) {
      transcribed.insert(task.input.value("track_index", -1));
    }
  }
  EXPECT_EQ(transcribed.size(), tracks.size()) << "one transcription per track through the dynamic fork";
  return snapshot;
}

store::Transcript ConductorEndToEndTest::StoredTranscript(const std::string& id) {
  auto database = store::Database::Open(database_->url());
  EXPECT_TRUE(database.ok()) << database.error().message;
  if (!database.ok()) return {};
  SystemClock clock;
  store::Transcripts transcripts(**database, clock);
  auto transcript = transcripts.Get(id);
  EXPECT_TRUE(transcript.ok()) << transcript.error().message;
  return transcript.ok() ? *transcript : store::Transcript{};
}

std::string ConductorEndToEndTest::RecordingWorkflowOf(const std::string& transcript_id) {
  store::Transcript transcript = StoredTranscript(transcript_id);
  if (!transcript.recording_id) return "";
  auto database = store::Database::Open(database_->url());
  if (!database.ok()) return "";
  SystemClock clock;
  store::Recordings recordings(**database, clock);
  auto recording = recordings.Get(*transcript.recording_id);
  EXPECT_TRUE(recording.ok()) << recording.error().message;
  return recording.ok() ? recording->workflow_id.value_or("") : "";
}

}  // namespace reflector::testing
