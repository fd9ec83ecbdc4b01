#pragma once
// Helpers for test doubles of HTTP services built on HttpTestServer: JSON answers, decoding
// what clients send, and a server that records the requests it got.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "support/http_test_server.hpp"

namespace reflector::testing {

// A response with `Content-Type: application/json` (after `headers`) and `body` as given, which
// may be deliberately malformed.
TestHttpResponse JsonResponse(int status, std::string body, TestHttpHeaders headers = {});
TestHttpResponse JsonResponse(int status, const char* body, TestHttpHeaders headers = {});
// The same with `body` serialised.
TestHttpResponse JsonResponse(int status, const Json& body, TestHttpHeaders headers = {});

// The fields of an application/x-www-form-urlencoded body ('+' is a space, %XX decoded); a
// field without '=' has an empty value; a repeated field keeps its last value.
std::map<std::string, std::string> DecodeForm(std::string_view body);

// One part of a multipart/form-data body as a server sees it.
struct FormPart {
  std::string name;          // from Content-Disposition
  std::string filename;      // from Content-Disposition; empty for a plain field
  std::string content_type;  // the part's Content-Type; empty when it has none
  std::string headers;       // all the part's header lines, "\r\n"-separated
  std::string content;
};

// Splits a multipart/form-data body (RFC 7578) at the boundary its Content-Type names, as a
// server would; empty on any format error.
std::vector<FormPart> ParseMultipartForm(const TestHttpRequest& request);

// An HttpTestServer that keeps every request it received, in order of arrival. Thread-safe.
class RecordingHttpServer {
 public:
  // Answers with `handler` (called after the request is recorded).
  explicit RecordingHttpServer(HttpTestServer::Handler handler);
  // Answers the n-th request with script[n]; once the script runs out the last response
  // repeats. `script` must not be empty.
  explicit RecordingHttpServer(std::vector<TestHttpResponse> script);
  RecordingHttpServer(const RecordingHttpServer&) = delete;
  RecordingHttpServer& operator=(const RecordingHttpServer&) = delete;

  // "http://127.0.0.1:<port>"
  [[nodiscard]] std::string BaseUrl() const { return server_.BaseUrl(); }
  // Requests fully received so far.
  [[nodiscard]] int RequestCount() const { return server_.RequestCount(); }
  // A copy of the requests received so far.
  [[nodiscard]] std::vector<TestHttpRequest> Requests() const;
  // Waits until at least `count` requests arrived; false when `timeout` passed first.
  bool WaitForRequests(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  TestHttpResponse Record(const TestHttpRequest& request);

  HttpTestServer::Handler handler_;
  mutable std::mutex mutex_;
  std::condition_variable received_;
  std::vector<TestHttpRequest> requests_;
  std::deque<TestHttpResponse> script_;
  HttpTestServer server_;  // last: stopped before the members its handler uses
};

}  // namespace reflector::testing
