#include "http/server.hpp"

#include <boost/beast/websocket.hpp>

#include "core/log.hpp"
#include "http/connection.hpp"

namespace reflector::http {
namespace {

constexpr std::size_t kStreamPiece = std::size_t{64} * 1024;
constexpr std::size_t kHeaderLimit = std::size_t{32} * 1024;
// Unread request bodies up to this size are drained so the connection can be kept alive.
constexpr std::size_t kDrainLimit = 1 << 20;

std::string SplitPathAndQuery(std::string_view target, std::string& query) {
  const std::size_t mark = target.find('?');
  query = mark == std::string_view::npos ? "" : std::string(target.substr(mark + 1));
  return std::string(target.substr(0, mark));
}

}  // namespace

// Pulls the request body through the connection's parser, a piece at a time.
class ParserBodyReader final : public BodyReader {
 public:
  explicit ParserBodyReader(Connection& connection) : connection_(connection) {}

  Result<std::size_t> Read(char* buffer, std::size_t size) override {
    Connection& c = connection_;
    if (c.body_too_large_) return TooLarge();
    if (c.body_failed_) return Error::Transient(ErrorKind::kTimeout, "the request body could not be read");
    if (c.parser_->is_done() || size == 0) return std::size_t{0};
    c.SendContinueIfExpected();
    while (!c.parser_->is_done()) {
      auto& body = c.parser_->get().body();
      body.data = buffer;
      body.size = size;
      c.stream_.expires_after(c.server_.options.body_timeout);
      beast::error_code ec = RunToCompletion(c.context_, [&](auto handler) {
        bhttp::async_read_some(c.stream_, c.buffer_, *c.parser_, std::move(handler));
      });
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec == bhttp::error::body_limit) {
        c.body_too_large_ = true;
        return TooLarge();
      }
      if (ec) {
        c.body_failed_ = true;
        return Error::Transient(ErrorKind::kTimeout, "the request body could not be read: " + ec.message());
      }
      const std::size_t got = size - c.parser_->get().body().size;
      if (got > 0) return got;
    }
    return std::size_t{0};
  }

 private:
  Error TooLarge() const {
    return Error::InvalidInput("body too large: the server accepts at most " +
                               std::to_string(connection_.server_.options.max_body_bytes >> 20) + " MiB");
  }
  Connection& connection_;
};

void Connection::SendContinueIfExpected() {
  if (!expects_continue_) return;
  expects_continue_ = false;
  bhttp::response<bhttp::empty_body> interim{bhttp::status::continue_, 11};
  stream_.expires_after(server_.options.write_timeout);
  (void)RunToCompletion(context_,
                        [&](auto handler) { bhttp::async_write(stream_, interim, std::move(handler)); });
}

Request Connection::ToRequest() {
  const auto& message = parser_->get();
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  std::string query;
  request.path = SplitPathAndQuery(request.target, query);
  if (auto decoded = ParseQuery(query)) request.query = std::move(*decoded);
  for (const auto& field : message)
    request.headers.Add(std::string(field.name_string()), std::string(field.value()));
  beast::error_code ec;
  const auto remote = stream_.socket().remote_endpoint(ec);
  if (!ec) request.remote_address = remote.address().to_string();
  return request;
}

bool Connection::WriteStream(Response& response, bhttp::response_header<>& header) {
  bhttp::response<bhttp::buffer_body> message{std::move(header)};
  message.body().data = nullptr;
  message.body().more = true;
  bhttp::response_serializer<bhttp::buffer_body> serializer{message};
  stream_.expires_after(server_.options.write_timeout);
  beast::error_code ec = RunToCompletion(
      context_, [&](auto handler) { bhttp::async_write_header(stream_, serializer, std::move(handler)); });
  std::vector<char> piece(kStreamPiece);
  std::uint64_t sent = 0;
  while (!ec) {
    Result<std::size_t> got = response.stream(piece.data(), piece.size());
    if (!got) {
      log::Warn("a streamed response stopped", {{"error", got.error().Describe()}});
      return false;  // the length was promised: the only honest end is closing
    }
    sent += *got;
    message.body().data = *got == 0 ? nullptr : piece.data();
    message.body().size = *got;
    message.body().more = *got != 0;
    if (*got == 0 && sent != response.stream_length) return false;
    stream_.expires_after(server_.options.write_timeout);
    ec = RunToCompletion(context_,
                         [&](auto handler) { bhttp::async_write(stream_, serializer, std::move(handler)); });
    if (ec == bhttp::error::need_buffer) ec = {};
    if (*got == 0) break;
  }
  return !ec;
}

