#include "engine/expressions.hpp"

#include <cstdio>
#include <optional>
#include <vector>

namespace reflector::engine {
namespace {

struct Step {
  enum class Kind { kKey, kIndex, kWildcard, kDescend } kind = Kind::kKey;
  std::string key;  // kKey, kDescend (key to find at any depth; "*" for every value)
  long index = 0;   // kIndex
};

// Parses "a.b['c d'][0]..e[*]" into steps. Returns nullopt for syntax it does not know.
std::optional<std::vector<Step>> ParsePath(std::string_view path) {
  if (path.substr(0, 2) == "$.") {
    path.remove_prefix(2);
  } else if (path == "$") {
    return std::vector<Step>{};
  } else if (path.substr(0, 1) == "$" && path.size() > 1 && path[1] == '[') {
    path.remove_prefix(1);
  }
  std::vector<Step> steps;
  std::size_t i = 0;
  auto read_name = [&]() {
    std::size_t start = i;
    while (i < path.size() && path[i] != '.' && path[i] != '[')
      ++i;
    return std::string(path.substr(start, i - start));
  };
  bool expect_name = true;  // at the start or after a '.'
  while (i < path.size()) {
    char c = path[i];
    if (c == '.') {
      if (i + 1 < path.size() && path[i + 1] == '.') {
        i += 2;
        if (i < path.size() && path[i] == '[') return std::nullopt;  // ..[ not supported
        std::string name = read_name();
        if (name.empty()) return std::nullopt;
        steps.push_back({Step::Kind::kDescend, name, 0});
        expect_name = false;
        continue;
      }
      ++i;
      expect_name = true;
      continue;
    }
    if (c == '[') {
      std::size_t close = path.find(']', i);
      if (close == std::string_view::npos) return std::nullopt;
      std::string_view inner = path.substr(i + 1, close - i - 1);
      i = close + 1;
      if (inner == "*") {
        steps.push_back({Step::Kind::kWildcard, "", 0});
      } else if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') &&
                 inner.back() == inner.front()) {
        steps.push_back({Step::Kind::kKey, std::string(inner.substr(1, inner.size() - 2)), 0});
      } else {
        try {
          std::size_t used = 0;
          long index = std::stol(std::string(inner), &used);
          if (used != inner.size()) return std::nullopt;
          steps.push_back({Step::Kind::kIndex, "", index});
        } catch (...) {
          return std::nullopt;
        }
      }
      expect_name = false;
      continue;
    }
    if (!expect_name) return std::nullopt;
    std::string name = read_name();
    if (name.empty()) return std::nullopt;
    if (name == "*") {
      steps.push_back({Step::Kind::kWildcard, "", 0});
    } else {
      steps.push_back({Step::Kind::kKey, name, 0});
    }
    expect_name = false;
  }
  return steps;
}

void Descend(const Json& node, const std::string& key, std::vector<const Json*>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (key == "*" || it.key() == key) out.push_back(&*it);
    }
    for (const auto& child : node)
      Descend(child, key, out);
  } else if (node.is_array()) {
    if (key == "*") {
      for (const auto& child : node)
        out.push_back(&child);
    }
    for (const auto& child : node)
      Descend(child, key, out);
  }
}

std::string JavaDouble(double value) {
  char buffer[64];
  // Shortest representation that reads back to the same double.
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  std::string text = buffer;
  std::size_t e = text.find('e');
  std::string mantissa = e == std::string::npos ? text : text.substr(0, e);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  if (e == std::string::npos) return mantissa;
  std::string exponent = text.substr(e + 1);
  if (!exponent.empty() && exponent[0] == '+') exponent.erase(0, 1);
  while (exponent.size() > 1 && exponent[0] == '0')
    exponent.erase(0, 1);
  if (exponent.size() > 2 && exponent[0] == '-' && exponent[1] == '0') exponent.erase(1, 1);
  return mantissa + "E" + exponent;
}

// Finds the end of the `${...}` starting at `open` (the index of '$'), honouring nesting.
std::size_t MatchingBrace(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      ++depth;
      ++i;
    } else if (text[i] == '}') {
      if (--depth == 0) return i;
    }
  }
  return std::string_view::npos;
}

bool IsEscaped(std::string_view text, std::size_t dollar) {
  return dollar > 0 && text[dollar - 1] == '$';
}

Json EvaluateExpression(std::string_view inner, const ExpressionContext& context);

