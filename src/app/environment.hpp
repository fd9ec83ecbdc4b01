#pragma once
// The only place that reads the process environment and the .env file.

#include <map>
#include <string>
#include <string_view>

#include "core/config.hpp"

namespace reflector::app {

// Every variable of the process environment.
std::map<std::string, std::string> ReadEnvironment();

// Settings from `environment`, then from `.env` at `dotenv_path` (if it exists) for names the
// environment does not set, validated once (core/config.hpp): every problem is reported in one
// error, including names with a setting's prefix that are not settings (typos), each saying
// whether it was set in the environment or in the file.
Result<Settings> LoadSettings(const std::map<std::string, std::string>& environment,
                              const std::string& dotenv_path);

// LoadSettings without the file system: `dotenv_text` is the content of the .env file (empty:
// none), named `dotenv_name` in messages and origins.
Result<Settings> LoadSettingsFromText(const std::map<std::string, std::string>& environment,
                                      std::string_view dotenv_text, const std::string& dotenv_name);

// LoadSettings(ReadEnvironment(), dotenv_path).
Result<Settings> LoadSettings(const std::string& dotenv_path);

}  // namespace reflector::app
