#pragma once
// `reflector audio mix`: the audio steps alone, on local files.

#include "app/commands.hpp"

namespace reflector::app {

void RegisterAudioCommand(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
