#pragma once
// `reflector rooms create|list` and `reflector consent add|list`: the rooms a transcript can
// belong to (their Zulip stream and webhook) and the consent answers of a meeting.

#include "app/commands.hpp"

namespace reflector::app {

void RegisterRoomsCommands(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
