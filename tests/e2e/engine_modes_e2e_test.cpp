// The engine modes and the operators' commands on the real Conductor server, through the
// binaries with separate `reflector worker` processes: shadow mode (the primary in-process, the
// shadow on Conductor, their comparison agreeing exactly with the deterministic offline
// backends), `reflector shadow report`, and `reflector conductor retry|terminate`.

#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>

#include "conductor_fixture.hpp"
#include "core/ids.hpp"
#include "net/url.hpp"
#include "support/tcp_proxy.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

const engine::TaskRun* TaskNamed(const engine::WorkflowSnapshot& snapshot, const std::string& name) {
  for (const auto& task : snapshot.tasks) {
    if (task.task_name == name && task.status == engine::TaskStatus::kCompleted) return &task;
  }
  return nullptr;
}

// Checks a shadow run's comparison says the two runs agree exactly.
void ExpectExactAgreement(const Json& run) {
  ASSERT_EQ(run["status"], "compared") << run.dump(2);
  const Json& c = run["comparison"];
  EXPECT_EQ(run["agreed"], true) << c.dump(2);
  EXPECT_EQ(c["agreed"], true);
  EXPECT_EQ(c["differences"], Json::array());
  EXPECT_EQ(c["primary"]["engine"], "in_process");
  EXPECT_EQ(c["shadow"]["engine"], "conductor");
  EXPECT_EQ(c["primary"]["workflow_status"], "COMPLETED");
  EXPECT_EQ(c["shadow"]["workflow_status"], "COMPLETED");
  EXPECT_EQ(c["shadow"]["transcript_status"], "ended");
  EXPECT_EQ(c["title"]["equal"], true);
  EXPECT_FALSE(c["title"]["primary"].get<std::string>().empty());
  EXPECT_EQ(c["short_summary"]["equal"], true);
  EXPECT_EQ(c["long_summary"]["equal"], true);
  EXPECT_EQ(c["topics"]["titles_equal"], true);
  EXPECT_GT(c["topics"]["primary_count"].get<int>(), 0);
  EXPECT_EQ(c["topics"]["primary_count"], c["topics"]["shadow_count"]);
  EXPECT_GT(c["words"]["primary_count"].get<int>(), 5);
  EXPECT_EQ(c["words"]["primary_count"], c["words"]["shadow_count"]);
  EXPECT_EQ(c["words"]["word_error_rate"], 0.0);
  EXPECT_EQ(c["words"]["speaker_agreement"], 1.0);
  EXPECT_EQ(c["duration"]["difference"], 0.0);
  bool transcribed_on_both = false;
  for (const auto& step : c["steps"]) {
    transcribed_on_both =
        transcribed_on_both || (step["step"] == "transcribe_track" && step["primary_seconds"].is_number() &&
                                step["shadow_seconds"].is_number());
  }
  EXPECT_TRUE(transcribed_on_both) << c["steps"].dump();
}

