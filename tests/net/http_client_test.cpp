#include "net/http_client.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "support/http_test_server.hpp"
#include "support/temp_dir.hpp"

namespace reflector::net {
namespace {

using reflector::testing::HttpTestServer;
using reflector::testing::TempDir;
using reflector::testing::TestHttpRequest;
using reflector::testing::TestHttpResponse;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string RandomBytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string out(size, '\0');
  for (char& c : out)
    c = static_cast<char>(generator() & 0xFF);
  return out;
}

void WriteFile(const std::filesystem::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

// Records the last request the server saw.
class Recorder {
 public:
  void Record(const TestHttpRequest& request) {
    std::lock_guard lock(mutex_);
    last_ = request;
  }
  TestHttpRequest Last() {
    std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  std::mutex mutex_;
  TestHttpRequest last_;
};

TEST(HttpClientTest, GetReturnsStatusHeadersAndBody) {
  Recorder recorder;
  HttpTestServer server([&](const TestHttpRequest& request) {
    recorder.Record(request);
    return TestHttpResponse{200, {{"X-Thing", "value 1"}, {"Content-Type", "text/plain"}}, "hello", {}};
  });
  HttpClient client;
  HttpRequest request;
  request.url = server.BaseUrl() + "/some/path?a=1&b=x%20y";
  request.headers = {{"Authorization", "Bearer token"}, {"X-Empty", ""}};
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().Describe();
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->ok());
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->Header("x-thing"), "value 1");
  EXPECT_EQ(response->Header("X-THING"), "value 1");
  EXPECT_EQ(response->Header("content-type"), "text/plain");
  EXPECT_FALSE(response->Header("X-Missing").has_value());

  TestHttpRequest seen = recorder.Last();
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.path, "/some/path");
  EXPECT_EQ(seen.query, "a=1&b=x%20y");
  EXPECT_EQ(seen.Header("authorization"), "Bearer token");
  EXPECT_EQ(seen.Header("X-Empty"), "");
  EXPECT_EQ(seen.body, "");
}

TEST(HttpClientTest, PostSendsBodyAndContentType) {
  Recorder recorder;
  HttpTestServer server([&](const TestHttpRequest& request) {
    recorder.Record(request);
    return TestHttpResponse{201, {}, "created", {}};
  });
  HttpClient client;
  HttpRequest request;
  request.method = "POST";
  request.url = server.BaseUrl() + "/items";
  request.headers = {{"Content-Type", "application/json"}};
  request.body = R"({"name":"x"})";
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().Describe();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "created");
  TestHttpRequest seen = recorder.Last();
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.body, R"({"name":"x"})");
  EXPECT_EQ(seen.Header("Content-Type"), "application/json");
  EXPECT_EQ(seen.Header("Content-Length"), "12");
}

TEST(HttpClientTest, PostWithoutContentTypeSendsNone) {
  Recorder recorder;
  HttpTestServer server([&](const TestHttpRequest& request) {
    recorder.Record(request);
    return TestHttpResponse{};
  });
  HttpClient client;
  HttpRequest request;
  request.method = "POST";
  request.url = server.BaseUrl() + "/raw";
  request.body = "a=b";
  ASSERT_TRUE(client.Send(request).ok());
  TestHttpRequest seen = recorder.Last();
  EXPECT_EQ(seen.body, "a=b");
  EXPECT_FALSE(seen.Header("Content-Type").has_value());

  request.body.clear();  // an empty POST still says Content-Length: 0
  ASSERT_TRUE(client.Send(request).ok());
  EXPECT_EQ(recorder.Last().Header("Content-Length"), "0");
}

