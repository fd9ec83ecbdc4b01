#pragma once
// `reflector conductor register` and `reflector conductor status <workflow_id>`.

#include "app/commands.hpp"

namespace reflector::app {

void RegisterConductorCommands(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
