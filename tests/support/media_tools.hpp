#pragma once
// Helpers for tests that make audio with the ffmpeg command-line tool and watch long work.

#include <filesystem>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/progress.hpp"

namespace reflector::testing {

// `path` in single quotes for /bin/sh.
std::string ShellQuoted(const std::filesystem::path& path);

// Runs `ffmpeg -nostdin -hide_banner -v error -y <arguments>`; records a test failure naming
// the command when it fails.
bool RunFfmpegTool(const std::string& arguments);

// Records every progress report.
class RecordingSink final : public ProgressSink {
 public:
  void Report(double fraction, std::string_view /*detail*/) override { fractions.push_back(fraction); }
  std::vector<double> fractions;
};

// Asks to stop at the first report, which every long call makes once it has started.
class StopOnFirstReport final : public ProgressSink {
 public:
  explicit StopOnFirstReport(std::stop_source& source) : source_(source) {}
  void Report(double /*fraction*/, std::string_view /*detail*/) override { source_.request_stop(); }

 private:
  std::stop_source& source_;
};

}  // namespace reflector::testing
