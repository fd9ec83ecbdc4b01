#pragma once
// Long work reports progress through a ProgressSink. The engines turn reports into
// heartbeats (lease extension) and progress events; tests can record them.

#include <string_view>

namespace reflector {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // `fraction` in [0, 1]; `detail` is a short human text ("padding track 2"). Must be cheap
  // and thread-safe; callers report at most a few times per second.
  virtual void Report(double fraction, std::string_view detail) = 0;
};

// Discards every report.
class NullProgressSink final : public ProgressSink {
 public:
  void Report(double /*fraction*/, std::string_view /*detail*/) override {}
};

}  // namespace reflector
