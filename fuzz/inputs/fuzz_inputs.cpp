#include "fuzz_inputs.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>

namespace reflector::fuzz {

std::span<const FuzzTarget> FuzzTargets() {
  static constexpr std::array<FuzzTarget, 8> kTargets = {{
      {"workflow_definition", WorkflowDefinitionInput},
      {"expressions", ExpressionsInput},
      {"llm_answer", LlmAnswerInput},
      {"daily_webhook", DailyWebhookInput},
      {"multipart", MultipartInput},
      {"byte_range", ByteRangeInput},
      {"settings", SettingsInput},
      {"media", MediaInput},
  }};
  return kTargets;
}

void FuzzRequire(bool condition, std::string_view what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz: broken promise: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace reflector::fuzz
