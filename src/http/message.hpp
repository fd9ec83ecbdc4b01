#pragma once
// HTTP requests and responses as the API's handlers see them: plain structs with no Boost type,
// so handler code compiles without Beast. The body of a request is pulled in pieces from a
// BodyReader (an upload is never held whole in memory); a response body is a string or a
// producer that is asked for the next piece until it returns 0.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace reflector::http {

// Header fields in arrival order; names compare case-insensitively.
class Headers {
 public:
  void Add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  // Replaces every field of that name.
  void Set(std::string_view name, std::string value);
  // The first field of that name.
  [[nodiscard]] std::optional<std::string_view> Get(std::string_view name) const;
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Where a request body comes from. Read fills up to `size` bytes and returns how many; 0 at the
// end of the body. Errors: the client went away or was too slow (kTimeout), or the body is
// larger than the server accepts (kInvalidInput whose message starts with "body too large").
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  virtual Result<std::size_t> Read(char* buffer, std::size_t size) = 0;
};

struct Request {
  std::string method;                             // upper case: GET, HEAD, POST...
  std::string target;                             // as sent: path and query
  std::string path;                               // percent-decoded, without the query
  std::multimap<std::string, std::string> query;  // decoded; '+' is a space
  Headers headers;
  std::map<std::string, std::string> path_params;  // filled by the router: {id} → value
  std::string route;                               // the matched pattern, e.g. "GET /v1/transcripts/{id}"
  std::string remote_address;
  BodyReader* body = nullptr;  // never null while a handler runs

  // The first value of a query parameter.
  [[nodiscard]] std::optional<std::string> Query(std::string_view name) const;
  [[nodiscard]] const std::string& Param(const std::string& name) const;
  // The whole body, at most `limit` bytes (InvalidInput "body too large" beyond it).
  Result<std::string> ReadBody(std::size_t limit = std::size_t{16} << 20);
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // A streamed body: when set, `body` is ignored and the producer is called until it returns 0.
  // `stream_length` is the exact number of bytes it will produce (sent as Content-Length).
  std::function<Result<std::size_t>(char* buffer, std::size_t size)> stream;
  std::uint64_t stream_length = 0;
  // Sent without a body (HEAD): the headers describe the body a GET would get.
  bool head_only = false;
};

// 200/201/... with `value` serialised as JSON.
Response JsonResponse(int status, const Json& value);
// Reflector's error shape: {"detail": "..."}.
Response ErrorResponse(int status, std::string_view detail);
// 422 with FastAPI's validation shape: {"detail": [{"loc": [...], "msg": ..., "type": ...}]}.
Response ValidationError(std::string_view location, std::string_view field, std::string_view message);
// The status an Error maps to: InvalidInput 400, Unauthorized 401, NotFound 404, Conflict 409, Unavailable
// 503, Timeout 504, NoSpace 507 (Insufficient Storage), the rest 500.
int StatusFor(const Error& error);
// The reason phrase of a status code ("Not Found").
std::string_view ReasonPhrase(int status);

// Splits "a=1&b=x%20y" into decoded pairs ('+' is a space). Bad escapes are InvalidInput.
Result<std::multimap<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace reflector::http