bool Connection::WriteResponse(Response& response, const Request& request, bool keep_alive) {
  bhttp::response_header<> header;
  header.version(11);
  header.result(static_cast<unsigned>(response.status));
  header.reason(ReasonPhrase(response.status));
  for (const auto& [name, value] : response.headers.fields())
    header.insert(name, value);
  header.set(bhttp::field::connection, keep_alive ? "keep-alive" : "close");
  header.set(bhttp::field::server, "reflector");
  const bool streamed = static_cast<bool>(response.stream);
  const std::uint64_t length = streamed ? response.stream_length : response.body.size();
  header.set(bhttp::field::content_length, std::to_string(length));
  if (response.head_only || request.method == "HEAD") {
    bhttp::response<bhttp::empty_body> message{std::move(header)};
    bhttp::response_serializer<bhttp::empty_body> serializer{message};
    stream_.expires_after(server_.options.write_timeout);
    return !RunToCompletion(
        context_, [&](auto handler) { bhttp::async_write_header(stream_, serializer, std::move(handler)); });
  }
  if (streamed) return WriteStream(response, header);
  bhttp::response<bhttp::string_body> message{std::move(header)};
  message.body() = std::move(response.body);
  stream_.expires_after(server_.options.write_timeout);
  return !RunToCompletion(context_,
                          [&](auto handler) { bhttp::async_write(stream_, message, std::move(handler)); });
}

bool Connection::ServeOne() {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(server_.options.max_body_bytes);
  expects_continue_ = body_too_large_ = body_failed_ = false;
  phase_ = Phase::kIdle;
  if (server_.stopping) return false;
  stream_.expires_after(requests_served_++ == 0 ? server_.options.header_timeout
                                                : server_.options.idle_timeout);
  beast::error_code ec = RunToCompletion(context_, [&](auto handler) {
    bhttp::async_read_header(stream_, buffer_, *parser_, std::move(handler));
  });
  phase_ = Phase::kBusy;
  Request bare;
  if (ec == bhttp::error::body_limit) {
    Response refusal = ErrorResponse(413, "Request body too large: the server accepts at most " +
                                              std::to_string(server_.options.max_body_bytes >> 20) + " MiB");
    WriteResponse(refusal, bare, false);
    return false;
  }
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset || ec == asio::error::eof) {
    return false;
  }
  if (ec) {
    Response refusal =
        ErrorResponse(ec == bhttp::error::header_limit ? 431 : 400, "Malformed request: " + ec.message());
    WriteResponse(refusal, bare, false);
    return false;
  }
  Request request = ToRequest();
  if (request.target.empty() || request.target.front() != '/') {
    Response refusal = ErrorResponse(400, "Malformed request target");
    WriteResponse(refusal, request, false);
    return false;
  }
  if (boost::beast::websocket::is_upgrade(parser_->get())) {
    if (const WebSocketHandler* handler = server_.router.FindWebSocket(request)) {
      ServeWebSocket(request, *handler);
      return false;
    }
  }
  const auto expect = request.headers.Get("Expect");
  expects_continue_ = expect && (*expect == "100-continue" || *expect == "100-Continue");
  ParserBodyReader reader(*this);
  request.body = &reader;
  Response response = server_.router.Dispatch(request);
  if (body_too_large_) {
    response = ErrorResponse(413, "Request body too large: the server accepts at most " +
                                      std::to_string(server_.options.max_body_bytes >> 20) + " MiB");
    server_.router.AddCorsHeaders(request, response);
  }
  bool keep_alive = parser_->get().keep_alive() && !server_.stopping && !body_too_large_ && !body_failed_;
  // A client that waits for 100 Continue sends its body only when asked: the handler did not
  // ask, so answer at once and close instead of waiting for a body nobody reads.
  if (expects_continue_ && !parser_->is_done()) keep_alive = false;
  if (keep_alive && !parser_->is_done()) {
    // Drain a small unread body; a large one is not worth reading, the connection closes.
    expects_continue_ = false;
    std::size_t drained = 0;
    char sink[16384];
    while (keep_alive && !parser_->is_done()) {
      Result<std::size_t> got = reader.Read(sink, sizeof sink);
      if (!got || *got == 0 || (drained += *got) > kDrainLimit) keep_alive = parser_->is_done();
    }
  }
  return WriteResponse(response, request, keep_alive) && keep_alive;
}

void Connection::Serve() {
  try {
    while (ServeOne()) {
    }
  } catch (const std::exception& error) {
    log::Error("connection failed", {{"error", error.what()}});
  }
  Close();
}

