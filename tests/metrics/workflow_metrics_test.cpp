// WorkflowMetrics fed with hand-built snapshots, as the server would feed it from either engine.

#include "metrics/workflow_metrics.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>

namespace reflector::metrics {
namespace {

using engine::TaskRun;
using engine::TaskStatus;
using engine::WorkflowSnapshot;
using engine::WorkflowStatus;
using std::chrono::seconds;

// The value of one series ("name{labels}") in Render's text; nullopt when absent.
std::optional<double> Sample(const Registry& registry, const std::string& series) {
  std::istringstream lines(registry.Render());
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

class WorkflowMetricsTest : public ::testing::Test {
 protected:
  // Seconds after the metrics were made (negative: before).
  WallTime At(int offset) const { return start_ + seconds(offset); }

  TaskRun Task(const std::string& id, const std::string& ref, const std::string& name, TaskStatus status,
               std::optional<int> started, std::optional<int> ended, int retry_count = 0) const {
    TaskRun task;
    task.id = id;
    task.workflow_id = "wf-1";
    task.reference_name = ref;
    task.task_name = name;
    task.task_type = std::string(engine::kSimpleType);
    task.status = status;
    task.retry_count = retry_count;
    task.scheduled_time = At(started.value_or(ended.value_or(1)));
    if (started) task.start_time = At(*started);
    if (ended) task.end_time = At(*ended);
    task.update_time = task.end_time != WallTime{} ? task.end_time : task.scheduled_time;
    return task;
  }

  WorkflowSnapshot Workflow(WorkflowStatus status, std::optional<int> ended = {},
                            std::string id = "wf-1") const {
    WorkflowSnapshot snapshot;
    snapshot.workflow.id = std::move(id);
    snapshot.workflow.name = "diarization_pipeline";
    snapshot.workflow.status = status;
    snapshot.workflow.create_time = At(0);
    if (ended) snapshot.workflow.end_time = At(*ended);
    return snapshot;
  }

  std::optional<double> Value(const std::string& series) const { return Sample(registry_, series); }

  ManualClock clock_;
  WallTime start_ = clock_.Now();
  Registry registry_;
  WorkflowMetrics metrics_{registry_, clock_};
};

TEST_F(WorkflowMetricsTest, RepeatedObservationsCountEachAttemptOnce) {
  WorkflowSnapshot snapshot = Workflow(WorkflowStatus::kRunning);
  snapshot.tasks.push_back(Task("t1", "get_recording", "get_recording", TaskStatus::kCompleted, 1, 3));
  snapshot.tasks.push_back(Task("t2", "pad_track_0", "pad_track", TaskStatus::kInProgress, 4, {}));
  metrics_.Observe(snapshot);
  metrics_.Observe(snapshot);

  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"get_recording\"}"), 1);
  EXPECT_EQ(Value("reflector_step_duration_seconds_count{step=\"get_recording\"}"), 1);
  EXPECT_EQ(Value("reflector_step_duration_seconds_sum{step=\"get_recording\"}"), 2);
  EXPECT_EQ(Value("reflector_step_duration_seconds_bucket{step=\"get_recording\",le=\"1\"}"), 0);
  EXPECT_EQ(Value("reflector_step_duration_seconds_bucket{step=\"get_recording\",le=\"2.5\"}"), 1);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"pad_track\"}"), std::nullopt);
  EXPECT_EQ(Value("reflector_workflows_in_flight{workflow=\"diarization_pipeline\"}"), 1);

  snapshot.tasks[1] = Task("t2", "pad_track_0", "pad_track", TaskStatus::kCompleted, 4, 10);
  for (int i = 0; i < 3; ++i)
    metrics_.Observe(snapshot);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"pad_track\"}"), 1);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"get_recording\"}"), 1);
  EXPECT_EQ(Value("reflector_step_failures_total{step=\"pad_track\"}"), std::nullopt);
  EXPECT_EQ(Value("reflector_step_duration_seconds_sum{step=\"pad_track\"}"), 6);
}

