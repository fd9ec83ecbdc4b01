#pragma once
// A TCP forwarder on 127.0.0.1 for outage tests: while "down" it accepts connections and closes
// them at once (a client sees a reset or an empty reply), and going down resets the connections
// it was forwarding; while "up" it forwards bytes both ways to the upstream host and port.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace reflector::testing {

class TcpProxy {
 public:
  // Throws std::runtime_error when it cannot listen.
  TcpProxy(std::string upstream_host, int upstream_port, bool start_down);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }
  void SetDown(bool down) { down_ = down; }
  // Connections refused while down.
  std::uint64_t refused() const { return refused_; }

 private:
  void AcceptLoop();
  void Forward(int client);

  std::string upstream_host_;
  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> down_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> refused_{0};
  std::mutex mutex_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace reflector::testing
