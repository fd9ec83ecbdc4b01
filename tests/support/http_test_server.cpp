#include "support/http_test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace reflector::testing {
namespace {

constexpr std::size_t kMaxHeaderBytes = 1 << 20;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

std::string SerializeResponse(const TestHttpResponse& response, bool head) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " +
                    std::string(ReasonPhrase(response.status)) + "\r\n";
  for (const auto& [name, value] : response.headers)
    out += name + ": " + value + "\r\n";
  bool no_body = response.status == 204 || response.status == 304 || response.status < 200;
  if (!no_body) out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  if (!no_body && !head) out += response.body;
  return out;
}

}  // namespace

std::optional<std::string> TestHttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

HttpTestServer::HttpTestServer(Handler handler) : handler_(std::move(handler)) {
  if (::pipe(wake_pipe_) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::string error = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("cannot listen on 127.0.0.1: " + error);
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

HttpTestServer::~HttpTestServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stopped_.notify_all();
  char byte = 1;
  // The pipe is never read, so once written it wakes every poll for good.
  (void)!::write(wake_pipe_[1], &byte, 1);
  acceptor_.join();
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(mutex_);
    connections.swap(connections_);
  }
  for (auto& thread : connections)
    thread.join();
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

std::string HttpTestServer::BaseUrl() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void HttpTestServer::AcceptLoop() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if ((fds[1].revents & POLLIN) != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    connections_.emplace_back([this, fd] {
      Serve(fd);
      ::close(fd);
    });
  }
}

bool HttpTestServer::Wait(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !stopped_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void HttpTestServer::Serve(int fd) {
  std::string buffer;
  // Reads more bytes into `buffer`; false on end of stream, error or server shutdown.
  auto read_more = [&] {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    while (true) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      if ((fds[1].revents & POLLIN) != 0) return false;
      char chunk[64 * 1024];
      ssize_t received = ::recv(fd, chunk, sizeof(chunk), 0);
      if (received < 0 && errno == EINTR) continue;
      if (received <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(received));
      return true;
    }
  };

  std::size_t header_end = std::string::npos;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (buffer.size() > kMaxHeaderBytes || !read_more()) return;
  }

  TestHttpRequest request;
  std::string_view head(buffer.data(), header_end);
  std::size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  std::size_t first_space = request_line.find(' ');
  std::size_t second_space = request_line.find(' ', first_space + 1);
  if (first_space == std::string_view::npos || second_space == std::string_view::npos) {
    SendAll(fd, SerializeResponse({400, {}, "bad request line", {}}, false));
    return;
  }
  request.method = std::string(request_line.substr(0, first_space));
  std::string_view target = request_line.substr(first_space + 1, second_space - first_space - 1);
  std::size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));

  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    std::size_t end = rest.find("\r\n");
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? "" : rest.substr(end + 2);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    request.headers.emplace_back(std::string(Trim(line.substr(0, colon))),
                                 std::string(Trim(line.substr(colon + 1))));
  }

  if (auto encoding = request.Header("Transfer-Encoding");
      encoding && EqualsIgnoreCase(*encoding, "chunked")) {
    SendAll(fd, SerializeResponse({501, {}, "chunked request bodies are not supported", {}}, false));
    return;
  }
  std::size_t content_length = 0;
  if (auto length = request.Header("Content-Length")) {
    try {
      content_length = std::stoull(*length);
    } catch (const std::exception&) {
      SendAll(fd, SerializeResponse({400, {}, "bad Content-Length", {}}, false));
      return;
    }
  }
  buffer.erase(0, header_end + 4);
  if (auto expect = request.Header("Expect");
      expect && EqualsIgnoreCase(*expect, "100-continue") && buffer.size() < content_length) {
    if (!SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return;
  }
  while (buffer.size() < content_length) {
    if (!read_more()) return;
  }
  request.body = buffer.substr(0, content_length);
  ++request_count_;

  TestHttpResponse response;
  try {
    response = handler_(request);
  } catch (const std::exception& error) {
    response = {500, {}, std::string("test handler threw: ") + error.what(), {}};
  }
  if (response.delay.count() > 0 && !Wait(response.delay)) return;
  SendAll(fd, SerializeResponse(response, request.method == "HEAD"));
  ::shutdown(fd, SHUT_WR);
}

int UnusedLocalPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::string error = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("cannot bind 127.0.0.1:0: " + error);
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace reflector::testing
