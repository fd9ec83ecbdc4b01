#include "http/message.hpp"

#include <cctype>

#include "net/url.hpp"

namespace reflector::http {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

Result<std::string> DecodeQueryPart(std::string_view part) {
  std::string spaced(part);
  for (char& c : spaced) {
    if (c == '+') c = ' ';
  }
  return net::UriDecode(spaced);
}

}  // namespace

void Headers::Set(std::string_view name, std::string value) {
  std::erase_if(fields_, [&](const auto& field) { return SameName(field.first, name); });
  fields_.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& [field, value] : fields_) {
    if (SameName(field, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  auto found = query.find(std::string(name));
  if (found == query.end()) return std::nullopt;
  return found->second;
}

const std::string& Request::Param(const std::string& name) const {
  static const std::string kEmpty;
  auto found = path_params.find(name);
  return found == path_params.end() ? kEmpty : found->second;
}

Result<std::string> Request::ReadBody(std::size_t limit) {
  std::string text;
  char buffer[16384];
  while (true) {
    REFLECTOR_ASSIGN_OR_RETURN(std::size_t got, body->Read(buffer, sizeof buffer));
    if (got == 0) return text;
    if (text.size() + got > limit) {
      return Error::InvalidInput("body too large: more than " + std::to_string(limit) + " bytes");
    }
    text.append(buffer, got);
  }
}

Response JsonResponse(int status, const Json& value) {
  Response response;
  response.status = status;
  response.headers.Set("Content-Type", "application/json");
  response.body = DumpCompact(value);
  return response;
}

Response ErrorResponse(int status, std::string_view detail) {
  return JsonResponse(status, Json{{"detail", detail}});
}

Response ValidationError(std::string_view location, std::string_view field, std::string_view message) {
  Json entry = {{"loc", Json::array({location, field})}, {"msg", message}, {"type", "value_error"}};
  return JsonResponse(422, Json{{"detail", Json::array({entry})}});
}

int StatusFor(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kInvalidInput:
      return 400;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kUnauthorized:
      return 401;
    case ErrorKind::kConflict:
      return 409;
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kTimeout:
      return 504;
    case ErrorKind::kNoSpace:
      return 507;
    default:
      return 500;
  }
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 507:
      return "Insufficient Storage";
    default:
      return "";
  }
}

Result<std::multimap<std::string, std::string>> ParseQuery(std::string_view query) {
  std::multimap<std::string, std::string> pairs;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto name = DecodeQueryPart(pair.substr(0, eq));
    if (!name) return Error::InvalidInput("bad query parameter name: " + name.error().message);
    std::string value;
    if (eq != std::string_view::npos) {
      auto decoded = DecodeQueryPart(pair.substr(eq + 1));
      if (!decoded)
        return Error::InvalidInput("bad value of query parameter " + *name + ": " + decoded.error().message);
      value = std::move(*decoded);
    }
    pairs.emplace(std::move(*name), std::move(value));
  }
  return pairs;
}

}  // namespace reflector::http