void Connection::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(Tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

void Connection::OnServerStop() {
  if (phase_ == Phase::kIdle) {
    beast::error_code ignored;
    stream_.socket().cancel(ignored);
  } else if (phase_ == Phase::kWebSocket && close_websocket_) {
    close_websocket_();
  }
}

Server::Server(ServerOptions options, const Router& router)
    : state_(std::make_shared<ServerState>(std::move(options), router)) {}

Server::~Server() {
  Stop();
  std::lock_guard lock(state_->mutex);
  for (auto& [id, thread] : state_->threads) {
    if (thread.joinable()) thread.detach();  // only when Run was never called to completion
  }
}

Result<int> Server::Listen() {
  ServerState& s = *state_;
  beast::error_code ec;
  const auto address = asio::ip::make_address(s.options.host, ec);
  const std::string where = s.options.host + ":" + std::to_string(s.options.port);
  if (ec) return Error::InvalidInput("cannot listen on " + where + ": not an IP address");
  s.acceptor.emplace(s.accept_context);
  const Tcp::endpoint endpoint(address, static_cast<unsigned short>(s.options.port));
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error::Terminal(ErrorKind::kIo, "cannot listen on " + where + ": " + ec.message());
  return static_cast<int>(s.acceptor->local_endpoint().port());
}

namespace {

void JoinFinished(ServerState& s) {
  std::vector<std::thread> done;
  {
    std::lock_guard lock(s.mutex);
    for (std::uint64_t id : s.finished) {
      auto found = s.threads.find(id);
      if (found != s.threads.end()) {
        done.push_back(std::move(found->second));
        s.threads.erase(found);
      }
    }
    s.finished.clear();
  }
  for (std::thread& thread : done)
    thread.join();
}

void RefuseBusy(Tcp::socket& socket) {
  static constexpr std::string_view kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 42\r\n"
      "Connection: close\r\n\r\n{\"detail\":\"Too many connections, try later\"}";
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(kBusy.data(), kBusy.size()), ignored);
  socket.close(ignored);
}

void Accept(const std::shared_ptr<ServerState>& state);

void StartConnection(const std::shared_ptr<ServerState>& state, const std::shared_ptr<Connection>& connection,
                     Tcp::socket socket) {
  ServerState& s = *state;
  beast::error_code ec;
  const std::string client = socket.remote_endpoint(ec).address().to_string();
  std::lock_guard lock(s.mutex);
  const int per_client_limit = s.options.max_connections_per_client;
  if (s.connections.size() >= static_cast<std::size_t>(s.options.max_connections) ||
      (per_client_limit > 0 && s.per_client[client] >= per_client_limit)) {
    if (s.per_client[client] == 0) s.per_client.erase(client);
    RefuseBusy(socket);
    return;
  }
  ++s.per_client[client];
  connection->stream().socket() = std::move(socket);
  s.connections[connection->id()] = connection;
  s.threads[connection->id()] = std::thread([state, connection, client] {
    connection->Serve();
    std::lock_guard done(state->mutex);
    state->connections.erase(connection->id());
    if (--state->per_client[client] <= 0) state->per_client.erase(client);
    state->finished.push_back(connection->id());
  });
}

void Accept(const std::shared_ptr<ServerState>& state) {
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(state->mutex);
    connection = std::make_shared<Connection>(*state, state->next_id++);
  }
  state->acceptor->async_accept(connection->context(),
                                [state, connection](beast::error_code ec, Tcp::socket socket) {
                                  if (ec || state->stopping) return;  // the acceptor closed
                                  JoinFinished(*state);
                                  StartConnection(state, connection, std::move(socket));
                                  Accept(state);
                                });
}

}  // namespace

void Server::Run() {
  ServerState& s = *state_;
  if (!s.acceptor) return;
  Accept(state_);
  s.accept_context.run();
  // Stopping: wait for every connection.
  // Connections still open finish by themselves (OnServerStop closed the idle ones).
  while (true) {
    JoinFinished(s);
    {
      std::lock_guard lock(s.mutex);
      if (s.threads.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Server::Stop() {
  ServerState& s = *state_;
  if (s.stopping.exchange(true)) return;
  asio::post(s.accept_context, [state = state_] {
    beast::error_code ignored;
    if (state->acceptor) state->acceptor->close(ignored);
  });
  std::lock_guard lock(s.mutex);
  for (auto& entry : s.connections) {
    auto connection = entry.second;
    asio::post(connection->context(), [connection] { connection->OnServerStop(); });
  }
}

ServerCounters Server::counters() const {
  std::lock_guard lock(state_->mutex);
  return ServerCounters{state_->connections.size(), state_->websockets.load()};
}

}  // namespace reflector::http