// Replaces nested expressions inside an expression body by their text.
std::string ResolveNested(std::string_view body, const ExpressionContext& context) {
  std::string out;
  std::size_t i = 0;
  while (i < body.size()) {
    std::size_t open = body.find("${", i);
    if (open == std::string_view::npos) break;
    std::size_t close = MatchingBrace(body, open);
    if (close == std::string_view::npos) break;
    out += body.substr(i, open - i);
    out += JavaToString(EvaluateExpression(body.substr(open + 2, close - open - 2), context));
    i = close + 1;
  }
  out += body.substr(i);
  return out;
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return text;
}

Json EvaluateExpression(std::string_view inner, const ExpressionContext& context) {
  std::string path = ResolveNested(inner, context);
  std::string_view trimmed = TrimSpaces(path);
  if (trimmed.empty()) return "";
  if (trimmed == "CPEWF_TASK_ID") return context.task_id;
  if (context.document == nullptr) return nullptr;
  return EvaluatePath(*context.document, trimmed);
}

Json ResolveString(const std::string& text, const ExpressionContext& context) {
  // A lone expression keeps its JSON type.
  if (text.size() >= 3 && text.compare(0, 2, "${") == 0 && MatchingBrace(text, 0) == text.size() - 1) {
    return EvaluateExpression(std::string_view(text).substr(2, text.size() - 3), context);
  }
  if (text.find("${") == std::string::npos) return text;
  std::string out;
  std::size_t i = 0;
  std::string_view view = text;
  while (i < view.size()) {
    std::size_t open = view.find("${", i);
    if (open == std::string_view::npos) break;
    if (IsEscaped(view, open)) {
      // "$${" stands for a literal "${".
      out += view.substr(i, open - 1 - i);
      out += "${";
      i = open + 2;
      continue;
    }
    std::size_t close = MatchingBrace(view, open);
    if (close == std::string_view::npos) break;
    out += view.substr(i, open - i);
    out += JavaToString(EvaluateExpression(view.substr(open + 2, close - open - 2), context));
    i = close + 1;
  }
  out += view.substr(i);
  return out;
}

}  // namespace

Json EvaluatePath(const Json& document, std::string_view path) {
  auto steps = ParsePath(path);
  if (!steps) return nullptr;
  bool indefinite = false;
  std::vector<const Json*> current{&document};
  for (const Step& step : *steps) {
    std::vector<const Json*> next;
    switch (step.kind) {
      case Step::Kind::kKey:
        for (const Json* node : current) {
          if (node->is_object()) {
            auto it = node->find(step.key);
            if (it != node->end()) next.push_back(&*it);
          }
        }
        break;
      case Step::Kind::kIndex:
        for (const Json* node : current) {
          if (!node->is_array()) continue;
          long size = static_cast<long>(node->size());
          long index = step.index < 0 ? size + step.index : step.index;
          if (index >= 0 && index < size) next.push_back(&(*node)[static_cast<std::size_t>(index)]);
        }
        break;
      case Step::Kind::kWildcard:
        indefinite = true;
        for (const Json* node : current) {
          if (node->is_object() || node->is_array()) {
            for (const auto& child : *node)
              next.push_back(&child);
          }
        }
        break;
      case Step::Kind::kDescend:
        indefinite = true;
        for (const Json* node : current)
          Descend(*node, step.key, next);
        break;
    }
    current = std::move(next);
  }
  if (indefinite) {
    Json list = Json::array();
    for (const Json* node : current)
      list.push_back(*node);
    return list;
  }
  if (current.empty()) return nullptr;
  return *current.front();
}

Json ResolveParameters(const Json& parameters, const ExpressionContext& context) {
  if (parameters.is_string()) return ResolveString(parameters.get<std::string>(), context);
  if (parameters.is_object()) {
    Json out = Json::object();
    for (auto it = parameters.begin(); it != parameters.end(); ++it) {
      out[it.key()] = ResolveParameters(it.value(), context);
    }
    return out;
  }
  if (parameters.is_array()) {
    Json out = Json::array();
    for (const auto& item : parameters)
      out.push_back(ResolveParameters(item, context));
    return out;
  }
  return parameters;
}

std::string JavaToString(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::string:
      return value.get<std::string>();
    case Json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
      return std::to_string(value.get<std::int64_t>());
    case Json::value_t::number_unsigned:
      return std::to_string(value.get<std::uint64_t>());
    case Json::value_t::number_float:
      return JavaDouble(value.get<double>());
    case Json::value_t::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ", ";
        first = false;
        out += JavaToString(item);
      }
      return out + "]";
    }
    case Json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ", ";
        first = false;
        out += it.key() + "=" + JavaToString(it.value());
      }
      return out + "}";
    }
    default:
      return value.dump();
  }
}

}  // namespace reflector::engine