TEST_F(ConductorEndToEndTest, ShadowRunOnConductorAgreesExactlyWithThePrimary) {
  auto tracks = SynthesiseMeeting(Speakers(2), dir_.path());
  engine_from_settings_ = true;
  env_["CONDUCTOR_ENABLED"] = "true";
  env_["CONDUCTOR_SHADOW_MODE"] = "true";
  StartWorker("worker-a", 2);
  StartWorker("worker-b", 2);
  auto result = RunCommand(ProcessArgs(tracks, ""), env_, 900s);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string id = TranscriptIdFrom(result.out);
  ASSERT_TRUE(IsUuid(id)) << result.out;
  EXPECT_NE(result.err.find("result:         AGREED"), std::string::npos) << result.err;
  Json shown = Show(id);
  EXPECT_EQ(shown["provenance"]["engine"], "in_process") << "the primary run is the in-process one";
  EXPECT_EQ(shown["status"], "ended");
  const store::Transcript primary = StoredTranscript(id);
  ASSERT_TRUE(primary.recording_id.has_value());
  const std::string recording = *primary.recording_id;
  EXPECT_EQ(RecordingWorkflowOf(id), primary.workflow_id.value_or("")) << "the recording keeps the primary's";

  auto report = RunCommand({reflector_, "shadow", "report", recording, "--json"}, env_, 120s);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  Json run = Json::parse(report.out);
  ExpectExactAgreement(run);
  EXPECT_EQ(run["primary"]["transcript_id"], id);
  const std::string shadow_id = run["shadow"]["transcript_id"].get<std::string>();
  const std::string shadow_workflow = run["shadow"]["workflow_id"].get<std::string>();

  // The shadow ran on Conductor with notifications off and its objects under shadow/.
  engine::WorkflowSnapshot shadow = Workflow(shadow_workflow);
  EXPECT_EQ(shadow.workflow.status, engine::WorkflowStatus::kCompleted);
  EXPECT_EQ(shadow.workflow.correlation_id, shadow_id);
  EXPECT_EQ(shadow.workflow.input["notifications"], false);
  EXPECT_EQ(shadow.workflow.input["storage_prefix"], "shadow/");
  EXPECT_EQ(shadow.workflow.input["delete_source_audio"], false);
  std::set<std::string> workers;
  for (const auto& task : shadow.tasks)
    if (!task.worker_id.empty()) workers.insert(task.worker_id);
  EXPECT_FALSE(workers.empty()) << "the worker processes ran the shadow's tasks";
  const engine::TaskRun* mixdown = TaskNamed(shadow, "mixdown_tracks");
  ASSERT_NE(mixdown, nullptr);
  EXPECT_EQ(mixdown->output.value("audio_key", ""), "shadow/" + shadow_id + "/audio.mp3");
  const engine::TaskRun* zulip = TaskNamed(shadow, "post_zulip");
  ASSERT_NE(zulip, nullptr);
  EXPECT_EQ(zulip->output.value("skipped", ""), "notifications are off for this run");
  const engine::TaskRun* webhook = TaskNamed(shadow, "send_webhook");
  ASSERT_NE(webhook, nullptr);
  EXPECT_EQ(webhook->output.value("skipped", ""), "notifications are off for this run");

  // The shadow transcript is hidden from the list.
  auto listed = RunCommand({reflector_, "transcripts", "list"}, env_, 60s);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(id), std::string::npos);
  EXPECT_EQ(listed.out.find(shadow_id), std::string::npos) << listed.out;

  // The report for people, of one recording and of every recent one.
  auto text = RunCommand({reflector_, "shadow", "report", recording}, env_, 120s);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("result:         AGREED"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("word error rate 0.000"), std::string::npos) << text.out;
  std::cout << "reflector shadow report " << recording << "\n" << text.out << std::flush;
  auto all = RunCommand({reflector_, "shadow", "report"}, env_, 120s);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find(recording), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("agreed"), std::string::npos) << all.out;
  std::cout << "reflector shadow report\n" << all.out << std::flush;
  auto unknown = RunCommand({reflector_, "shadow", "report", "no-such-recording"}, env_, 60s);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no shadow run for recording no-such-recording"), std::string::npos);
}

