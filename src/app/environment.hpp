#pragma once
// The only place that reads the process environment and the .env file.

#include <string>

#include "core/config.hpp"

namespace reflector::app {

// Reads the environment, then `.env` from `dotenv_path` (if it exists) for names the
// environment does not set, and validates everything once.
Result<Settings> LoadSettings(const std::string& dotenv_path);

}  // namespace reflector::app
