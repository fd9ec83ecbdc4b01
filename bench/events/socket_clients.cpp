#include "socket_clients.hpp"

namespace reflector::bench {
namespace {

void ReadEvents(testing::WebSocketClient& client, int expected, std::chrono::milliseconds idle_timeout,
                ClientReport& report) {
  report.deliveries.reserve(static_cast<std::size_t>(expected));
  while (static_cast<int>(report.deliveries.size()) < expected) {
    auto message = client.Read(idle_timeout);
    const std::int64_t received = MonotonicNanoseconds();
    if (!message) {
      report.problem = message.error().message;
      return;
    }
    if (message->closed) {
      report.problem = "closed with " + std::to_string(message->close_code);
      return;
    }
    auto parsed = ParseJson(message->text, "event message");
    if (!parsed) {
      report.problem = parsed.error().message;
      return;
    }
    if (auto stamp = ReadStamp(*parsed)) report.deliveries.push_back(Delivery{*stamp, received});
  }
}

}  // namespace

Result<std::unique_ptr<SocketClients>> SocketClients::Connect(int port, const std::string& target,
                                                              int count) {
  std::unique_ptr<SocketClients> clients(new SocketClients());
  for (int i = 0; i < count; ++i) {
    REFLECTOR_ASSIGN_OR_RETURN(auto client, testing::WebSocketClient::Connect("127.0.0.1", port, target));
    clients->clients_.push_back(std::move(client));
  }
  clients->reports_.resize(clients->clients_.size());
  return clients;
}

SocketClients::~SocketClients() {
  readers_.clear();  // a reader still waiting returns within its idle timeout
}

void SocketClients::Start(int expected, std::chrono::milliseconds idle_timeout) {
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    readers_.emplace_back(
        [this, i, expected, idle_timeout] { ReadEvents(*clients_[i], expected, idle_timeout, reports_[i]); });
  }
}

std::vector<ClientReport> SocketClients::Wait() {
  readers_.clear();  // joins
  for (auto& client : clients_)
    client->Close();
  return reports_;
}

}  // namespace reflector::bench
