// The server on a free port, driven by real clients: libcurl (net::HttpClient), raw sockets for
// misbehaving clients, and a Beast WebSocket client.

#include "http/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "net/http_client.hpp"
#include "support/websocket_client.hpp"

namespace reflector::http {
namespace {

using testing::WebSocketClient;

net::HttpRequest Req(std::string method, std::string url, std::string body = {}) {
  net::HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.body = std::move(body);
  return request;
}

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<Server>(options, router_);
    auto port = server_->Listen();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  net::HttpResponse Send(net::HttpRequest request) {
    auto response = client_.Send(request);
    EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message);
    return response.ok() ? *response : net::HttpResponse{};
  }
  // Waits until the server holds `count` connections; false after 10 s.
  bool WaitForConnections(std::size_t count) const {
    for (int i = 0; i < 200; ++i) {
      if (server_->counters().connections >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // A raw TCP connection to the server on 127.0.0.1 from `from` (any loopback address).
  int RawConnect(const char* from = "127.0.0.1") const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in source{};
    source.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &source.sin_addr);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source), 0) << from;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port_));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    return fd;
  }
  // Everything the server sends until it closes (or `wait` passes).
  static std::string ReadAll(int fd, std::chrono::seconds wait) {
    timeval timeout{static_cast<time_t>(wait.count()), 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string text;
    char buffer[4096];
    while (true) {
      const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      text.append(buffer, static_cast<std::size_t>(got));
    }
    return text;
  }

  Router router_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
  net::HttpClient client_;
};

TEST_F(ServerTest, AnswersJsonAndKeepsQueryAndHeaders) {
  router_.Add("GET /echo/{name}", [](Request& r) -> Result<Response> {
    return JsonResponse(200, Json{{"name", r.Param("name")},
                                  {"q", r.Query("q").value_or("")},
                                  {"header", std::string(r.headers.Get("X-Test").value_or(""))}});
  });
  Start();
  net::HttpRequest request = Req("GET", Url("/echo/ana?q=a+b%21"));
  request.headers = {{"X-Test", "yes"}};
  net::HttpResponse response = Send(request);
  EXPECT_EQ(response.status, 200);
  Json body = ParseJson(response.body, "body").value();
  EXPECT_EQ(body["name"], "ana");
  EXPECT_EQ(body["q"], "a b!");
  EXPECT_EQ(body["header"], "yes");
  EXPECT_EQ(response.Header("Content-Type").value_or(""), "application/json");
}

TEST_F(ServerTest, StreamsALargeBodyToTheHandlerInPieces) {
  std::atomic<std::size_t> largest_piece = 0;
  router_.Add("POST /upload", [&](Request& r) -> Result<Response> {
    std::vector<char> piece(4096);
    std::size_t total = 0;
    std::uint64_t checksum = 0;
    while (true) {
      REFLECTOR_ASSIGN_OR_RETURN(std::size_t got, r.body->Read(piece.data(), piece.size()));
      if (got == 0) break;
      largest_piece = std::max<std::size_t>(largest_piece, got);
      for (std::size_t i = 0; i < got; ++i)
        checksum += static_cast<unsigned char>(piece[i]);
      total += got;
    }
    return JsonResponse(200, Json{{"bytes", total}, {"checksum", checksum}});
  });
  Start();
  std::string body(3 << 20, '\0');
  std::uint64_t checksum = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    body[i] = static_cast<char>(i * 7 % 251);
    checksum += static_cast<unsigned char>(body[i]);
  }
  net::HttpResponse response = Send(Req("POST", Url("/upload"), body));
  ASSERT_EQ(response.status, 200);
  Json answer = ParseJson(response.body, "body").value();
  EXPECT_EQ(answer["bytes"], body.size());
  EXPECT_EQ(answer["checksum"], checksum);
  EXPECT_LE(largest_piece.load(), 4096u);
}