TEST(HttpClientTest, PutAndPatchSendStringBodies) {
  Recorder recorder;
  HttpTestServer server([&](const TestHttpRequest& request) {
    recorder.Record(request);
    return TestHttpResponse{200, {}, request.method, {}};
  });
  HttpClient client;
  for (std::string method : {"PUT", "PATCH"}) {
    HttpRequest request;
    request.method = method;
    request.url = server.BaseUrl() + "/doc";
    request.headers = {{"Content-Type", "text/plain"}};
    request.body = "body of " + method;
    auto response = client.Send(request);
    ASSERT_TRUE(response.ok()) << response.error().Describe();
    EXPECT_EQ(response->body, method);
    TestHttpRequest seen = recorder.Last();
    EXPECT_EQ(seen.method, method);
    EXPECT_EQ(seen.body, "body of " + method);
  }
}

TEST(HttpClientTest, PutStreamsBodyFromFile) {
  TempDir dir;
  // Over 1 MiB, so curl also goes through "Expect: 100-continue".
  std::string content = RandomBytes(3 * 1024 * 1024 + 17, 1);
  WriteFile(dir / "upload.bin", content);
  Recorder recorder;
  HttpTestServer server([&](const TestHttpRequest& request) {
    recorder.Record(request);
    return TestHttpResponse{200, {}, std::to_string(request.body.size()), {}};
  });
  HttpClient client;
  for (std::string method : {"PUT", "POST"}) {
    HttpRequest request;
    request.method = method;
    request.url = server.BaseUrl() + "/upload";
    request.headers = {{"Content-Type", "application/octet-stream"}};
    request.body_file = dir / "upload.bin";
    auto response = client.Send(request);
    ASSERT_TRUE(response.ok()) << response.error().Describe();
    EXPECT_EQ(response->body, std::to_string(content.size()));
    TestHttpRequest seen = recorder.Last();
    EXPECT_EQ(seen.method, method);
    EXPECT_EQ(seen.Header("Content-Length"), std::to_string(content.size()));
    EXPECT_TRUE(seen.body == content) << method << ": uploaded bytes differ";
  }
}

// One part of a multipart/form-data body as a server sees it.
struct ReceivedPart {
  std::string headers;  // the part's header lines, "\r\n"-separated
  std::string content;
};

// Splits a multipart body at the boundary named in `content_type`; empty on any format error.
std::vector<ReceivedPart> SplitMultipart(const std::string& content_type, const std::string& body) {
  std::string marker = "boundary=";
  std::size_t at = content_type.find(marker);
  if (!content_type.starts_with("multipart/form-data;") || at == std::string::npos) return {};
  std::string delimiter = "--" + content_type.substr(at + marker.size());
  if (!body.starts_with(delimiter + "\r\n")) return {};
  std::vector<ReceivedPart> parts;
  std::size_t position = delimiter.size() + 2;
  while (true) {
    std::size_t next = body.find("\r\n" + delimiter, position);
    std::size_t blank = body.find("\r\n\r\n", position);
    if (next == std::string::npos || blank == std::string::npos || blank > next) return {};
    parts.push_back({body.substr(position, blank - position), body.substr(blank + 4, next - blank - 4)});
    position = next + 2 + delimiter.size();
    if (body.compare(position, 4, "--\r\n") == 0 && position + 4 == body.size()) return parts;
    if (body.compare(position, 2, "\r\n") != 0) return {};
    position += 2;
  }
}

