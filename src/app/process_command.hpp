#pragma once
// `reflector process`: the command line of service::ProcessFiles, followed in the foreground.

#include "app/commands.hpp"

namespace reflector::app {

void RegisterProcessCommands(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
