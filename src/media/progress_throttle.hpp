#pragma once
// Internal: forwards progress at most a few times per second.

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "core/progress.hpp"

namespace reflector::media {

class ProgressThrottle {
 public:
  // `total` is the amount of work (seconds of audio) that Update measures against; <= 0 if unknown.
  ProgressThrottle(ProgressSink& sink, std::string detail, double total)
      : sink_(sink), detail_(std::move(detail)), total_(total) {}

  // Reports 0 immediately: the work has started.
  void Start() { Send(0.0); }

  // Reports done/total if the last report is at least kInterval old.
  void Update(double done) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < kInterval) return;
    double fraction = total_ > 0 ? std::clamp(done / total_, 0.0, 1.0) : 0.0;
    Send(fraction);
  }

  void Finish() { Send(1.0); }

 private:
  static constexpr std::chrono::milliseconds kInterval{250};

  void Send(double fraction) {
    last_ = std::chrono::steady_clock::now();
    sink_.Report(fraction, detail_);
  }

  ProgressSink& sink_;
  std::string detail_;
  double total_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace reflector::media
