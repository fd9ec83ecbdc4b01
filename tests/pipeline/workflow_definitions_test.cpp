#include "pipeline/workflow_definitions.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace reflector::pipeline {
namespace {

const PipelineDefinitions& Definitions() {
  const auto& loaded = LoadPipelineDefinitions();
  EXPECT_TRUE(loaded.ok()) << loaded.error().message;
  return loaded.value();
}

TEST(WorkflowDefinitionsTest, EmbeddedDefinitionsParseAndValidate) {
  const auto& loaded = LoadPipelineDefinitions();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->pipeline.name, kPipelineWorkflowName);
  EXPECT_EQ(loaded->pipeline.failure_workflow, kFailureWorkflowName);
  EXPECT_EQ(loaded->failure.name, kFailureWorkflowName);
}

TEST(WorkflowDefinitionsTest, EveryTaskTypeHasADefinitionWithTheSeedTimeouts) {
  const auto& defs = Definitions().task_defs;
  struct Expected {
    const char* name;
    int timeout;
    int response_timeout;
    int retries;
  };
  // The seed's appendix table, except that tasks the seed retries 3 times are retried 5 times
  // here: 2+4+8+16+32 s of backoff outlast a 30 s outage of storage or the LLM (docs/reliability.md).
  for (const Expected& e : std::initializer_list<Expected>{{"get_recording", 60, 30, 5},
                                                           {"get_participants", 60, 30, 5},
                                                           {"pad_track", 300, 120, 5},
                                                           {"mixdown_tracks", 600, 300, 5},
                                                           {"generate_waveform", 120, 60, 5},
                                                           {"transcribe_track", 1800, 900, 5},
                                                           {"merge_transcripts", 60, 30, 5},
                                                           {"detect_topics", 300, 120, 5},
                                                           {"generate_title", 60, 30, 5},
                                                           {"generate_summary", 300, 120, 5},
                                                           {"finalize", 60, 30, 5},
                                                           {"cleanup_consent", 60, 30, 5},
                                                           {"post_zulip", 60, 30, 5},
                                                           {"send_webhook", 60, 30, 30}}) {
    auto it = defs.find(e.name);
    ASSERT_NE(it, defs.end()) << e.name;
    EXPECT_EQ(it->second.timeout_seconds, e.timeout) << e.name;
    EXPECT_EQ(it->second.response_timeout_seconds, e.response_timeout) << e.name;
    EXPECT_EQ(it->second.retry_count, e.retries) << e.name;
    EXPECT_EQ(it->second.timeout_policy, engine::TimeoutPolicy::kRetry) << e.name;
    EXPECT_FALSE(it->second.owner_email.empty()) << e.name;
  }
  EXPECT_EQ(defs.at("pad_track").retry_logic, engine::RetryLogic::kExponentialBackoff);
  for (const engine::WorkflowTask* task : engine::AllTasks(Definitions().pipeline)) {
    if (task->type == engine::TaskType::kSimple) {
      EXPECT_EQ(defs.count(task->name), 1U) << task->name;
    }
  }
}

TEST(WorkflowDefinitionsTest, RunFlagsOfAShadowRunReachTheTasksThatUseThem) {
  const auto& pipeline = Definitions().pipeline;
  EXPECT_GE(pipeline.version, 2) << "version 2 added notifications, storage_prefix and delete_source_audio";
  std::map<std::string, std::set<std::string>> flags;
  for (const engine::WorkflowTask* task : engine::AllTasks(pipeline)) {
    for (const char* flag : {"notifications", "storage_prefix", "delete_source_audio"}) {
      auto found = task->input_parameters.find(flag);
      if (found == task->input_parameters.end()) continue;
      EXPECT_EQ(*found, "${workflow.input." + std::string(flag) + "}") << task->reference_name;
      flags[flag].insert(task->reference_name);
    }
  }
  EXPECT_EQ(flags["notifications"], (std::set<std::string>{"post_zulip", "send_webhook"}));
  EXPECT_EQ(flags["delete_source_audio"], (std::set<std::string>{"cleanup_consent"}));
  // Every task that writes objects (pad_track and transcribe_track through their fork generators).
  EXPECT_EQ(flags["storage_prefix"],
            (std::set<std::string>{"generate_padding_tasks", "generate_transcription_tasks", "mixdown_tracks",
                                   "generate_waveform", "merge_transcripts", "cleanup_consent"}));
  for (const char* flag : {"notifications", "storage_prefix", "delete_source_audio"}) {
    EXPECT_NE(std::find(pipeline.input_parameters.begin(), pipeline.input_parameters.end(), flag),
              pipeline.input_parameters.end())
        << flag;
  }
}

TEST(WorkflowDefinitionsTest, GraphShapeMatchesTheArchitecture) {
  const auto& pipeline = Definitions().pipeline;
  std::vector<std::string> top;
  for (const auto& task : pipeline.tasks)
    top.push_back(task.reference_name);
  EXPECT_EQ(top, (std::vector<std::string>{
                     "get_recording", "get_participants", "generate_padding_tasks", "fork_track_padding",
                     "join_padding", "fork_audio_and_transcription", "join_audio_and_transcription",
                     "merge_transcripts", "detect_topics", "fork_generation", "join_generation", "finalize",
                     "cleanup_consent", "post_zulip", "send_webhook"}));
  // Transcription does not wait for the mixdown: they are sibling branches.
  const auto& fork = pipeline.tasks[5];
  ASSERT_EQ(fork.fork_tasks.size(), 2U);
  EXPECT_EQ(fork.fork_tasks[0].front().reference_name, "mixdown_tracks");
  EXPECT_EQ(fork.fork_tasks[1].front().reference_name, "generate_transcription_tasks");
}

TEST(WorkflowDefinitionsTest, StepListComesFromTheDefinition) {
  EXPECT_EQ(PipelineStepNames(Definitions()),
            (std::vector<std::string>{"get_recording", "get_participants", "pad_track", "mixdown_tracks",
                                      "generate_waveform", "transcribe_track", "merge_transcripts",
                                      "detect_topics", "generate_title", "generate_summary", "finalize",
                                      "cleanup_consent", "post_zulip", "send_webhook"}));
}

TEST(WorkflowDefinitionsTest, EachDynamicForkIsKnownByTheTaskTypeItGenerates) {
  EXPECT_EQ(Definitions().dynamic_fork_task_types,
            (std::map<std::string, std::string>{{"fork_track_padding", "pad_track"},
                                                {"fork_transcription", "transcribe_track"}}));
}

TEST(WorkflowDefinitionsTest, ValidationRejectsABrokenCopy) {
  // The validator must be able to fail on this definition: reading a task that runs later.
  Json broken = Json::parse(DiarizationPipelineJson());
  broken["tasks"][0]["inputParameters"]["duration"] = "${mixdown_tracks.output.duration}";
  auto def = engine::ParseWorkflowDef(broken);
  ASSERT_TRUE(def.ok());
  auto status = engine::ValidateWorkflow(*def, Definitions().task_defs, Definitions().dynamic_task_names);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("'mixdown_tracks' does not always finish before it"),
            std::string::npos);
}

}  // namespace
}  // namespace reflector::pipeline