TEST_F(ConductorEndToEndTest, ConductorRetryRunsAFailedWorkflowAgainFromItsFailedTasks) {
  // No retries: the first storage outage fails the workflow.
  RegisterPipeline([](engine::TaskDef& def) { def.retry_count = 0; });
  auto endpoint = net::ParseUrl(s3_endpoint_);
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
  TcpProxy proxy(endpoint->host, endpoint->port, /*start_down=*/true);
  StartWorker("worker-a", 2,
              {{"TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(proxy.port())}});
  auto tracks = SynthesiseMeeting(Speakers(1), dir_.path());
  auto failed = RunCommand(ProcessArgs(tracks, ""), env_, 600s);
  ASSERT_EQ(failed.exit_code, 1) << failed.err;
  const std::string id = TranscriptIdFrom(failed.out);
  ASSERT_TRUE(IsUuid(id)) << failed.out;
  const std::string workflow_id = WorkflowOf(id);
  ASSERT_EQ(Workflow(workflow_id).workflow.status, engine::WorkflowStatus::kFailed);
  EXPECT_EQ(Show(id)["status"], "error");
  int completed_before = 0;
  for (const auto& task : Workflow(workflow_id).tasks)
    completed_before += task.status == engine::TaskStatus::kCompleted ? 1 : 0;

  proxy.SetDown(false);  // the outage is over: the operator retries
  auto retried = RunCommand({reflector_, "conductor", "retry", workflow_id}, env_, 60s);
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_NE(retried.out.find("workflow " + workflow_id + " (FAILED): retried from its failed tasks"),
            std::string::npos)
      << retried.out;
  EXPECT_NE(retried.out.find("transcript " + id + ": processing"), std::string::npos) << retried.out;
  ASSERT_TRUE(WaitForWorkflow(
      workflow_id, [](const engine::WorkflowSnapshot& s) { return engine::IsTerminal(s.workflow.status); },
      600s));
  engine::WorkflowSnapshot done = Workflow(workflow_id);
  EXPECT_EQ(done.workflow.status, engine::WorkflowStatus::kCompleted);
  int get_recording_runs = 0;
  for (const auto& task : done.tasks)
    get_recording_runs += task.task_name == "get_recording" ? 1 : 0;
  EXPECT_EQ(get_recording_runs, 1) << "completed tasks are not run again";
  EXPECT_GT(completed_before, 0);
  Json shown = Show(id);
  EXPECT_EQ(shown["status"], "ended");
  EXPECT_TRUE(shown["failure"].is_null()) << shown["failure"].dump();

  auto again = RunCommand({reflector_, "conductor", "retry", workflow_id}, env_, 60s);
  EXPECT_NE(again.exit_code, 0) << "a completed workflow has nothing to retry";
  EXPECT_NE(again.err.find("(the workflow is COMPLETED)"), std::string::npos) << again.err;
}

TEST_F(ConductorEndToEndTest, ConductorTerminateStopsAWorkflowAndRecordsItOnTheTranscript) {
  auto tracks = SynthesiseMeeting(Speakers(1), dir_.path());
  BackgroundCommand process(ProcessArgs(tracks, ""), env_);  // no worker: it waits
  auto [id, workflow_id] = Started(process);
  ASSERT_TRUE(IsUuid(id)) << process.ErrorsSoFar();
  ASSERT_FALSE(workflow_id.empty());
  // Stop following first (the workflow keeps running on Conductor), so what the command records
  // is all the transcript gets.
  auto detached = process.Kill(SIGINT);
  EXPECT_EQ(detached.exit_code, 130) << detached.err;
  auto stopped = RunCommand(
      {reflector_, "conductor", "terminate", workflow_id, "--reason", "stopped by the e2e test"}, env_, 60s);
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_NE(stopped.out.find("workflow " + workflow_id + " (RUNNING): terminated"), std::string::npos)
      << stopped.out;
  engine::WorkflowSnapshot snapshot = Workflow(workflow_id);
  EXPECT_EQ(snapshot.workflow.status, engine::WorkflowStatus::kTerminated);
  EXPECT_EQ(snapshot.workflow.reason, "stopped by the e2e test");
  Json shown = Show(id);
  EXPECT_EQ(shown["status"], "error");
  EXPECT_EQ(shown["failure"]["step"], "terminated");
  EXPECT_EQ(shown["failure"]["reason"], "stopped by the e2e test");

  auto unknown = RunCommand({reflector_, "conductor", "terminate", "no-such-workflow"}, env_, 60s);
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
}

}  // namespace
}  // namespace reflector::testing
