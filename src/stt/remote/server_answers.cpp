#include "stt/remote/server_answers.hpp"

#include <string_view>
#include <utility>

#include "core/json.hpp"

namespace reflector::stt::remote {
namespace {

constexpr std::size_t kMaxServerMessage = 300;

// One line of text: whitespace runs folded to one space, cut at kMaxServerMessage bytes.
std::string Flatten(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() >= kMaxServerMessage) {
      out += "...";
      break;
    }
    bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

// FastAPI's validation errors: [{"loc": ["body", "field"], "msg": "..."}] -> "body.field: ...; ...".
std::string ValidationMessage(const Json& detail) {
  std::string joined;
  for (const auto& item : detail) {
    if (!item.is_object()) continue;
    std::string location;
    for (const auto& part : item.value("loc", Json::array()))
      location += (location.empty() ? "" : ".") + (part.is_string() ? part.get<std::string>() : part.dump());
    std::string message = item.value("msg", std::string("invalid"));
    joined += (joined.empty() ? "" : "; ") + (location.empty() ? message : location + ": " + message);
  }
  return joined;
}

// OpenAI's "insufficient_quota" 429: waiting does not help.
bool IsQuotaExhausted(const std::string& body) {
  auto parsed = ParseJson(body, "error body");
  if (!parsed || !parsed->is_object()) return false;
  const Json* error = parsed->contains("error") ? &(*parsed)["error"] : nullptr;
  if (error == nullptr || !error->is_object()) return false;
  auto is_quota = [&](const char* field) {
    return error->contains(field) && (*error)[field].is_string() && (*error)[field] == "insufficient_quota";
  };
  return is_quota("code") || is_quota("type");
}

Error BadAnswer(const std::string& what, std::string_view problem) {
  return Error::Terminal(ErrorKind::kExternal, what + ": unexpected answer: " + std::string(problem));
}

}  // namespace

std::string ServerMessage(const std::string& body) {
  auto parsed = ParseJson(body, "error body");
  if (parsed && parsed->is_object()) {
    const Json& json = *parsed;
    if (auto detail = json.find("detail"); detail != json.end()) {
      if (detail->is_string()) return Flatten(detail->get<std::string>());
      if (detail->is_array()) {
        std::string joined = ValidationMessage(*detail);
        if (!joined.empty()) return Flatten(joined);
      }
    }
    if (auto error = json.find("error"); error != json.end()) {
      if (error->is_object() && error->contains("message") && (*error)["message"].is_string()) {
        return Flatten((*error)["message"].get<std::string>());
      }
      if (error->is_string()) return Flatten(error->get<std::string>());
    }
  }
  return Flatten(body);
}

Error StatusError(const net::HttpResponse& response, const std::string& what) {
  std::string message = what + ": HTTP " + std::to_string(response.status);
  std::string server = ServerMessage(response.body);
  if (!server.empty()) message += ": " + server;
  long status = response.status;
  if (status == 429 && IsQuotaExhausted(response.body)) {
    return Error::Terminal(ErrorKind::kExternal, message + " (quota exhausted; retrying does not help)");
  }
  if (status == 408) return Error::Transient(ErrorKind::kTimeout, message);
  if (status == 429 || (status >= 500 && status < 600))
    return Error::Transient(ErrorKind::kUnavailable, message);
  if (status == 404) return Error::NotFound(message);
  return Error::Terminal(ErrorKind::kExternal, message);
}

Result<std::vector<Word>> ParseWords(const std::string& body, const std::string& what) {
  auto parsed = ParseJson(body, "the response body");
  if (!parsed) return BadAnswer(what, parsed.error().message);
  const Json& json = *parsed;
  if (!json.is_object())
    return BadAnswer(what, "the body is " + std::string(JsonTypeName(json)) + ", not an object");
  auto words = json.find("words");
  if (words == json.end() || words->is_null()) {
    auto text = json.find("text");
    bool silent =
        text == json.end() || text->is_null() || (text->is_string() && text->get<std::string>().empty());
    if (silent) return std::vector<Word>{};
    return BadAnswer(what, "it has a text but no \"words\" (the service gave no word timestamps)");
  }
  if (!words->is_array()) return BadAnswer(what, "\"words\" is " + std::string(JsonTypeName(*words)));
  std::vector<Word> out;
  out.reserve(words->size());
  for (std::size_t i = 0; i < words->size(); ++i) {
    const Json& item = (*words)[i];
    std::string where = "words[" + std::to_string(i) + "]";
    if (!item.is_object()) return BadAnswer(what, where + " is " + std::string(JsonTypeName(item)));
    auto text = GetString(item, "word");
    if (!text) return BadAnswer(what, where + ": " + text.error().message);
    auto start = GetNumber(item, "start");
    if (!start) return BadAnswer(what, where + ": " + start.error().message);
    auto end = GetNumber(item, "end");
    if (!end) return BadAnswer(what, where + ": " + end.error().message);
    out.push_back({std::move(*text), *start, *end});
  }
  return NormalizeWords(std::move(out));
}

}  // namespace reflector::stt::remote
