// The shared use cases over a real SQLite database and local object storage, with a scripted
// engine: what ProcessFiles stores and starts, what a refused start leaves behind, and how
// FollowRun reports a run and never leaves a transcript `processing`.

#include "service/processing.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <thread>

#include "fakes/engine_fake.hpp"
#include "service/follow.hpp"
#include "storage/factory.hpp"
#include "store/recordings.hpp"
#include "support/temp_dir.hpp"

namespace reflector::service {
namespace {

using namespace std::chrono_literals;

using testing::ScriptedEngine;

class RecordingObserver final : public RunObserver {
 public:
  void OnEvent(const events::Event& event) override { seqs.push_back(event.seq); }
  void OnNotice(std::string_view notice) override { notices.emplace_back(notice); }
  std::vector<std::int64_t> seqs;
  std::vector<std::string> notices;
};

class ProcessingTest : public ::testing::Test {
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
    context_.database = database_.get();
    context_.clock = &clock_;
    context_.ids = &ids_;
    context_.storage = storage_.get();
    context_.bucket = "bucket";
    context_.engine = &engine_;
    context_.pipeline_name = "diarization_pipeline";
    std::ofstream(dir_ / "ana.webm") << "ana's audio";
    std::ofstream(dir_ / "ben.webm") << "ben's audio";
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

  testing::TempDir dir_{"reflector-service"};
  SystemClock clock_;
  RandomIdGenerator ids_{3};
  net::HttpClient http_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<storage::ObjectStoreFactory> storage_;
  ScriptedEngine engine_;
  ServiceContext context_;
};

TEST_F(ProcessingTest, StoresTheTracksCreatesTheRecordsAndStartsThePipeline) {
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok()) << started.error().message;
  ASSERT_EQ(engine_.started.size(), 1U);
  const auto& call = engine_.started[0];
  EXPECT_EQ(call.workflow, "diarization_pipeline");
  EXPECT_EQ(call.correlation_id, started->transcript_id);
  EXPECT_EQ(call.input["transcript_id"], started->transcript_id);
  EXPECT_EQ(call.input["recording_id"], started->recording_id);
  EXPECT_EQ(call.input["platform"], "local");
  ASSERT_EQ(call.input["tracks"].size(), 2U);
  EXPECT_EQ(call.input["tracks"][1]["participant_name"], "Ben");

  auto bucket = storage_->ForBucket("bucket");
  ASSERT_TRUE(bucket.ok());
  for (const auto& track : call.input["tracks"])
    EXPECT_TRUE(*(*bucket)->Exists(track["s3_key"].get<std::string>())) << track.dump();

  store::Transcript transcript = TranscriptOf(started->transcript_id);
  EXPECT_EQ(transcript.workflow_id, started->workflow_id);
  EXPECT_EQ(transcript.engine, "in_process");
  store::Recordings recordings(*database_, clock_);
  EXPECT_EQ(recordings.Get(started->recording_id)->workflow_id, started->workflow_id);
}

TEST_F(ProcessingTest, AnUnknownRoomIsNotFoundAndNothingIsStarted) {
  ProcessRequest request = TwoTracks();
  request.room_name = "no-such-room";
  auto started = ProcessFiles(context_, request);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(started.error().message.find("no-such-room"), std::string::npos) << started.error().message;
  EXPECT_TRUE(engine_.started.empty());
  store::Transcripts transcripts(*database_, clock_);
  EXPECT_TRUE(transcripts.List()->empty());
}

TEST_F(ProcessingTest, ARefusedStartMarksTheTranscriptError) {
  engine_.refuse_start = Error::Transient(ErrorKind::kUnavailable, "Conductor at http://x is not available");
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_FALSE(started.ok());
  EXPECT_TRUE(started.error().retryable);
  store::Transcripts transcripts(*database_, clock_);
  auto list = transcripts.List();
  ASSERT_EQ(list->size(), 1U);
  EXPECT_EQ(list->front().status, store::TranscriptStatus::kError);
  EXPECT_EQ(list->front().failed_step, "start");
  EXPECT_NE(list->front().failure_reason->find("not available"), std::string::npos);
}

TEST_F(ProcessingTest, FollowDeliversEveryEventOnceAndReturnsTheFinalStatus) {
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok());
  store::TranscriptEvents events(*database_, clock_);
  ASSERT_TRUE(events.Append(started->transcript_id, "STATUS", {{"value", "processing"}}).ok());
  ASSERT_TRUE(events.Append(started->transcript_id, "DURATION", {{"duration", 1.0}}).ok());
  std::jthread finisher([&] {
    std::this_thread::sleep_for(300ms);
    (void)events.Append(started->transcript_id, "STATUS", {{"value", "ended"}});
    std::lock_guard lock(engine_.mutex);
    engine_.status = engine::WorkflowStatus::kCompleted;
  });
  RecordingObserver observer;
  FollowOptions options;
  options.poll_interval = 20ms;
  auto status = FollowRun(context_, started->transcript_id, started->workflow_id, observer, {}, options);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(*status, engine::WorkflowStatus::kCompleted);
  EXPECT_EQ(observer.seqs, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(ProcessingTest, ATerminatedRunIsRecordedAsAFailureAtOnce) {
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok());
  engine_.status = engine::WorkflowStatus::kTerminated;
  engine_.reason = "operator stopped it";
  RecordingObserver observer;
  FollowOptions options;
  options.failure_record_wait = 600s;  // a terminated run has no failure workflow to wait for
  auto status = FollowRun(context_, started->transcript_id, started->workflow_id, observer, {}, options);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(*status, engine::WorkflowStatus::kTerminated);
  store::Transcript transcript = TranscriptOf(started->transcript_id);
  EXPECT_EQ(transcript.status, store::TranscriptStatus::kError);
  EXPECT_EQ(transcript.failure_reason, "operator stopped it");
}

TEST_F(ProcessingTest, StoppingTheFollowerSaysWhatBecomesOfTheRun) {
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok());
  RecordingObserver observer;
  std::stop_source stop;
  stop.request_stop();
  auto in_process =
      FollowRun(context_, started->transcript_id, started->workflow_id, observer, stop.get_token());
  ASSERT_FALSE(in_process.ok());
  EXPECT_EQ(in_process.error().kind, ErrorKind::kCancelled);
  EXPECT_NE(in_process.error().message.find("reflector resume " + started->transcript_id), std::string::npos);
  engine_.name = "conductor";
  auto conductor =
      FollowRun(context_, started->transcript_id, started->workflow_id, observer, stop.get_token());
  ASSERT_FALSE(conductor.ok());
  EXPECT_NE(conductor.error().message.find("keeps running on Conductor"), std::string::npos);
}

TEST_F(ProcessingTest, ResumeNeedsTheEngineThatRanTheWorkflow) {
  auto started = ProcessFiles(context_, TwoTracks());
  ASSERT_TRUE(started.ok());
  auto resumed = ResumeRun(context_, started->transcript_id);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(*resumed, started->workflow_id);
  EXPECT_EQ(engine_.resumed, std::vector<std::string>{started->workflow_id});

  engine_.name = "conductor";
  auto elsewhere = ResumeRun(context_, started->transcript_id);
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(elsewhere.error().message.find("CONDUCTOR_ENABLED=false"), std::string::npos)
      << elsewhere.error().message;
}

}  // namespace
}  // namespace reflector::service
