#pragma once
// Small text helpers shared by the settings loader and the .env reader.

#include <string>
#include <string_view>

namespace reflector {

// Without leading and trailing spaces, tabs and carriage returns.
std::string_view TrimBlanks(std::string_view text);
// ASCII lower case.
std::string AsciiLower(std::string_view text);
inline bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace reflector
