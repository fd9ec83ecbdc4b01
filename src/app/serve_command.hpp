#pragma once
// `reflector serve`: Reflector's HTTP and WebSocket API (src/api/) on the server of src/http/.
#include "app/commands.hpp"

namespace reflector::app {

void RegisterServeCommand(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
