#pragma once
// `reflector rooms create|list` and `reflector consent add|list`: the rooms a transcript can
// belong to (their Zulip stream and webhook) and the consent answers of a meeting.

#include <string>

#include "app/commands.hpp"
#include "core/result.hpp"

namespace reflector::app {

class Runtime;

// Creates meeting `meeting_id` (in room `room_name` when given) unless it exists. NotFound
// naming an unknown room.
Status EnsureMeeting(Runtime& runtime, const std::string& meeting_id, const std::string& room_name);

void RegisterRoomsCommands(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