TEST_F(ServerTest, BodiesOverTheLimitGet413) {
  router_.Add("POST /upload", [](Request& r) -> Result<Response> {
    REFLECTOR_ASSIGN_OR_RETURN(std::string body, r.ReadBody(std::size_t{64} << 20));
    return JsonResponse(200, Json{{"bytes", body.size()}});
  });
  ServerOptions options;
  options.max_body_bytes = 1 << 20;
  Start(options);
  net::HttpResponse declared = Send(Req("POST", Url("/upload"), std::string(2 << 20, 'x')));
  EXPECT_EQ(declared.status, 413);
  EXPECT_NE(declared.body.find("detail"), std::string::npos);
  // Chunked: the size is only known while reading.
  const int fd = RawConnect();
  std::string request = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(1 << 16, 'y');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  ASSERT_GT(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), 0);
  for (int i = 0; i < 20; ++i) {
    std::string piece = std::string(size_line) + chunk + "\r\n";
    if (::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL) <= 0) break;
  }
  EXPECT_NE(ReadAll(fd, std::chrono::seconds(10)).find("413"), std::string::npos);
  ::close(fd);
  // The server still answers.
  EXPECT_EQ(Send(Req("POST", Url("/upload"), "small")).status, 200);
}

TEST_F(ServerTest, MalformedRequestsGet400AndTheServerCarriesOn) {
  router_.Add("GET /ok", [](Request&) -> Result<Response> { return JsonResponse(200, Json::object()); });
  Start();
  for (const std::string& garbage : {std::string("BLAH\r\n\r\n"), std::string("GET /ok HTTP/9.9\r\n\r\n"),
                                     std::string("GET /ok HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
                                     std::string(100000, 'A') + "\r\n\r\n"}) {
    const int fd = RawConnect();
    ::send(fd, garbage.data(), garbage.size(), MSG_NOSIGNAL);
    const std::string answer = ReadAll(fd, std::chrono::seconds(10));
    ::close(fd);
    EXPECT_TRUE(answer.empty() || answer.rfind("HTTP/1.1 4", 0) == 0) << answer.substr(0, 40);
  }
  EXPECT_EQ(Send(Req("GET", Url("/ok"))).status, 200);
}

TEST_F(ServerTest, AnAnswerWithoutReadingTheBodyDoesNotWaitForIt) {
  // A refusal (401, 404...) from a handler that never reads the body: a client waiting for
  // 100 Continue (curl's PATCH, large POSTs) gets the answer at once, not after its own timeout.
  router_.Add("PATCH /refuse",
              [](Request&) -> Result<Response> { return ErrorResponse(404, "nothing here"); });
  Start();
  const int fd = RawConnect();
  const std::string request =
      "PATCH /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  const auto started = std::chrono::steady_clock::now();
  const std::string answer = ReadAll(fd, std::chrono::seconds(10));
  ::close(fd);
  EXPECT_EQ(answer.rfind("HTTP/1.1 404", 0), 0U) << answer.substr(0, 40);
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  net::HttpRequest patch = Req("PATCH", Url("/refuse"), "{}");
  const auto sent = std::chrono::steady_clock::now();
  EXPECT_EQ(Send(patch).status, 404);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::milliseconds(900));
}

TEST_F(ServerTest, ASlowClientIsDisconnected) {
  router_.Add("GET /ok", [](Request&) -> Result<Response> { return JsonResponse(200, Json::object()); });
  ServerOptions options;
  options.header_timeout = std::chrono::seconds(1);
  Start(options);
  const int fd = RawConnect();
  const std::string partial = "GET /ok HTTP/1.1\r\nHost: x\r\n";  // never finished
  ::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL);
  const auto started = std::chrono::steady_clock::now();
  ReadAll(fd, std::chrono::seconds(30));  // returns when the server closes
  ::close(fd);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

// A slowloris from one address holds its connections by never finishing its headers; past
// max_connections_per_client it is refused, and a client from another address is still served.
TEST_F(ServerTest, OneSlowClientCannotTakeEveryConnection) {
  router_.Add("GET /ok", [](Request&) -> Result<Response> { return JsonResponse(200, Json::object()); });
  ServerOptions options;
  options.max_connections = 16;
  options.max_connections_per_client = 4;
  Start(options);
  std::vector<int> slow;
  const std::string partial = "GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  for (int i = 0; i < 4; ++i) {
    slow.push_back(RawConnect("127.0.0.1"));
    ::send(slow.back(), partial.data(), partial.size(), MSG_NOSIGNAL);
  }
  ASSERT_TRUE(WaitForConnections(4));
  const int refused = RawConnect("127.0.0.1");
  EXPECT_NE(ReadAll(refused, std::chrono::seconds(10)).find("503 Service Unavailable"), std::string::npos);
  ::close(refused);
  const int other = RawConnect("127.0.0.2");
  const std::string request = "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ::send(other, request.data(), request.size(), MSG_NOSIGNAL);
  EXPECT_NE(ReadAll(other, std::chrono::seconds(10)).find("200 OK"), std::string::npos) << "another client";
  ::close(other);
  for (int fd : slow)
    ::close(fd);
  // Once the slow connections are gone, their address is served again.
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    const int again = RawConnect("127.0.0.1");
    ::send(again, request.data(), request.size(), MSG_NOSIGNAL);
    served = ReadAll(again, std::chrono::seconds(10)).find("200 OK") != std::string::npos;
    ::close(again);
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(served);
}

