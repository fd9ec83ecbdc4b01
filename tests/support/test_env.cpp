#include "support/test_env.hpp"

#include <gtest/gtest.h>

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

}  // namespace reflector::testing
