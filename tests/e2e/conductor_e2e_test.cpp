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

#include "conductor_fixture.hpp"
#include "core/ids.hpp"
#include "net/url.hpp"
#include "support/tcp_proxy.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

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
