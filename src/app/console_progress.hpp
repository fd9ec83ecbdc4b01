#pragma once
// Progress for people: on a terminal one line redrawn in place, otherwise plain lines
// (at most one per step and per 10 %), on stderr so stdout stays machine-readable.

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "core/progress.hpp"

namespace reflector::app {

class ConsoleProgress {
 public:
  explicit ConsoleProgress(std::FILE* out = stderr);
  // Shows `step` (e.g. "padding Alice") at `fraction` in [0, 1].
  void Show(std::string_view step, double fraction);
  // Ends the current line (if redrawing) and prints `line`.
  void Print(std::string_view line);
  // Finishes the redrawn line.
  void Done();

 private:
  std::FILE* out_;
  bool terminal_;
  std::mutex mutex_;
  std::string last_step_;
  int last_decile_ = -1;
  bool line_open_ = false;
};

// A ProgressSink that shows reports as one named step.
class StepProgress final : public ProgressSink {
 public:
  StepProgress(ConsoleProgress& console, std::string step) : console_(console), step_(std::move(step)) {}
  void Report(double fraction, std::string_view /*detail*/) override { console_.Show(step_, fraction); }

 private:
  ConsoleProgress& console_;
  std::string step_;
};

}  // namespace reflector::app
