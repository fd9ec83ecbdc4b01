#pragma once
// Conductor's input expressions (`${...}`), evaluated the way the server's ParametersUtils
// does for the subset our workflows use:
//  - a string that is exactly one `${path}` takes the JSON value (object, array, number, ...);
//  - inside a longer string each `${path}` is replaced by its text form: strings as they are,
//    null as "null", numbers as Java prints them, objects and arrays in Java's toString form
//    (`{a=1, b=x}`, `[1, 2]`);
//  - a path that resolves to nothing gives null and the key is kept;
//  - nesting (`${workflow.input.${workflow.input.which}}`) resolves inner expressions first;
//  - `$${` is a literal `${`; `${}` is an empty string; `${CPEWF_TASK_ID}` is the task's id.
// Paths are JSONPath without the leading `$`: dots, `['odd key']`, `[0]`, `[-1]`, `[*]`, `.*`
// and recursive descent `..key`. A path with `..` or `*` yields an array of every match.

#include <string>
#include <string_view>

#include "core/json.hpp"

namespace reflector::engine {

struct ExpressionContext {
  // {"workflow": {"input": ..., "output": ..., "workflowId": ..., ...},
  //  "<taskReferenceName>": {"input": ..., "output": ..., "status": ..., "taskId": ...}, ...}
  const Json* document = nullptr;
  std::string task_id;  // for ${CPEWF_TASK_ID}
};

// Evaluates a JSONPath (without `${}`; a leading `$.` is optional) against `document`.
// Returns null when nothing matches a definite path, an array of matches for `..`/`*`.
Json EvaluatePath(const Json& document, std::string_view path);

// Evaluates every expression inside `parameters` (objects and arrays recursively).
Json ResolveParameters(const Json& parameters, const ExpressionContext& context);

// Java's String.valueOf for a JSON value, as used for expressions inside longer strings.
std::string JavaToString(const Json& value);

}  // namespace reflector::engine
