#pragma once
// A small HTTP client over libcurl, shared by every service client (object storage, Conductor,
// LLM, Daily.co, Zulip, webhooks).
//
// Layering: transport failures (refused connection, DNS, timeout, cancellation) are errors;
// any HTTP status, 4xx and 5xx included, is a response. The caller decides what a status
// means, usually with HttpStatusError().

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace reflector::net {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// The value of the first header called `name` (ASCII case-insensitive), if any. The view points
// into `headers`.
std::optional<std::string_view> FindHeader(const HttpHeaders& headers, std::string_view name);

// AWS Signature Version 4 header signing, done by libcurl (CURLOPT_AWS_SIGV4).
// curl 7.88 does not add `x-amz-content-sha256`; S3 needs it, so the caller adds it to the
// request headers (hex SHA-256 of the body, or "UNSIGNED-PAYLOAD") and curl signs it.
struct AwsSigV4 {
  std::string provider;  // "aws:amz:<region>:s3"
  std::string access_key;
  std::string secret_key;
};

// One part of a multipart/form-data body (RFC 7578).
// Members have default initialisers so that designated initialisers may name only some.
struct MultipartPart {
  std::string name{};   // the form field name
  std::string value{};  // the part's bytes, unless `file` is set
  // Streamed from disk when the request is sent; must be a readable regular file.
  std::optional<std::filesystem::path> file{};
  // The part's `filename` parameter. Empty: none for a value, the file's own name for a file.
  std::string filename{};
  std::string content_type{};  // empty: no Content-Type line for the part
};

struct HttpRequest {
  std::string method = "GET";  // any token; "HEAD" asks for headers only
  std::string url;             // absolute http:// or https:// URL, already percent-encoded
  HttpHeaders headers;         // sent as given; an empty value sends an empty header
  // The body: either `body`, or the contents of `body_file` streamed from disk (never both).
  // Without a Content-Type header, none is sent (curl's form default is suppressed).
  std::string body;
  std::optional<std::filesystem::path> body_file;
  // When not empty, the body is multipart/form-data made of these parts in order, with a
  // generated boundary and Content-Length (files are streamed, never read into memory). Only
  // with POST, without `body`/`body_file` and without a Content-Type header (curl sets it, with
  // the boundary); anything else is kInvalidInput.
  std::vector<MultipartPart> multipart;
  // When set, a 2xx body is streamed into a temporary file beside this path, which is renamed
  // onto it once the whole body has arrived; HttpResponse::body then stays empty. On any other
  // status the file is left untouched and HttpResponse::body holds (the start of) the error body.
  std::optional<std::filesystem::path> response_file;
  std::chrono::milliseconds timeout{30000};  // the whole exchange; 0 = no limit
  std::chrono::milliseconds connect_timeout{10000};
  // Abort when fewer than 1 byte per second moved for this long (whole seconds; 0 = off). Meant
  // for large transfers that should not have a total `timeout`.
  std::chrono::seconds idle_timeout{0};
  std::optional<AwsSigV4> aws_sigv4;
  bool follow_redirects = false;  // http/https redirects only
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;  // of the final response, in arrival order
  std::string body;     // see HttpRequest::response_file

  // Case-insensitive lookup of a response header.
  [[nodiscard]] std::optional<std::string_view> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
  [[nodiscard]] bool ok() const { return status >= 200 && status < 300; }
};

// Sends HTTP requests. Thread-safe: any number of threads may call Send at once. Finished curl
// handles are kept in a small pool so that connections to the same host are reused.
class HttpClient {
 public:
  struct Options {
    std::size_t max_idle_handles = 8;
    std::string user_agent = "reflector";
  };

  HttpClient();
  explicit HttpClient(Options options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one exchange. Errors (all name the method and the URL without its query string):
  //   kUnavailable, retryable: "connection refused: <host:port> (...)", DNS failure, reset...
  //   kTimeout, retryable: "timed out after N ms: <METHOD url>" (or "connect timed out ...")
  //   kCancelled: `stop` was requested (checked continuously; the transfer is aborted at once)
  //   kInvalidInput: malformed request (bad URL, both body and body_file, unreadable body_file,
  //                  misused or unreadable multipart parts)
  //   kIo: the response file could not be written
  Result<HttpResponse> Send(const HttpRequest& request, std::stop_token stop = {});

 private:
  struct Handle;
  std::unique_ptr<Handle> Acquire();
  void Release(std::unique_ptr<Handle> handle);

  Options options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Handle>> idle_;
};

// Turns a response the caller did not expect into an Error whose message reads
// "<what>: HTTP <status>: <start of body>":
//   429 and 5xx -> kUnavailable, retryable
//   404         -> kNotFound, terminal
//   other       -> kExternal, terminal (4xx: the request was refused; anything else: unexpected)
Error HttpStatusError(const HttpResponse& response, std::string_view what);

// The delay asked for by a `Retry-After: <seconds>` header (integer or fractional seconds,
// rounded up to whole milliseconds). HTTP-date values and malformed headers give nullopt.
std::optional<std::chrono::milliseconds> RetryAfter(const HttpResponse& response);

}  // namespace reflector::net
