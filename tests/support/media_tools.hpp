#pragma once
// Helpers for tests that make audio with the ffmpeg command-line tool.

#include <filesystem>
#include <string>

namespace reflector::testing {

// `path` in single quotes for /bin/sh.
std::string ShellQuoted(const std::filesystem::path& path);

// Runs `ffmpeg -nostdin -hide_banner -v error -y <arguments>`; records a test failure naming
// the command when it fails.
bool RunFfmpegTool(const std::string& arguments);

}  // namespace reflector::testing
