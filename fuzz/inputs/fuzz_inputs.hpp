#pragma once
// One input of each fuzz target, as a plain function: the libFuzzer entry points
// (fuzz/<name>_fuzz.cpp) and the regression test (tests/fuzz/) call the same code, so an input
// that once crashed is replayed by the ordinary build too.
//
// Each function feeds `data` to the project's own entry point the way production code does and
// checks what that entry point promises. A broken promise calls FuzzRequire, which prints what
// was broken and aborts (a crash to libFuzzer, a failed test to the regression test). Errors
// returned as values are expected outcomes, not findings. Thread-compatible (one call at a
// time per process: the media target reuses one scratch folder).

#include <span>
#include <string_view>

namespace reflector::fuzz {

// engine::ParseWorkflowDef / ParseTaskDef / ValidateWorkflow / ToJson on a JSON document:
// either a workflow definition, or {"workflow": ..., "taskDefs": [...]}.
void WorkflowDefinitionInput(std::string_view data);
// engine::EvaluatePath / ResolveParameters: first line an expression string, the rest the JSON
// document it reads (a fixed one when the rest does not parse).
void ExpressionsInput(std::string_view data);
// The LLM answer readers of llm::openai (fences, first JSON object, topic, title, subjects,
// paragraph) on one model answer.
void LlmAnswerInput(std::string_view data);
// Daily.co's webhook delivery as daily_routes.cpp checks it: first line the timestamp, second
// the signature (empty: a valid one is computed), the rest the raw body.
void DailyWebhookInput(std::string_view data);
// api::MultipartReader: first line the Content-Type, the rest the body, read in pieces whose
// size comes from the first byte.
void MultipartInput(std::string_view data);
// api::ParseByteRange: first line the body size in decimal, the rest the Range header.
void ByteRangeInput(std::string_view data);
// app::LoadSettingsFromText: NAME=value environment lines up to a line "---", then the .env text.
void SettingsInput(std::string_view data);
// media::Probe, HasSignal, Waveform and PadTrack on the bytes as an audio file.
void MediaInput(std::string_view data);

struct FuzzTarget {
  std::string_view name;  // as in fuzz/corpus/<name>/ and fuzz/<name>_fuzz.cpp
  void (*run)(std::string_view data);
};

// Every target, in the order scripts/fuzz runs them.
std::span<const FuzzTarget> FuzzTargets();

// Aborts with `what` on stderr when `condition` is false.
void FuzzRequire(bool condition, std::string_view what);

}  // namespace reflector::fuzz
