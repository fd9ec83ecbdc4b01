#include "pipeline/tasks/task_helpers.hpp"

#include <utility>

#include "core/log.hpp"
#include "store/recordings.hpp"

namespace reflector::pipeline {

Result<platform::RecordingPlatform*> FindPlatform(TaskContext& context, const Json& input) {
  auto name = GetOptionalString(input, "platform");
  if (!name) return name.error();
  std::string platform = name->value_or("daily");
  auto it = context.services().platforms.find(platform);
  if (it == context.services().platforms.end() || it->second == nullptr) {
    return Error::InvalidInput("platform '" + platform + "' is not available (configured: " + [&] {
      std::string list;
      for (const auto& [key, value] : context.services().platforms)
        list += (list.empty() ? "" : ", ") + key;
      return list;
    }() + ")");
  }
  return it->second;
}

std::vector<llm::TopicDraft> TopicDrafts(const Json& topics) {
  std::vector<llm::TopicDraft> drafts;
  if (!topics.is_array()) return drafts;
  for (const auto& topic : topics)
    drafts.push_back({topic.value("title", ""), topic.value("summary", "")});
  return drafts;
}

}  // namespace reflector::pipeline
