#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 for test doubles of HTTP services (object storage,
// Daily.co, Zulip, LLM APIs, webhook receivers). It binds port 0, answers every request on its
// own thread with the handler's response and closes the connection after each response.
//
// Supported: Content-Length bodies, "Expect: 100-continue". Not supported: chunked request
// bodies (answered with 501), TLS, keep-alive.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace reflector::testing {

using TestHttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct TestHttpRequest {
  std::string method;
  std::string path;   // as sent, still percent-encoded, without the query
  std::string query;  // without '?'
  TestHttpHeaders headers;
  std::string body;

  // Case-insensitive header lookup.
  [[nodiscard]] std::optional<std::string> Header(std::string_view name) const;
};

struct TestHttpResponse {
  int status = 200;
  TestHttpHeaders headers;  // Content-Length and Connection are added by the server
  std::string body;
  // Wait this long before answering (cut short when the server is destroyed).
  std::chrono::milliseconds delay{0};
};

class HttpTestServer {
 public:
  // Called on a connection thread; may be called concurrently for concurrent requests.
  using Handler = std::function<TestHttpResponse(const TestHttpRequest&)>;

  // Starts listening at once; throws std::runtime_error if the socket cannot be set up.
  explicit HttpTestServer(Handler handler);
  // Stops accepting, wakes delayed responses and joins every thread.
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  [[nodiscard]] int port() const { return port_; }
  // "http://127.0.0.1:<port>"
  [[nodiscard]] std::string BaseUrl() const;
  // Requests fully received so far.
  [[nodiscard]] int RequestCount() const { return request_count_.load(); }

 private:
  void AcceptLoop();
  void Serve(int fd);
  // Waits `delay` unless the server stops first; returns false when it stopped.
  bool Wait(std::chrono::milliseconds delay);

  Handler handler_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> request_count_{0};
  std::mutex mutex_;
  std::condition_variable stopped_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

// A local TCP port on which nothing listens (bound to port 0 and closed again), for tests of
// "connection refused".
int UnusedLocalPort();

}  // namespace reflector::testing
