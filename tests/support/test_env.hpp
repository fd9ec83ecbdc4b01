#pragma once
// Tests that need a real service read where it runs from variables that
// `scripts/test-services start` exports. A missing variable fails the test with a message
// saying how to start the service; it never skips silently.

#include <filesystem>
#include <string>
#include <string_view>

namespace reflector::testing {

// The value of `name`, or an empty string after recording a test failure that explains
// which service is missing and how to start it. Call from a test body or SetUp and return
// when the result is empty.
std::string RequireServiceVariable(std::string_view name, std::string_view service);

// The source tree's tests/data.
std::filesystem::path TestDataDir();

// Path of the `reflector` executable (or another built in src/app), for tests that run the CLI.
std::filesystem::path BuiltBinary(std::string_view name);

}  // namespace reflector::testing
