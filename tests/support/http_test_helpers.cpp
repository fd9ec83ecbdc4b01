#include "support/http_test_helpers.hpp"

#include <stdexcept>
#include <utility>

#include "net/url.hpp"

namespace reflector::testing {

TestHttpResponse JsonResponse(int status, std::string body, TestHttpHeaders headers) {
  headers.emplace_back("Content-Type", "application/json");
  return TestHttpResponse{status, std::move(headers), std::move(body), {}};
}

TestHttpResponse JsonResponse(int status, const char* body, TestHttpHeaders headers) {
  return JsonResponse(status, std::string(body), std::move(headers));
}

TestHttpResponse JsonResponse(int status, const Json& body, TestHttpHeaders headers) {
  return JsonResponse(status, body.dump(), std::move(headers));
}

std::map<std::string, std::string> DecodeForm(std::string_view body) {
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string pair(body.substr(0, amp));
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    for (char& c : pair)
      if (c == '+') c = ' ';
    std::size_t eq = pair.find('=');
    fields[net::UriDecode(pair.substr(0, eq)).value_or("<malformed>")] =
        eq == std::string::npos ? "" : net::UriDecode(pair.substr(eq + 1)).value_or("<malformed>");
  }
  return fields;
}

namespace {

// The value of `parameter="..."` in a part's headers; "" when absent.
std::string HeaderParameter(const std::string& headers, const std::string& parameter) {
  std::string marker = parameter + "=\"";
  std::size_t at = headers.find("; " + marker);
  if (at == std::string::npos) return "";
  at += 2 + marker.size();
  return headers.substr(at, headers.find('"', at) - at);
}

FormPart MakeFormPart(std::string headers, std::string content) {
  FormPart part;
  part.name = HeaderParameter(headers, "name");
  part.filename = HeaderParameter(headers, "filename");
  if (std::size_t type = headers.find("Content-Type: "); type != std::string::npos) {
    part.content_type = headers.substr(type + 14, headers.find("\r\n", type) - type - 14);
  }
  part.headers = std::move(headers);
  part.content = std::move(content);
  return part;
}

}  // namespace

std::vector<FormPart> ParseMultipartForm(const TestHttpRequest& request) {
  std::string content_type = request.Header("Content-Type").value_or("");
  std::string marker = "boundary=";
  std::size_t at = content_type.find(marker);
  if (!content_type.starts_with("multipart/form-data;") || at == std::string::npos) return {};
  std::string delimiter = "--" + content_type.substr(at + marker.size());
  const std::string& body = request.body;
  if (!body.starts_with(delimiter + "\r\n")) return {};
  std::vector<FormPart> parts;
  std::size_t position = delimiter.size() + 2;
  while (true) {
    std::size_t next = body.find("\r\n" + delimiter, position);
    std::size_t blank = body.find("\r\n\r\n", position);
    if (next == std::string::npos || blank == std::string::npos || blank > next) return {};
    parts.push_back(
        MakeFormPart(body.substr(position, blank - position), body.substr(blank + 4, next - blank - 4)));
    position = next + 2 + delimiter.size();
    if (body.compare(position, 4, "--\r\n") == 0 && position + 4 == body.size()) return parts;
    if (body.compare(position, 2, "\r\n") != 0) return {};
    position += 2;
  }
}

RecordingHttpServer::RecordingHttpServer(HttpTestServer::Handler handler)
    : handler_(std::move(handler)),
      server_([this](const TestHttpRequest& request) { return Record(request); }) {}

RecordingHttpServer::RecordingHttpServer(std::vector<TestHttpResponse> script)
    : script_(script.begin(), script.end()),
      server_([this](const TestHttpRequest& request) { return Record(request); }) {
  if (script_.empty()) throw std::invalid_argument("RecordingHttpServer: empty script");
}

TestHttpResponse RecordingHttpServer::Record(const TestHttpRequest& request) {
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    received_.notify_all();
    if (!handler_) {
      TestHttpResponse response = script_.front();
      if (script_.size() > 1) script_.pop_front();
      return response;
    }
  }
  return handler_(request);
}

std::vector<TestHttpRequest> RecordingHttpServer::Requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool RecordingHttpServer::WaitForRequests(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return received_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

}  // namespace reflector::testing
