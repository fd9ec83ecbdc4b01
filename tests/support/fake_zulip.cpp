#include "support/fake_zulip.hpp"

#include <utility>

#include "support/http_test_helpers.hpp"

namespace reflector::testing {

FakeZulip::FakeZulip(std::string authorization, std::string stream)
    : authorization_(std::move(authorization)),
      stream_(std::move(stream)),
      server_([this](const TestHttpRequest& request) { return Answer(request); }) {}

std::vector<TestHttpRequest> FakeZulip::Requests() {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::map<std::int64_t, std::map<std::string, std::string>> FakeZulip::Messages() {
  std::lock_guard lock(mutex_);
  return messages_;
}

void FakeZulip::Add(std::int64_t id, std::map<std::string, std::string> fields) {
  std::lock_guard lock(mutex_);
  messages_[id] = std::move(fields);
}

void FakeZulip::Override(int status, std::string body) {
  std::lock_guard lock(mutex_);
  status_override_ = status;
  body_override_ = std::move(body);
}

TestHttpResponse FakeZulip::Answer(const TestHttpRequest& request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(request);
  if (status_override_ != 0) return JsonResponse(status_override_, body_override_);
  if (request.Header("Authorization") != authorization_) {
    return JsonResponse(401, R"({"code":"UNAUTHORIZED","msg":"Not logged in","result":"error"})");
  }
  if (request.Header("Content-Type") != "application/x-www-form-urlencoded") {
    return JsonResponse(400, R"({"code":"BAD_REQUEST","msg":"expected a form","result":"error"})");
  }
  auto form = DecodeForm(request.body);
  if (request.method == "POST" && request.path == "/api/v1/messages") {
    if (form["type"] != "stream")
      return JsonResponse(400, R"({"code":"BAD_REQUEST","msg":"type","result":"error"})");
    if (form["to"] != stream_) {
      return JsonResponse(400, R"({"code":"STREAM_DOES_NOT_EXIST","msg":"Channel ')" + form["to"] +
                                   R"(' does not exist","result":"error","stream":")" + form["to"] + R"("})");
    }
    std::int64_t id = next_id_++;
    messages_[id] = form;
    return JsonResponse(200, R"({"id":)" + std::to_string(id) + R"(,"msg":"","result":"success"})");
  }
  const std::string prefix = "/api/v1/messages/";
  if (request.method == "PATCH" && request.path.rfind(prefix, 0) == 0) {
    std::int64_t id = std::stoll(request.path.substr(prefix.size()));
    auto it = messages_.find(id);
    if (it == messages_.end()) {
      return JsonResponse(400, R"j({"code":"BAD_REQUEST","msg":"Invalid message(s)","result":"error"})j");
    }
    for (const auto& [key, value] : form)
      it->second[key] = value;
    return JsonResponse(200, R"({"msg":"","result":"success"})");
  }
  return JsonResponse(404, R"({"code":"BAD_REQUEST","msg":"no route","result":"error"})");
}

}  // namespace reflector::testing
