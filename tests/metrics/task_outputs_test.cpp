// The output fields WorkflowMetrics reads are the ones the pipeline's tasks write: real task
// outputs (through the pipeline fixture) in a snapshot make the transcription and LLM counters
// move.

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "metrics/workflow_metrics.hpp"
#include "pipeline/caching_summarizer.hpp"
#include "pipeline_fixture.hpp"

namespace reflector::metrics {
namespace {

std::optional<double> Sample(const Registry& registry, const std::string& series) {
  std::istringstream lines(registry.Render());
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

class TaskOutputsTest : public ::testing::Test {
 protected:
  // A completed attempt of `task` with `output`, as an engine records it.
  void AddAttempt(const std::string& task, const std::string& ref, const Json& output) {
    engine::TaskRun run;
    run.id = "task-" + std::to_string(snapshot_.tasks.size());
    run.workflow_id = snapshot_.workflow.id;
    run.reference_name = ref;
    run.task_name = task;
    run.task_type = std::string(engine::kSimpleType);
    run.status = engine::TaskStatus::kCompleted;
    run.output = output;
    run.start_time = clock_.Now() + std::chrono::seconds(1);
    run.end_time = run.start_time + std::chrono::seconds(2);
    snapshot_.tasks.push_back(run);
  }

  pipeline::PipelineFixture f;
  ManualClock clock_;
  Registry registry_;
  WorkflowMetrics metrics_{registry_, clock_};
  engine::WorkflowSnapshot snapshot_ = [] {
    engine::WorkflowSnapshot snapshot;
    snapshot.workflow.id = "wf-outputs";
    snapshot.workflow.name = "diarization_pipeline";
    return snapshot;
  }();
};

TEST_F(TaskOutputsTest, TranscriptionAndLlmOutputsFeedTheCounters) {
  pipeline::CachingSummarizer caching(f.summarizer, *f.database, f.clock);
  f.services.summarizer = &caching;
  std::string id = f.CreateTranscript();
  std::ofstream(f.dir / "audio.bin") << "not decoded by the fake";
  ASSERT_TRUE(f.Put("p/track0.webm", f.dir / "audio.bin").ok());
  Json transcribe = {{"transcript_id", id},
                     {"track_index", 0},
                     {"track_count", 1},
                     {"padded", {{"bucket", f.bucket}, {"key", "p/track0.webm"}}}};
  for (int run = 0; run < 2; ++run) {  // made, then cached
    auto output = f.Run("transcribe_track", transcribe, run);
    ASSERT_TRUE(output.ok()) << output.error().message;
    AddAttempt("transcribe_track", "transcribe_track_0", *output);
  }
  ASSERT_TRUE(
      f.Run("merge_transcripts",
            Json{{"transcript_id", id}, {"transcripts", {{"transcribe_track_0", snapshot_.tasks[0].output}}}})
          .ok());
  auto topics =
      f.Run("detect_topics", Json{{"transcript_id", id}, {"words_key", pipeline::MergedWordsKey(id)}});
  ASSERT_TRUE(topics.ok()) << topics.error().message;
  AddAttempt("detect_topics", "detect_topics", *topics);
  for (int run = 0; run < 2; ++run) {  // made, then cached
    auto title = f.Run("generate_title", Json{{"transcript_id", id}});
    ASSERT_TRUE(title.ok()) << title.error().message;
    AddAttempt("generate_title", "generate_title", *title);
  }
  const double topic_calls = (*topics)["topic_count"].get<double>();
  ASSERT_GT(topic_calls, 0);

  metrics_.Observe(snapshot_);
  metrics_.Observe(snapshot_);
  EXPECT_EQ(Sample(registry_, "reflector_transcriptions_total{result=\"made\"}"), 1);
  EXPECT_EQ(Sample(registry_, "reflector_transcriptions_total{result=\"cached\"}"), 1);
  EXPECT_EQ(Sample(registry_, "reflector_llm_calls_total{result=\"made\"}"), topic_calls + 1);
  EXPECT_EQ(Sample(registry_, "reflector_llm_calls_total{result=\"cached\"}"), 1);
  EXPECT_EQ(Sample(registry_, "reflector_step_attempts_total{step=\"transcribe_track\"}"), 2);
}

}  // namespace
}  // namespace reflector::metrics
