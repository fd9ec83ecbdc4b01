#include "support/media_tools.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace reflector::testing {

std::string ShellQuoted(const std::filesystem::path& path) {
  std::string quoted = "'";
  for (char c : path.string()) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

bool RunFfmpegTool(const std::string& arguments) {
  std::string command = "ffmpeg -nostdin -hide_banner -v error -y " + arguments;
  int status = std::system(command.c_str());
  if (status != 0) ADD_FAILURE() << "command failed (" << status << "): " << command;
  return status == 0;
}

}  // namespace reflector::testing
