#pragma once
// `--track NAME=FILE` options and Ctrl-C handling shared by the commands.

#include <stop_token>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace reflector::app {

struct TrackOption {
  std::string name;
  std::string file;
};

// Parses NAME=FILE values: names must be unique and non-empty, files must exist and be regular
// files. The error names the offending option.
Result<std::vector<TrackOption>> ParseTrackOptions(const std::vector<std::string>& values);

// While alive, SIGINT and SIGTERM request stop on token() instead of killing the process.
class StopOnSignal {
 public:
  StopOnSignal();
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
  std::stop_token token() const;
};

}  // namespace reflector::app
