#include "support/websocket_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/websocket.hpp>

namespace reflector::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

struct WebSocketClient::State {
  asio::io_context context;
  websocket::stream<beast::tcp_stream> socket{context};
  beast::flat_buffer buffer;
  std::string protocol;
};

namespace {

// Runs the context until `done` or the deadline; false on timeout (the operation is cancelled).
bool RunUntil(asio::io_context& context, const bool& done, std::chrono::milliseconds timeout,
              beast::tcp_stream& stream) {
  context.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done) {
    if (context.run_one_until(deadline) == 0 && !done) {
      beast::error_code ignored;
      stream.socket().cancel(ignored);
      context.restart();
      context.run_for(std::chrono::milliseconds(200));
      return false;
    }
  }
  return true;
}

}  // namespace

WebSocketClient::WebSocketClient(std::unique_ptr<State> state) : state_(std::move(state)) {}
WebSocketClient::~WebSocketClient() {
  Abort();
}

Result<std::unique_ptr<WebSocketClient>> WebSocketClient::Connect(const std::string& host, int port,
                                                                  const std::string& target,
                                                                  const std::vector<std::string>& protocols) {
  auto state = std::make_unique<State>();
  beast::error_code ec;
  auto& stream = beast::get_lowest_layer(state->socket);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), static_cast<unsigned short>(port)),
                 ec);
  if (ec) return Error::Transient(ErrorKind::kUnavailable, "connect: " + ec.message());
  std::string offered;
  for (const auto& protocol : protocols)
    offered += (offered.empty() ? "" : ", ") + protocol;
  if (!offered.empty()) {
    state->socket.set_option(websocket::stream_base::decorator([offered](websocket::request_type& request) {
      request.set(beast::http::field::sec_websocket_protocol, offered);
    }));
  }
  websocket::response_type response;
  bool done = false;
  state->socket.async_handshake(response, host + ":" + std::to_string(port), target,
                                [&](beast::error_code error) {
                                  ec = error;
                                  done = true;
                                });
  if (!RunUntil(state->context, done, std::chrono::seconds(10), stream)) {
    return Error::Transient(ErrorKind::kTimeout, "handshake timed out");
  }
  if (ec)
    return Error::Terminal(ErrorKind::kExternal,
                           "HTTP " + std::to_string(response.result_int()) + ": " + ec.message());
  state->protocol = std::string(response[beast::http::field::sec_websocket_protocol]);
  return std::unique_ptr<WebSocketClient>(new WebSocketClient(std::move(state)));
}

const std::string& WebSocketClient::protocol() const {
  return state_->protocol;
}

Result<WebSocketMessage> WebSocketClient::Read(std::chrono::milliseconds timeout) {
  beast::error_code ec;
  bool done = false;
  state_->buffer.clear();
  state_->socket.async_read(state_->buffer, [&](beast::error_code error, std::size_t) {
    ec = error;
    done = true;
  });
  if (!RunUntil(state_->context, done, timeout, beast::get_lowest_layer(state_->socket))) {
    return Error::Transient(ErrorKind::kTimeout, "no message within the deadline");
  }
  WebSocketMessage message;
  if (ec) {
    message.closed = true;
    message.close_code = static_cast<std::uint16_t>(state_->socket.reason().code);
    return message;
  }
  message.text = beast::buffers_to_string(state_->buffer.data());
  return message;
}

Status WebSocketClient::Send(const std::string& text) {
  beast::error_code ec;
  state_->socket.text(true);
  state_->socket.write(asio::buffer(text), ec);
  if (ec) return Error::Terminal(ErrorKind::kIo, "send: " + ec.message());
  return Ok();
}

void WebSocketClient::Close() {
  beast::error_code ec;
  bool done = false;
  state_->socket.async_close(websocket::close_code::normal, [&](beast::error_code error) {
    ec = error;
    done = true;
  });
  RunUntil(state_->context, done, std::chrono::seconds(5), beast::get_lowest_layer(state_->socket));
}

void WebSocketClient::Abort() {
  beast::error_code ignored;
  beast::get_lowest_layer(state_->socket).socket().close(ignored);
}

}  // namespace reflector::testing
