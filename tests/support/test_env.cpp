#include "support/test_env.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace reflector::testing {

std::string RequireServiceVariable(std::string_view name, std::string_view service) {
  std::string key(name);
  const char* value = std::getenv(key.c_str());
  if (value == nullptr || *value == '\0') {
    ADD_FAILURE() << key << " is not set: this test needs " << service
                  << ". Start the test services with `eval \"$(scripts/test-services start)\"` "
                     "(or run the whole suite with scripts/test).";
    return {};
  }
  return value;
}

std::filesystem::path TestDataDir() {
  return REFLECTOR_TEST_DATA_DIR;
}

std::filesystem::path BuiltBinary(std::string_view name) {
  return std::filesystem::path(REFLECTOR_BINARY_DIR) / name;
}

int ClosedLocalPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace reflector::testing
