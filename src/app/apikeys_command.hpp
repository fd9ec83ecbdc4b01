#pragma once
// `reflector apikeys create|list|delete`: API keys of the HTTP API's users. `create` prints the
// key once; the database keeps only HMAC-SHA256(SECRET_KEY, key), so SECRET_KEY must be set.

#include "app/commands.hpp"

namespace reflector::app {

void RegisterApiKeysCommands(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