TEST_F(WorkflowMetricsTest, RetriesFailuresAndTranscriptionsMadeOrCached) {
  WorkflowSnapshot snapshot = Workflow(WorkflowStatus::kRunning);
  TaskRun failed = Task("a1", "transcribe_track_0", "transcribe_track", TaskStatus::kFailed, 1, 2);
  failed.retried = true;
  snapshot.tasks.push_back(failed);
  snapshot.tasks.push_back(
      Task("a2", "transcribe_track_0", "transcribe_track", TaskStatus::kScheduled, {}, {}, 1));
  metrics_.Observe(snapshot);
  metrics_.Observe(snapshot);

  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"transcribe_track\"}"), 1);
  EXPECT_EQ(Value("reflector_step_failures_total{step=\"transcribe_track\"}"), 1);
  EXPECT_EQ(Value("reflector_step_retries_total{step=\"transcribe_track\"}"), 1);
  EXPECT_EQ(Value("reflector_transcriptions_total{result=\"made\"}"), 0);

  snapshot.tasks[1] = Task("a2", "transcribe_track_0", "transcribe_track", TaskStatus::kCompleted, 5, 9, 1);
  snapshot.tasks[1].output = Json{{"words_key", "k0"}, {"cached", false}};
  TaskRun other = Task("b1", "transcribe_track_1", "transcribe_track", TaskStatus::kCompleted, 5, 6);
  other.output = Json{{"words_key", "k1"}, {"cached", true}};
  snapshot.tasks.push_back(other);
  metrics_.Observe(snapshot);
  metrics_.Observe(snapshot);

  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"transcribe_track\"}"), 3);
  EXPECT_EQ(Value("reflector_step_failures_total{step=\"transcribe_track\"}"), 1);
  EXPECT_EQ(Value("reflector_step_retries_total{step=\"transcribe_track\"}"), 1);
  EXPECT_EQ(Value("reflector_transcriptions_total{result=\"made\"}"), 1);
  EXPECT_EQ(Value("reflector_transcriptions_total{result=\"cached\"}"), 1);
}

TEST_F(WorkflowMetricsTest, AWorkflowEndIsCountedOnceWithItsLlmCalls) {
  WorkflowSnapshot snapshot = Workflow(WorkflowStatus::kRunning);
  snapshot.tasks.push_back(Task("t1", "detect_topics", "detect_topics", TaskStatus::kCompleted, 1, 2));
  snapshot.tasks.back().output = Json{{"topic_count", 3}, {"llm_calls_made", 2}, {"llm_calls_cached", 1}};
  metrics_.Observe(snapshot);
  EXPECT_EQ(Value("reflector_workflows_in_flight{workflow=\"diarization_pipeline\"}"), 1);
  EXPECT_EQ(Value("reflector_workflows_total{workflow=\"diarization_pipeline\",status=\"COMPLETED\"}"),
            std::nullopt);

  snapshot.workflow.status = WorkflowStatus::kCompleted;
  snapshot.workflow.end_time = At(5);
  snapshot.tasks.push_back(Task("t2", "generate_title", "generate_title", TaskStatus::kCompleted, 3, 4));
  snapshot.tasks.back().output = Json{{"title", "T"}, {"llm_calls_made", 1}, {"llm_calls_cached", 0}};
  for (int i = 0; i < 3; ++i)
    metrics_.Observe(snapshot);

  EXPECT_EQ(Value("reflector_workflows_total{workflow=\"diarization_pipeline\",status=\"COMPLETED\"}"), 1);
  EXPECT_EQ(Value("reflector_workflows_in_flight{workflow=\"diarization_pipeline\"}"), 0);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"detect_topics\"}"), 1);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"generate_title\"}"), 1);
  EXPECT_EQ(Value("reflector_llm_calls_total{result=\"made\"}"), 3);
  EXPECT_EQ(Value("reflector_llm_calls_total{result=\"cached\"}"), 1);
}

