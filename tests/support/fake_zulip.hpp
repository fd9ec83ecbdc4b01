#pragma once
// A Zulip server double that follows the REST API as Zulip documents it, for tests of
// notify::ZulipClient and of post_zulip.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/http_test_server.hpp"

namespace reflector::testing {

// Checks the Authorization header and the form content type of every request, then:
//   POST /api/v1/messages (type=stream, to=`stream`) keeps the message under a new id, 4215 on;
//   another channel: 400 STREAM_DOES_NOT_EXIST;
//   PATCH /api/v1/messages/{id} updates the fields of a kept message; an unknown id: 400
//   "Invalid message(s)"; anything else: 404. Thread-safe.
class FakeZulip {
 public:
  // `authorization`: the only accepted header, "Basic " + base64("<bot email>:<api key>").
  explicit FakeZulip(std::string authorization, std::string stream = "meetings");

  // "http://127.0.0.1:<port>"
  [[nodiscard]] std::string BaseUrl() const { return server_.BaseUrl(); }
  [[nodiscard]] std::vector<TestHttpRequest> Requests();
  // The kept messages by id: the form fields posted, updated by later PATCHes.
  [[nodiscard]] std::map<std::int64_t, std::map<std::string, std::string>> Messages();
  // Keeps a message as if it had been posted earlier.
  void Add(std::int64_t id, std::map<std::string, std::string> fields = {});
  // Answers every later request with `status` and `body` (as JSON content); 0: behave again.
  void Override(int status, std::string body);

 private:
  TestHttpResponse Answer(const TestHttpRequest& request);

  const std::string authorization_;
  const std::string stream_;
  std::mutex mutex_;
  std::vector<TestHttpRequest> requests_;
  std::map<std::int64_t, std::map<std::string, std::string>> messages_;
  std::int64_t next_id_ = 4215;
  int status_override_ = 0;
  std::string body_override_;
  HttpTestServer server_;  // last: stopped before the members its handler uses
};

}  // namespace reflector::testing
