// ParseDotEnv (config.hpp): the .env file's NAME=value lines.

#include "core/config.hpp"
#include "core/text.hpp"

namespace reflector {

Result<std::map<std::string, std::string>> ParseDotEnv(std::string_view text) {
  std::map<std::string, std::string> values;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    std::size_t newline = text.find('\n');
    std::string_view line = TrimBlanks(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (line.empty() || line.front() == '#') continue;
    if (StartsWith(line, "export ")) line = TrimBlanks(line.substr(7));
    std::size_t equals = line.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return Error::InvalidInput(".env line " + std::to_string(line_number) + ": expected NAME=value");
    }
    std::string name(TrimBlanks(line.substr(0, equals)));
    std::string_view value = TrimBlanks(line.substr(equals + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    } else if (std::size_t hash = value.find(" #"); hash != std::string_view::npos) {
      value = TrimBlanks(value.substr(0, hash));
    }
    values[name] = std::string(value);
  }
  return values;
}

}  // namespace reflector
