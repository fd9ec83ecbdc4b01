#include "app/environment.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;  // NOLINT: POSIX

namespace reflector::app {

std::map<std::string, std::string> ReadEnvironment() {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    std::size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    variables.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return variables;
}

Result<Settings> LoadSettingsFromText(const std::map<std::string, std::string>& environment,
                                      std::string_view dotenv_text, const std::string& dotenv_name) {
  std::map<std::string, std::string> variables = environment;
  SettingOrigins origins;
  for (const auto& [name, value] : environment)
    origins.emplace(name, "the environment");
  if (!dotenv_text.empty()) {
    auto parsed = ParseDotEnv(dotenv_text);
    if (!parsed) return parsed.error().WithContext(dotenv_name);
    for (auto& [name, value] : *parsed) {
      if (variables.emplace(name, value).second) origins.emplace(name, dotenv_name);  // environment wins
    }
  }
  return ParseSettings(variables, origins);
}

Result<Settings> LoadSettings(const std::map<std::string, std::string>& environment,
                              const std::string& dotenv_path) {
  std::string text;
  if (!dotenv_path.empty() && std::filesystem::exists(dotenv_path)) {
    std::ifstream file(dotenv_path);
    if (!file) return Error::Terminal(ErrorKind::kIo, "cannot read " + dotenv_path);
    std::stringstream buffer;
    buffer << file.rdbuf();
    text = buffer.str();
  }
  return LoadSettingsFromText(environment, text, dotenv_path);
}

Result<Settings> LoadSettings(const std::string& dotenv_path) {
  return LoadSettings(ReadEnvironment(), dotenv_path);
}

}  // namespace reflector::app