TEST(HttpClientTest, MultipartPostSendsFieldsAndStreamsFiles) {
  TempDir dir("http-multipart");
  std::string audio = RandomBytes(1500 * 1000, 7);  // over 1 MB: curl asks "Expect: 100-continue"
  WriteFile(dir / "track", audio);
  Recorder recorder;
  HttpTestServer server([&](const TestHttpRequest& request) {
    recorder.Record(request);
    return TestHttpResponse{200, {}, "{}", {}};
  });
  HttpClient client;
  HttpRequest request;
  request.method = "POST";
  request.url = server.BaseUrl() + "/v1/audio/transcriptions";
  request.headers = {{"Authorization", "Bearer key"}};
  request.multipart = {
      {.name = "file", .file = dir / "track", .filename = "track.webm", .content_type = "audio/webm"},
      {.name = "model", .value = "whisper-1"},
      {.name = "timestamp_granularities[]", .value = "word"},
      {.name = "timestamp_granularities[]", .value = "segment"},
      {.name = "notes", .file = dir / "track"},  // the file's own name when none is given
  };
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().Describe();
  EXPECT_EQ(response->status, 200);

  TestHttpRequest seen = recorder.Last();
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.Header("Authorization"), "Bearer key");
  std::string content_type = seen.Header("Content-Type").value_or("");
  EXPECT_EQ(seen.Header("Content-Length"), std::to_string(seen.body.size()));
  std::vector<ReceivedPart> parts = SplitMultipart(content_type, seen.body);
  ASSERT_EQ(parts.size(), 5u) << content_type;
  EXPECT_NE(parts[0].headers.find(R"(Content-Disposition: form-data; name="file"; filename="track.webm")"),
            std::string::npos)
      << parts[0].headers;
  EXPECT_NE(parts[0].headers.find("Content-Type: audio/webm"), std::string::npos) << parts[0].headers;
  EXPECT_TRUE(parts[0].content == audio) << "file bytes differ; " << parts[0].content.size() << " received";
  EXPECT_EQ(parts[1].headers, R"(Content-Disposition: form-data; name="model")");
  EXPECT_EQ(parts[1].content, "whisper-1");
  EXPECT_EQ(parts[2].headers, R"(Content-Disposition: form-data; name="timestamp_granularities[]")");
  EXPECT_EQ(parts[2].content, "word");
  EXPECT_EQ(parts[3].content, "segment");
  EXPECT_NE(parts[4].headers.find(R"(name="notes"; filename="track")"), std::string::npos)
      << parts[4].headers;
  EXPECT_TRUE(parts[4].content == audio);

  // The same client still sends a plain POST without a Content-Type afterwards.
  HttpRequest plain;
  plain.method = "POST";
  plain.url = server.BaseUrl() + "/raw";
  plain.body = "a=b";
  ASSERT_TRUE(client.Send(plain).ok());
  EXPECT_FALSE(recorder.Last().Header("Content-Type").has_value());
  EXPECT_EQ(recorder.Last().body, "a=b");
}

TEST(HttpClientTest, MultipartMisuseIsInvalidInputAndSendsNothing) {
  HttpTestServer server([](const TestHttpRequest&) { return TestHttpResponse{}; });
  HttpClient client;
  auto expect_refused = [&](const HttpRequest& request, std::string_view mention) {
    auto response = client.Send(request);
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.error().kind, ErrorKind::kInvalidInput);
    EXPECT_FALSE(response.error().retryable);
    EXPECT_NE(response.error().message.find(mention), std::string::npos) << response.error().message;
  };
  HttpRequest request;
  request.method = "POST";
  request.url = server.BaseUrl() + "/upload";
  request.multipart = {{.name = "file", .file = "/nonexistent/audio.webm"}};
  expect_refused(request, "/nonexistent/audio.webm");

  request.multipart = {{.name = "model", .value = "whisper-1"}};
  request.method = "PUT";
  expect_refused(request, "POST");
  request.method = "POST";
  request.body = "x";
  expect_refused(request, "both");
  request.body.clear();
  request.headers = {{"Content-Type", "multipart/form-data"}};
  expect_refused(request, "Content-Type");
  EXPECT_EQ(server.RequestCount(), 0);
}

TEST(HttpClientTest, MissingBodyFileIsInvalidInputNamingTheFile) {
  TempDir dir;
  HttpTestServer server([](const TestHttpRequest&) { return TestHttpResponse{}; });
  HttpClient client;
  HttpRequest request;
  request.method = "PUT";
  request.url = server.BaseUrl() + "/x";
  request.body_file = dir / "missing.bin";
  auto response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(response.error().message.find("missing.bin"), std::string::npos) << response.error().message;
  EXPECT_EQ(server.RequestCount(), 0);
}