TEST_F(WorkflowMetricsTest, WhatEndedBeforeTheMetricsExistedIsNotCounted) {
  WorkflowSnapshot old = Workflow(WorkflowStatus::kFailed, -10, "wf-old");
  old.tasks.push_back(Task("o1", "get_recording", "get_recording", TaskStatus::kFailed, -20, -15));
  metrics_.Observe(old);
  EXPECT_EQ(Value("reflector_workflows_total{workflow=\"diarization_pipeline\",status=\"FAILED\"}"),
            std::nullopt);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"get_recording\"}"), std::nullopt);

  WorkflowSnapshot running = Workflow(WorkflowStatus::kRunning);
  running.tasks.push_back(Task("r1", "get_recording", "get_recording", TaskStatus::kCompleted, -5, -4));
  running.tasks.push_back(Task("r2", "get_participants", "get_participants", TaskStatus::kCompleted, -3, 1));
  metrics_.Observe(running);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"get_recording\"}"), std::nullopt);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"get_participants\"}"), 1);
  EXPECT_EQ(Value("reflector_workflows_in_flight{workflow=\"diarization_pipeline\"}"), 1);
}

TEST_F(WorkflowMetricsTest, AWorkflowRunAgainCountsOnlyWhatFollowsItsFirstEnd) {
  WorkflowSnapshot snapshot = Workflow(WorkflowStatus::kFailed, 10);
  TaskRun failed =
      Task("t1", "merge_transcripts", "merge_transcripts", TaskStatus::kFailedWithTerminalError, 2, 9);
  snapshot.tasks.push_back(Task("t0", "get_recording", "get_recording", TaskStatus::kCompleted, 1, 2));
  snapshot.tasks.push_back(failed);
  metrics_.Observe(snapshot);
  metrics_.Observe(snapshot);
  EXPECT_EQ(Value("reflector_workflows_total{workflow=\"diarization_pipeline\",status=\"FAILED\"}"), 1);
  EXPECT_EQ(Value("reflector_step_failures_total{step=\"merge_transcripts\"}"), 1);

  // Engine::Retry: the same id runs again, with a new attempt of the failed task.
  snapshot.workflow.status = WorkflowStatus::kRunning;
  snapshot.workflow.end_time = {};
  snapshot.tasks.push_back(
      Task("t2", "merge_transcripts", "merge_transcripts", TaskStatus::kInProgress, 20, {}, 1));
  metrics_.Observe(snapshot);
  EXPECT_EQ(Value("reflector_workflows_in_flight{workflow=\"diarization_pipeline\"}"), 1);
  EXPECT_EQ(Value("reflector_step_retries_total{step=\"merge_transcripts\"}"), 1);

  snapshot.workflow.status = WorkflowStatus::kCompleted;
  snapshot.workflow.end_time = At(30);
  snapshot.tasks.back() =
      Task("t2", "merge_transcripts", "merge_transcripts", TaskStatus::kCompleted, 20, 25, 1);
  metrics_.Observe(snapshot);
  metrics_.Observe(snapshot);
  EXPECT_EQ(Value("reflector_workflows_total{workflow=\"diarization_pipeline\",status=\"FAILED\"}"), 1);
  EXPECT_EQ(Value("reflector_workflows_total{workflow=\"diarization_pipeline\",status=\"COMPLETED\"}"), 1);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"merge_transcripts\"}"), 2);
  EXPECT_EQ(Value("reflector_step_failures_total{step=\"merge_transcripts\"}"), 1);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"get_recording\"}"), 1);
  EXPECT_EQ(Value("reflector_workflows_in_flight{workflow=\"diarization_pipeline\"}"), 0);
}

