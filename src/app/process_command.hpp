#pragma once
// `reflector process`, `reflector resume` and `reflector transcripts list|show`.

#include "app/commands.hpp"

namespace reflector::app {

void RegisterProcessCommands(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
