// engine/expressions.hpp on an expression and a document (see fuzz_inputs.hpp).

#include "core/json.hpp"
#include "engine/expressions.hpp"
#include "fuzz_inputs.hpp"
#include "split.hpp"

namespace reflector::fuzz {
namespace {

// What the engines resolve against when the input brings no document of its own.
const Json& DefaultDocument() {
  static const Json kDocument = Json::parse(R"({
    "workflow": {"input": {"recording_id": "r1", "tracks": [{"key": "a.webm", "start": 1.5}, {"key": "b"}],
                           "which": "recording_id", "odd key": {"x": [1, 2, 3]}},
                 "output": {}, "workflowId": "w1"},
    "get_recording": {"input": {}, "output": {"room": "lobby", "duration": 12.25, "ok": true, "none": null},
                      "status": "COMPLETED", "taskId": "t1"}
  })");
  return kDocument;
}

}  // namespace

void ExpressionsInput(std::string_view data) {
  auto [expression, rest] = SplitFirstLine(data);
  auto parsed = rest.empty() ? Result<Json>(Error::InvalidInput("none")) : ParseJson(rest, "document");
  const Json& document = parsed ? *parsed : DefaultDocument();
  const engine::ExpressionContext context{&document, "task-id"};

  const Json text(std::string{expression});
  const Json resolved = engine::ResolveParameters(text, context);
  (void)engine::JavaToString(resolved);
  (void)engine::EvaluatePath(document, expression);
  // Parameters made of the document itself: every string in it is an expression.
  const Json parameters =
      engine::ResolveParameters(Json{{"p", document}, {"q", Json::array({text, text})}}, context);
  FuzzRequire(parameters.is_object() && parameters.size() == 2, "ResolveParameters keeps an object's keys");
  FuzzRequire(parameters["q"].is_array() && parameters["q"].size() == 2,
              "ResolveParameters keeps an array's items");
  (void)engine::JavaToString(parameters);
}

}  // namespace reflector::fuzz