TEST_F(WorkflowMetricsTest, OnlyStepsThatRanOrFailedAreAttempts) {
  WorkflowSnapshot snapshot = Workflow(WorkflowStatus::kTerminated, 9);
  snapshot.tasks.push_back(Task("s", "post_zulip", "post_zulip", TaskStatus::kSkipped, {}, 2));
  snapshot.tasks.push_back(Task("c", "finalize", "finalize", TaskStatus::kCanceled, {}, 3));
  snapshot.tasks.push_back(Task("r", "send_webhook", "send_webhook", TaskStatus::kCanceled, 2, 3));
  snapshot.tasks.push_back(Task("q", "generate_waveform", "generate_waveform", TaskStatus::kTimedOut, {}, 4));
  TaskRun fork = Task("f", "fork_transcription", "fork_transcription", TaskStatus::kCompleted, 1, 2);
  fork.task_type = std::string(engine::kForkType);
  snapshot.tasks.push_back(fork);
  metrics_.Observe(snapshot);

  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"post_zulip\"}"), std::nullopt);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"finalize\"}"), std::nullopt);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"send_webhook\"}"), 1);
  EXPECT_EQ(Value("reflector_step_failures_total{step=\"send_webhook\"}"), std::nullopt);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"generate_waveform\"}"), 1);
  EXPECT_EQ(Value("reflector_step_failures_total{step=\"generate_waveform\"}"), 1);
  EXPECT_EQ(Value("reflector_step_duration_seconds_count{step=\"generate_waveform\"}"), std::nullopt);
  EXPECT_EQ(Value("reflector_step_attempts_total{step=\"fork_transcription\"}"), std::nullopt);
  EXPECT_EQ(Value("reflector_workflows_total{workflow=\"diarization_pipeline\",status=\"TERMINATED\"}"), 1);
}

TEST_F(WorkflowMetricsTest, StepIsTheReferenceNameWithoutADynamicForkIndex) {
  TaskRun task;
  task.task_name = "transcribe_track";
  task.reference_name = "transcribe_track_12";
  EXPECT_EQ(WorkflowMetrics::StepOf(task), "transcribe_track");
  task.reference_name = "transcribe_track_x";
  EXPECT_EQ(WorkflowMetrics::StepOf(task), "transcribe_track_x");
  task.reference_name = "transcribe_track_";
  EXPECT_EQ(WorkflowMetrics::StepOf(task), "transcribe_track_");
  task.task_name = "generate_dynamic_fork_tasks";
  task.reference_name = "generate_padding_tasks";
  EXPECT_EQ(WorkflowMetrics::StepOf(task), "generate_padding_tasks");
  task.reference_name.clear();
  EXPECT_EQ(WorkflowMetrics::StepOf(task), "generate_dynamic_fork_tasks");
}

TEST(WorkflowMetricsBoundsTest, RunningAndEndedWorkflowsAreRememberedWithinBounds) {
  ManualClock clock;
  Registry registry;
  WorkflowMetricsOptions options;
  options.max_running_workflows = 2;
  options.max_ended_workflows = 1;
  options.forget_unobserved_after = seconds(60);
  WorkflowMetrics metrics(registry, clock, options);
  const std::string in_flight = "reflector_workflows_in_flight{workflow=\"w\"}";
  const std::string completed = "reflector_workflows_total{workflow=\"w\",status=\"COMPLETED\"}";
  auto snapshot = [&](const std::string& id, WorkflowStatus status) {
    WorkflowSnapshot s;
    s.workflow.id = id;
    s.workflow.name = "w";
    s.workflow.status = status;
    if (engine::IsTerminal(status)) s.workflow.end_time = clock.Now();
    return s;
  };
  clock.Advance(seconds(1));

  for (const char* id : {"a", "b", "c"})
    metrics.Observe(snapshot(id, WorkflowStatus::kRunning));
  EXPECT_EQ(Sample(registry, in_flight), 2);  // "a" was forgotten: the least recently observed

  clock.Advance(seconds(61));
  metrics.Observe(snapshot("d", WorkflowStatus::kRunning));
  EXPECT_EQ(Sample(registry, in_flight), 1);  // "b" and "c" went unobserved too long

  WorkflowSnapshot ended_d = snapshot("d", WorkflowStatus::kCompleted);
  metrics.Observe(ended_d);
  metrics.Observe(ended_d);
  EXPECT_EQ(Sample(registry, completed), 1);
  EXPECT_EQ(Sample(registry, in_flight), 0);

  clock.Advance(seconds(1));
  metrics.Observe(snapshot("e", WorkflowStatus::kCompleted));
  EXPECT_EQ(Sample(registry, completed), 2);
  metrics.Observe(ended_d);  // only one ended workflow is remembered: "d" was forgotten
  EXPECT_EQ(Sample(registry, completed), 3);
}

}  // namespace
}  // namespace reflector::metrics
