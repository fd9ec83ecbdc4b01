#include "app/environment.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;  // NOLINT: POSIX

namespace reflector::app {

Result<Settings> LoadSettings(const std::string& dotenv_path) {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    std::size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    variables.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  if (!dotenv_path.empty() && std::filesystem::exists(dotenv_path)) {
    std::ifstream file(dotenv_path);
    if (!file) return Error::Terminal(ErrorKind::kIo, "cannot read " + dotenv_path);
    std::stringstream buffer;
    buffer << file.rdbuf();
    auto parsed = ParseDotEnv(buffer.str());
    if (!parsed) return parsed.error().WithContext(dotenv_path);
    for (auto& [name, value] : *parsed)
      variables.emplace(name, value);  // environment wins
  }
  return ParseSettings(variables);
}

}  // namespace reflector::app