TEST(HttpClientTest, DownloadsToFileOnlyOnSuccess) {
  TempDir dir;
  std::string content = RandomBytes(2 * 1024 * 1024 + 5, 2);
  HttpTestServer server([&](const TestHttpRequest& request) {
    if (request.path == "/object") return TestHttpResponse{200, {}, content, {}};
    return TestHttpResponse{404, {}, "<Error><Code>NoSuchKey</Code></Error>", {}};
  });
  HttpClient client;
  HttpRequest request;
  request.url = server.BaseUrl() + "/object";
  request.response_file = dir / "download.bin";
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().Describe();
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->body.empty());
  EXPECT_TRUE(ReadFile(dir / "download.bin") == content) << "downloaded bytes differ";

  // A 404 leaves the existing file alone and returns the error body instead.
  request.url = server.BaseUrl() + "/missing";
  response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().Describe();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, "<Error><Code>NoSuchKey</Code></Error>");
  EXPECT_TRUE(ReadFile(dir / "download.bin") == content);

  // No temporary files are left behind.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
    EXPECT_EQ(entry.path().filename(), "download.bin");
  }
  EXPECT_EQ(entries, 1);
}

TEST(HttpClientTest, EmptySuccessBodyCreatesAnEmptyFile) {
  TempDir dir;
  HttpTestServer server([](const TestHttpRequest&) { return TestHttpResponse{200, {}, "", {}}; });
  HttpClient client;
  HttpRequest request;
  request.url = server.BaseUrl() + "/empty";
  request.response_file = dir / "empty.bin";
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().Describe();
  ASSERT_TRUE(std::filesystem::exists(dir / "empty.bin"));
  EXPECT_EQ(std::filesystem::file_size(dir / "empty.bin"), 0u);
}

TEST(HttpClientTest, HeadAndDeleteHaveNoBody) {
  Recorder recorder;
  HttpTestServer server([&](const TestHttpRequest& request) {
    recorder.Record(request);
    if (request.method == "DELETE") return TestHttpResponse{204, {}, "", {}};
    return TestHttpResponse{200, {{"ETag", "\"abc\""}}, "twelve bytes", {}};
  });
  HttpClient client;
  HttpRequest request;
  request.method = "HEAD";
  request.url = server.BaseUrl() + "/thing";
  auto head = client.Send(request);
  ASSERT_TRUE(head.ok()) << head.error().Describe();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
  EXPECT_EQ(head->Header("etag"), "\"abc\"");
  EXPECT_EQ(head->Header("content-length"), "12");
  EXPECT_EQ(recorder.Last().method, "HEAD");

  request.method = "DELETE";
  auto deleted = client.Send(request);
  ASSERT_TRUE(deleted.ok()) << deleted.error().Describe();
  EXPECT_EQ(deleted->status, 204);
  EXPECT_EQ(recorder.Last().method, "DELETE");
}

TEST(HttpClientTest, ServerErrorIsAResponseNotAnError) {
  HttpTestServer server([](const TestHttpRequest&) {
    return TestHttpResponse{500, {{"Retry-After", "3"}}, "boom", {}};
  });
  HttpClient client;
  HttpRequest request;
  request.url = server.BaseUrl() + "/fail";
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().Describe();
  EXPECT_EQ(response->status, 500);
  EXPECT_FALSE(response->ok());
  EXPECT_EQ(response->body, "boom");
  EXPECT_EQ(RetryAfter(*response), std::chrono::milliseconds(3000));
  Error error = HttpStatusError(*response, "fetching thing");
  EXPECT_EQ(error.kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(error.retryable);
  EXPECT_EQ(error.message, "fetching thing: HTTP 500: boom");
}

TEST(HttpClientTest, RedirectsAreFollowedOnlyWhenAsked) {
  HttpTestServer server([](const TestHttpRequest& request) {
    if (request.path == "/old") return TestHttpResponse{302, {{"Location", "/new"}}, "moved", {}};
    return TestHttpResponse{200, {}, "new place", {}};
  });
  HttpClient client;
  HttpRequest request;
  request.url = server.BaseUrl() + "/old";
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().Describe();
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(response->Header("Location"), "/new");

  request.follow_redirects = true;
  response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().Describe();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "new place");
  EXPECT_FALSE(response->Header("Location").has_value());
}

