#pragma once
// `reflector worker`: serves the pipeline's tasks to a Conductor server.
#include "app/commands.hpp"

namespace reflector::app {

void RegisterWorkerCommand(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
