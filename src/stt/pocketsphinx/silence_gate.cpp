#include "stt/pocketsphinx/silence_gate.hpp"

#include <algorithm>
#include <cstdlib>

namespace reflector::stt {

bool SilenceGate::IsQuiet(std::span<const std::int16_t> chunk, int quiet_peak) {
  return std::all_of(chunk.begin(), chunk.end(), [quiet_peak](std::int16_t sample) {
    return std::abs(static_cast<int>(sample)) <= quiet_peak;
  });
}

std::span<const std::int16_t> SilenceGate::Admit(std::span<const std::int16_t> chunk, bool in_utterance) {
  bool quiet = IsQuiet(chunk, options_.quiet_peak);
  quiet_run_ = quiet ? quiet_run_ + 1 : 0;
  if (quiet && !in_utterance && quiet_run_ > options_.hangover_chunks) {
    held_.assign(chunk.begin(), chunk.end());  // the chunk held before is dropped for good
    skipped_ += static_cast<std::int64_t>(chunk.size());
    return {};
  }
  out_.clear();
  if (!held_.empty()) {
    out_.swap(held_);
    skipped_ -= static_cast<std::int64_t>(out_.size());
  }
  out_.insert(out_.end(), chunk.begin(), chunk.end());
  fed_ += static_cast<std::int64_t>(out_.size());
  return out_;
}

}  // namespace reflector::stt
