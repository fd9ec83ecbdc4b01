// The answer readers of llm/openai/prompts.hpp on one model answer (see fuzz_inputs.hpp).

#include "fuzz_inputs.hpp"
#include "llm/openai/prompts.hpp"
#include "llm/summarizer.hpp"
#include "llm/text.hpp"

namespace reflector::fuzz {

void LlmAnswerInput(std::string_view data) {
  namespace openai = llm::openai;
  (void)openai::StripCodeFences(data);
  if (auto object = openai::FirstJsonObject(data)) {
    FuzzRequire(object->is_object(), "FirstJsonObject gives an object");
  }
  if (auto topic = openai::ParseTopicAnswer(data)) {
    FuzzRequire(!topic->title.empty() && !topic->summary.empty(), "a topic answer has a title and a summary");
    FuzzRequire(llm::SplitWords(topic->title).size() <= llm::kMaxTitleWords, "a topic title is short");
  }
  if (auto title = openai::ParseTitleAnswer(data)) {
    FuzzRequire(!title->empty(), "a title answer is not empty");
    FuzzRequire(llm::SplitWords(*title).size() <= llm::kMaxTitleWords,
                "a title has at most kMaxTitleWords words");
  }
  if (auto subjects = openai::ParseSubjectsAnswer(data)) {
    FuzzRequire(!subjects->empty() && subjects->size() <= llm::kMaxSubjects, "1 to kMaxSubjects subjects");
    for (const auto& subject : *subjects)
      FuzzRequire(!subject.empty(), "a subject is not empty");
  }
  for (bool cut_off : {false, true}) {
    if (auto paragraph = openai::ParseParagraphAnswer(data, cut_off)) {
      FuzzRequire(!paragraph->empty(), "a paragraph is not empty");
    }
  }
  (void)openai::RetryMessage(data, openai::TitlePrompt({}, 100));
}

}  // namespace reflector::fuzz
