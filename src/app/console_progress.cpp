#include "app/console_progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace reflector::app {

ConsoleProgress::ConsoleProgress(std::FILE* out) : out_(out), terminal_(isatty(fileno(out)) == 1) {}

void ConsoleProgress::Show(std::string_view step, double fraction) {
  std::lock_guard lock(mutex_);
  int percent = static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * 100.0));
  if (terminal_) {
    std::fprintf(out_, "\r\033[K%.*s %3d%%", static_cast<int>(step.size()), step.data(), percent);
    std::fflush(out_);
    line_open_ = true;
    return;
  }
  int decile = percent / 10;
  if (step == last_step_ && decile == last_decile_) return;
  last_step_ = std::string(step);
  last_decile_ = decile;
  std::fprintf(out_, "%.*s %d%%\n", static_cast<int>(step.size()), step.data(), percent);
}

void ConsoleProgress::Print(std::string_view line) {
  std::lock_guard lock(mutex_);
  if (line_open_) {
    std::fputs("\r\033[K", out_);
    line_open_ = false;
  }
  std::fprintf(out_, "%.*s\n", static_cast<int>(line.size()), line.data());
  std::fflush(out_);
}

void ConsoleProgress::Done() {
  std::lock_guard lock(mutex_);
  if (line_open_) {
    std::fputc('\n', out_);
    line_open_ = false;
  }
}

}  // namespace reflector::app
