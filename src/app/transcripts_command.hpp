#pragma once
// `reflector resume` and `reflector transcripts list|show`.

#include "app/commands.hpp"

namespace reflector::app {

void RegisterTranscriptsCommands(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
