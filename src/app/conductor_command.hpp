#pragma once
// `reflector conductor register`, `reflector conductor status|retry|terminate <workflow_id>`.

#include "app/commands.hpp"

namespace reflector::app {

void RegisterConductorCommands(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