TEST(HttpClientTest, ConnectionRefusedIsRetryableAndNamesTheAddress) {
  int port = reflector::testing::UnusedLocalPort();
  HttpClient client;
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/x";
  auto response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(response.error().retryable);
  EXPECT_NE(response.error().message.find("connection refused: 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << response.error().message;
}

TEST(HttpClientTest, UnresolvableHostIsRetryable) {
  HttpClient client;
  HttpRequest request;
  request.url = "http://no-such-host.invalid/x";  // .invalid never resolves (RFC 6761)
  auto response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kUnavailable);
  EXPECT_TRUE(response.error().retryable);
  EXPECT_NE(response.error().message.find("cannot resolve host 'no-such-host.invalid'"), std::string::npos)
      << response.error().message;
}

TEST(HttpClientTest, SlowServerTimesOut) {
  HttpTestServer server([](const TestHttpRequest&) {
    return TestHttpResponse{200, {}, "late", std::chrono::milliseconds(30000)};
  });
  HttpClient client;
  HttpRequest request;
  request.url = server.BaseUrl() + "/slow?secret=1";
  request.timeout = std::chrono::milliseconds(200);
  auto response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kTimeout);
  EXPECT_TRUE(response.error().retryable);
  // The query string (which may carry signatures) is left out of the message.
  EXPECT_EQ(response.error().message, "timed out after 200 ms: GET " + server.BaseUrl() + "/slow?...");
}

TEST(HttpClientTest, StopTokenCancelsAWaitingRequest) {
  std::promise<void> received;
  std::once_flag once;
  HttpTestServer server([&](const TestHttpRequest&) {
    std::call_once(once, [&] { received.set_value(); });
    return TestHttpResponse{200, {}, "late", std::chrono::milliseconds(30000)};
  });
  HttpClient client;
  HttpRequest request;
  request.url = server.BaseUrl() + "/slow";
  request.timeout = std::chrono::milliseconds(0);  // no limit: only the stop token ends it
  std::stop_source stop;
  std::jthread canceller([&, future = received.get_future()]() mutable {
    future.wait();
    stop.request_stop();
  });
  auto response = client.Send(request, stop.get_token());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kCancelled);
  EXPECT_EQ(response.error().message, "cancelled: GET " + server.BaseUrl() + "/slow");
}

TEST(HttpClientTest, StopTokenCancelsADownloadAndLeavesNoFile) {
  TempDir dir;
  std::promise<void> received;
  HttpTestServer server([&](const TestHttpRequest&) {
    received.set_value();
    return TestHttpResponse{200, {}, "late", std::chrono::milliseconds(30000)};
  });
  HttpClient client;
  HttpRequest request;
  request.url = server.BaseUrl() + "/slow";
  request.response_file = dir / "out.bin";
  std::stop_source stop;
  std::jthread canceller([&, future = received.get_future()]() mutable {
    future.wait();
    stop.request_stop();
  });
  auto response = client.Send(request, stop.get_token());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kCancelled);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(HttpClientTest, AlreadyStoppedTokenSendsNothing) {
  HttpTestServer server([](const TestHttpRequest&) { return TestHttpResponse{}; });
  HttpClient client;
  HttpRequest request;
  request.url = server.BaseUrl() + "/x";
  std::stop_source stop;
  stop.request_stop();
  auto response = client.Send(request, stop.get_token());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kCancelled);
  EXPECT_EQ(server.RequestCount(), 0);
}

TEST(HttpClientTest, RefusesMalformedRequests) {
  HttpClient client;
  HttpRequest request;
  request.url = "not a url";
  auto response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kInvalidInput);

  request.url = "ftp://127.0.0.1:21/x";
  response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kInvalidInput);

  request.url = "http://127.0.0.1:1/x";
  request.body = "a";
  request.body_file = "/nonexistent";
  response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kInvalidInput);
}

