// The WebSocket part of a connection: handshake (or refusal), then a read loop and an ordered,
// bounded outbox, all on the connection's own I/O context.

#include <boost/beast/websocket.hpp>
#include <deque>

#include "core/log.hpp"
#include "http/connection.hpp"

namespace reflector::http {
namespace {

namespace websocket = boost::beast::websocket;
constexpr std::chrono::seconds kCloseGrace{2};
using Socket = websocket::stream<beast::tcp_stream>;

// The channel handlers hold. Send and Close may come from any thread: they queue under the
// mutex and post a flush onto the connection's context while it is alive.
class Channel final : public WebSocketChannel, public std::enable_shared_from_this<Channel> {
 public:
  Channel(asio::io_context& context, Socket& socket, std::size_t outbox_limit)
      : context_(context), socket_(socket), outbox_limit_(outbox_limit) {}

  bool Send(std::string message) override {
    std::lock_guard lock(mutex_);
    if (detached_ || close_code_) return false;
    if (outbox_.size() >= outbox_limit_) {
      close_code_ = kClosePolicy;
      close_reason_ = "the client does not read its messages";
      overflowed_ = true;
      outbox_.clear();
    } else {
      outbox_.push_back(std::move(message));
    }
    PostFlushLocked();
    return !overflowed_;
  }

  void Close(std::uint16_t code, std::string reason) override {
    std::lock_guard lock(mutex_);
    if (detached_ || close_code_) return;
    close_code_ = code;
    close_reason_ = std::move(reason);
    PostFlushLocked();
  }

  // Called on the connection's thread once the socket is finished.
  void Detach() {
    std::lock_guard lock(mutex_);
    detached_ = true;
    outbox_.clear();
  }

 private:
  void PostFlushLocked() {
    if (detached_ || flush_posted_) return;
    flush_posted_ = true;
    asio::post(context_, [self = shared_from_this()] { self->Flush(); });
  }

  // On the connection's thread.
  void Flush() {
    std::string next;
    std::optional<std::uint16_t> close;
    {
      std::lock_guard lock(mutex_);
      flush_posted_ = false;
      if (writing_ || detached_) return;
      if (overflowed_) {
        beast::error_code ignored;
        beast::get_lowest_layer(socket_).socket().close(ignored);  // no polite close: it would queue too
        return;
      }
      if (!outbox_.empty()) {
        next = std::move(outbox_.front());
        outbox_.pop_front();
      } else if (close_code_ && !close_sent_) {
        close_sent_ = true;
        close = close_code_;
      } else {
        return;
      }
      writing_ = true;
    }
    auto self = shared_from_this();
    if (close) {
      websocket::close_reason reason;
      reason.code = *close;
      reason.reason = close_reason_;
      socket_.async_close(reason, [self](beast::error_code) {
        std::lock_guard lock(self->mutex_);
        self->writing_ = false;
      });
      return;
    }
    auto message = std::make_shared<std::string>(std::move(next));
    socket_.text(true);
    socket_.async_write(asio::buffer(*message), [self, message](beast::error_code ec, std::size_t) {
      {
        std::lock_guard lock(self->mutex_);
        self->writing_ = false;
        if (ec) {
          self->outbox_.clear();
          self->detached_ = true;
          return;
        }
      }
      self->Flush();
    });
  }

  asio::io_context& context_;
  Socket& socket_;
  std::size_t outbox_limit_;
  std::mutex mutex_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool flush_posted_ = false;
  bool detached_ = false;
  bool overflowed_ = false;
  bool close_sent_ = false;
  std::optional<std::uint16_t> close_code_;
  std::string close_reason_;
};

// Reads until the socket closes (either side, a timeout, or a dropped connection), then runs
// `on_end` once.
void ReadLoop(Socket& socket, beast::flat_buffer& buffer, WebSocketSession& session,
              const std::function<void()>& on_end) {
  socket.async_read(buffer, [&socket, &buffer, &session, &on_end](beast::error_code ec, std::size_t) {
    if (ec) {
      on_end();
      return;
    }
    session.OnMessage(beast::buffers_to_string(buffer.data()));
    buffer.consume(buffer.size());
    ReadLoop(socket, buffer, session, on_end);
  });
}

}  // namespace

void Connection::ServeWebSocket(Request& request, const WebSocketHandler& handler) {
  WebSocketDecision decision = handler(request);
  if (auto* refusal = std::get_if<Response>(&decision)) {
    server_.router.AddCorsHeaders(request, *refusal);
    WriteResponse(*refusal, request, false);
    return;
  }
  auto& acceptance = std::get<WebSocketAcceptance>(decision);
  Socket socket(std::move(stream_));
  beast::get_lowest_layer(socket).expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = server_.options.header_timeout;
  timeouts.idle_timeout = server_.options.websocket_idle_timeout;
  timeouts.keep_alive_pings = true;
  socket.set_option(timeouts);
  if (acceptance.subprotocol) {
    socket.set_option(websocket::stream_base::decorator(
        [protocol = *acceptance.subprotocol](websocket::response_type& response) {
          response.set(bhttp::field::sec_websocket_protocol, protocol);
        }));
  }
  beast::error_code ec = RunToCompletion(context_, [&](auto on_done) {
    socket.async_accept(parser_->get(), [on_done = std::move(on_done)](beast::error_code error) mutable {
      on_done(error, 0);
    });
  });
  if (ec) return;
  auto channel = std::make_shared<Channel>(context_, socket, server_.options.websocket_outbox_limit);
  ++server_.websockets;
  phase_ = Phase::kWebSocket;
  // On stop: a polite 1001, and a client that does not finish the closing handshake soon is
  // disconnected, so that stopping never waits for it.
  asio::steady_timer give_up(context_);
  close_websocket_ = [&] {
    channel->Close(kCloseGoingAway, "server stopping");
    give_up.expires_after(kCloseGrace);
    give_up.async_wait([&socket](beast::error_code waited) {
      beast::error_code ignored;
      if (!waited) beast::get_lowest_layer(socket).socket().close(ignored);
    });
  };
  if (server_.stopping) close_websocket_();
  {
    std::unique_ptr<WebSocketSession> session;
    try {
      session = acceptance.open(channel);
    } catch (const std::exception& error) {
      log::Error("websocket session failed to open", {{"route", request.route}, {"error", error.what()}});
      channel->Close(kCloseInternal, "internal error");
    }
    WebSocketSession idle;
    beast::flat_buffer buffer;
    const std::function<void()> on_end = [&] {
      beast::error_code ignored;
      beast::get_lowest_layer(socket).socket().close(ignored);
      give_up.cancel();
      context_.stop();  // Beast's idle timer would otherwise keep the context busy until it fires
    };
    ReadLoop(socket, buffer, session ? *session : idle, on_end);
    context_.restart();
    context_.run();
    channel->Detach();
  }
  close_websocket_ = nullptr;
  --server_.websockets;
  beast::error_code ignored;
  beast::get_lowest_layer(socket).socket().close(ignored);
}

}  // namespace reflector::http
