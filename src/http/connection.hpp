#pragma once
// Inside the server (not for handlers): one accepted connection and the state the server
// shares with its connections. Includes Boost.Beast; only server.cpp and
// websocket_connection.cpp include it.

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "http/router.hpp"
#include "http/server.hpp"

namespace reflector::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Tcp = asio::ip::tcp;
using RequestParser = bhttp::request_parser<bhttp::buffer_body>;

class Connection;

struct ServerState {
  ServerOptions options;
  const Router& router;
  asio::io_context accept_context;
  std::optional<Tcp::acceptor> acceptor;
  std::atomic<bool> stopping = false;
  std::atomic<std::size_t> websockets = 0;

  std::mutex mutex;
  std::map<std::uint64_t, std::shared_ptr<Connection>> connections;
  std::map<std::uint64_t, std::thread> threads;
  std::vector<std::uint64_t> finished;    // threads to join
  std::map<std::string, int> per_client;  // open connections by client address
  std::uint64_t next_id = 1;

  ServerState(ServerOptions o, const Router& r) : options(std::move(o)), router(r) {}
};

// Runs the asynchronous operation started by `start` on `context` until it completes (other
// handlers posted to the context run meanwhile) and returns its error code.
template <typename Start>
beast::error_code RunToCompletion(asio::io_context& context, Start&& start) {
  beast::error_code result;
  bool done = false;
  start([&](beast::error_code ec, std::size_t /*bytes*/) {
    result = ec;
    done = true;
  });
  context.restart();
  while (!done) {
    if (context.run_one() == 0) return asio::error::operation_aborted;
  }
  return result;
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  enum class Phase { kIdle, kBusy, kWebSocket };

  Connection(ServerState& server, std::uint64_t id) : server_(server), id_(id), stream_(context_) {}

  asio::io_context& context() { return context_; }
  beast::tcp_stream& stream() { return stream_; }
  std::uint64_t id() const { return id_; }
  // The connection's loop: requests until the client leaves, an error, or the server stops.
  void Serve();
  // Posted by Server::Stop onto this connection's context.
  void OnServerStop();

 private:
  // Reads and answers one request; false when the connection must close.
  bool ServeOne();
  bool WriteResponse(Response& response, const Request& request, bool keep_alive);
  bool WriteStream(Response& response, bhttp::response_header<>& header);
  // After the handshake request: refusal or the socket's whole life.
  void ServeWebSocket(Request& request, const WebSocketHandler& handler);
  void SendContinueIfExpected();
  Request ToRequest();
  void Close();

  friend class ParserBodyReader;
  ServerState& server_;
  std::uint64_t id_;
  asio::io_context context_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  Phase phase_ = Phase::kIdle;
  bool expects_continue_ = false;
  bool body_too_large_ = false;
  bool body_failed_ = false;
  std::size_t requests_served_ = 0;
  std::function<void()> close_websocket_;  // set while a WebSocket is open
};

}  // namespace reflector::http