TEST(HttpClientTest, ConcurrentSendsFromManyThreads) {
  HttpTestServer server([](const TestHttpRequest& request) {
    return TestHttpResponse{200, {}, request.query, {}};
  });
  HttpClient client(HttpClient::Options{.max_idle_handles = 2});
  constexpr int kThreads = 6;
  constexpr int kRequestsPerThread = 5;
  std::vector<std::vector<std::string>> bodies(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kRequestsPerThread; ++i) {
          HttpRequest request;
          request.url = server.BaseUrl() + "/echo?" + std::to_string(t) + "-" + std::to_string(i);
          auto response = client.Send(request);
          bodies[t].push_back(response.ok() ? response->body : response.error().message);
        }
      });
    }
  }
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(bodies[t].size(), static_cast<std::size_t>(kRequestsPerThread));
    for (int i = 0; i < kRequestsPerThread; ++i) {
      EXPECT_EQ(bodies[t][i], std::to_string(t) + "-" + std::to_string(i));
    }
  }
  EXPECT_EQ(server.RequestCount(), kThreads * kRequestsPerThread);
}

HttpResponse ResponseWith(long status, std::string body, HttpHeaders headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

TEST(HttpStatusErrorTest, MapsStatusesToKinds) {
  for (long status : {429L, 500L, 502L, 503L, 504L}) {
    Error error = HttpStatusError(ResponseWith(status, ""), "call");
    EXPECT_EQ(error.kind, ErrorKind::kUnavailable) << status;
    EXPECT_TRUE(error.retryable) << status;
    EXPECT_EQ(error.message, "call: HTTP " + std::to_string(status));
  }
  Error not_found = HttpStatusError(ResponseWith(404, "no such key"), "GET s3://b/k");
  EXPECT_EQ(not_found.kind, ErrorKind::kNotFound);
  EXPECT_FALSE(not_found.retryable);
  EXPECT_EQ(not_found.message, "GET s3://b/k: HTTP 404: no such key");
  for (long status : {400L, 401L, 403L, 409L, 422L, 302L}) {
    Error error = HttpStatusError(ResponseWith(status, "nope"), "call");
    EXPECT_EQ(error.kind, ErrorKind::kExternal) << status;
    EXPECT_FALSE(error.retryable) << status;
  }
}

TEST(HttpStatusErrorTest, TruncatesAndFlattensTheBody) {
  Error error =
      HttpStatusError(ResponseWith(400, "line one\n\n  line two\t" + std::string(2000, 'x')), "call");
  EXPECT_EQ(error.message.rfind("call: HTTP 400: line one line two xxx", 0), 0u) << error.message;
  EXPECT_LT(error.message.size(), 600u);
  EXPECT_EQ(error.message.substr(error.message.size() - 3), "...");
}

TEST(RetryAfterTest, ParsesSeconds) {
  auto with = [](std::string value) { return ResponseWith(503, "", {{"retry-after", std::move(value)}}); };
  EXPECT_EQ(RetryAfter(with("120")), std::chrono::milliseconds(120000));
  EXPECT_EQ(RetryAfter(with(" 0 ")), std::chrono::milliseconds(0));
  EXPECT_EQ(RetryAfter(with("1.5")), std::chrono::milliseconds(1500));
  EXPECT_EQ(RetryAfter(with("0.25")), std::chrono::milliseconds(250));
  EXPECT_EQ(RetryAfter(with("0.0001")), std::chrono::milliseconds(1));  // rounded up
  EXPECT_EQ(RetryAfter(with(".5")), std::chrono::milliseconds(500));
}

TEST(RetryAfterTest, IgnoresMissingAndUnsupportedValues) {
  auto with = [](std::string value) { return ResponseWith(503, "", {{"Retry-After", std::move(value)}}); };
  EXPECT_FALSE(RetryAfter(ResponseWith(503, "")).has_value());
  for (const char* bad :
       {"", "abc", "-1", "+1", "1e3", "inf", "nan", "1.5s", "Wed, 21 Oct 2015 07:28:00 GMT"}) {
    EXPECT_FALSE(RetryAfter(with(bad)).has_value()) << bad;
  }
}

}  // namespace
}  // namespace reflector::net
