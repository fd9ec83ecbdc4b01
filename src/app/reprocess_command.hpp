#pragma once
// `reflector reprocess TRANSCRIPT_ID`: runs a transcript's pipeline again in the foreground.

#include "app/commands.hpp"

namespace reflector::app {

void RegisterReprocessCommand(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