TEST_F(ServerTest, HeadGetsTheHeadersOfGetWithoutTheBody) {
  router_.Add("GET /file", [](Request&) -> Result<Response> {
    Response response;
    response.body = "0123456789";
    response.headers.Set("Content-Type", "text/plain");
    return response;
  });
  Start();
  net::HttpResponse head = Send(Req("HEAD", Url("/file")));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Length").value_or(""), "10");
  EXPECT_TRUE(head.body.empty());
}

TEST_F(ServerTest, StreamedResponsesArriveWhole) {
  router_.Add("GET /stream", [](Request&) -> Result<Response> {
    Response response;
    auto left = std::make_shared<std::size_t>(1 << 20);
    response.stream_length = *left;
    response.stream = [left](char* buffer, std::size_t size) -> Result<std::size_t> {
      const std::size_t n = std::min(size, *left);
      std::fill_n(buffer, n, 'z');
      *left -= n;
      return n;
    };
    return response;
  });
  Start();
  net::HttpResponse response = Send(Req("GET", Url("/stream")));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body.size(), std::size_t{1} << 20);
}

TEST_F(ServerTest, StopLetsARequestInProgressFinish) {
  std::atomic<bool> entered = false;
  router_.Add("GET /slow", [&](Request&) -> Result<Response> {
    entered = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return JsonResponse(200, Json{{"done", true}});
  });
  Start();
  std::thread stopper([&] {
    while (!entered)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    server_->Stop();
  });
  net::HttpResponse response = Send(Req("GET", Url("/slow")));
  stopper.join();
  EXPECT_EQ(response.status, 200);
  thread_.join();  // Run returned: every connection is done
  net::HttpRequest again = Req("GET", Url("/slow"));
  again.connect_timeout = std::chrono::milliseconds(2000);
  auto refused = client_.Send(again);
  EXPECT_FALSE(refused.ok());
}

class EchoSession final : public WebSocketSession {
 public:
  explicit EchoSession(std::shared_ptr<WebSocketChannel> channel) : channel_(std::move(channel)) {}
  void OnMessage(std::string_view message) override { channel_->Send("echo:" + std::string(message)); }

 private:
  std::shared_ptr<WebSocketChannel> channel_;
};

TEST_F(ServerTest, WebSocketsEchoRefuseAndCloseWith1001OnStop) {
  router_.AddWebSocket("/ws/{name}", [](Request& r) -> WebSocketDecision {
    if (r.Param("name") == "nobody") return ErrorResponse(403, "no");
    WebSocketAcceptance accept;
    accept.subprotocol = "bearer";
    accept.open = [](std::shared_ptr<WebSocketChannel> channel) {
      channel->Send("hello");
      return std::make_unique<EchoSession>(channel);
    };
    return accept;
  });
  Start();
  auto refused = WebSocketClient::Connect("127.0.0.1", port_, "/ws/nobody");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("403"), std::string::npos);

  auto client = WebSocketClient::Connect("127.0.0.1", port_, "/ws/ana", {"bearer", "token"});
  ASSERT_TRUE(client.ok()) << client.error().message;
  EXPECT_EQ((*client)->protocol(), "bearer");
  EXPECT_EQ((*client)->Read()->text, "hello");
  ASSERT_TRUE((*client)->Send("hi").ok());
  EXPECT_EQ((*client)->Read()->text, "echo:hi");

  auto dropped = WebSocketClient::Connect("127.0.0.1", port_, "/ws/ben");
  ASSERT_TRUE(dropped.ok());
  (*dropped)->Abort();  // a client that vanishes does not disturb the others

  server_->Stop();
  auto closed = (*client)->Read();
  ASSERT_TRUE(closed.ok());
  EXPECT_TRUE(closed->closed);
  EXPECT_EQ(closed->close_code, kCloseGoingAway);
}

TEST_F(ServerTest, ListeningOnABusyPortIsAClearError) {
  Start();
  ServerOptions options;
  options.port = port_;
  Server second(options, router_);
  auto refused = second.Listen();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find(std::to_string(port_)), std::string::npos);
}

}  // namespace
}  // namespace reflector::http
