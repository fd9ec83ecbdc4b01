#include "pcm_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace reflector::testing {

namespace {

constexpr double kRate = 48000.0;

// Mean square over every channel of frames [begin, end).
double MeanSquare(const Pcm& pcm, std::size_t begin, std::size_t end) {
  const auto channels = static_cast<std::size_t>(pcm.channels);
  double sum = 0;
  for (std::size_t i = begin * channels; i < end * channels; ++i) {
    const double v = pcm.samples[i];
    sum += v * v;
  }
  return end > begin ? sum / static_cast<double>((end - begin) * channels) : 0.0;
}

std::size_t Frames(const Pcm& pcm) {
  return pcm.channels == 0 ? 0 : pcm.samples.size() / static_cast<std::size_t>(pcm.channels);
}

}  // namespace

std::vector<double> Envelope(const Pcm& pcm, double block_seconds) {
  const auto block = static_cast<std::size_t>(std::lround(block_seconds * kRate));
  std::vector<double> envelope;
  if (block == 0) return envelope;
  for (std::size_t begin = 0; begin + block <= Frames(pcm); begin += block) {
    envelope.push_back(std::sqrt(MeanSquare(pcm, begin, begin + block)));
  }
  return envelope;
}

double BestLag(const Pcm& reference, const Pcm& later, double max_lag) {
  const std::vector<double> a = Envelope(reference, 0.001);
  const std::vector<double> b = Envelope(later, 0.001);
  const auto max_blocks = static_cast<long>(std::lround(max_lag * 1000));
  double best_score = -1;
  long best = 0;
  for (long lag = -max_blocks; lag <= max_blocks; ++lag) {
    double cross = 0;
    double energy_a = 0;
    double energy_b = 0;
    for (long i = 0; i < static_cast<long>(a.size()); ++i) {
      const long j = i + lag;
      if (j < 0 || j >= static_cast<long>(b.size())) continue;
      cross += a[static_cast<std::size_t>(i)] * b[static_cast<std::size_t>(j)];
      energy_a += a[static_cast<std::size_t>(i)] * a[static_cast<std::size_t>(i)];
      energy_b += b[static_cast<std::size_t>(j)] * b[static_cast<std::size_t>(j)];
    }
    const double score = energy_a > 0 && energy_b > 0 ? cross / std::sqrt(energy_a * energy_b) : 0;
    if (score > best_score) {
      best_score = score;
      best = lag;
    }
  }
  return static_cast<double>(best) / 1000.0;
}

double Onset(const Pcm& pcm, double level) {
  const std::vector<double> envelope = Envelope(pcm, 0.010);
  for (std::size_t i = 0; i < envelope.size(); ++i) {
    if (envelope[i] > level) return static_cast<double>(i) * 0.010;
  }
  return -1;
}

std::vector<double> LevelPerSecondDb(const Pcm& pcm) {
  std::vector<double> levels;
  const auto second = static_cast<std::size_t>(kRate);
  for (std::size_t begin = 0; begin + second <= Frames(pcm); begin += second) {
    const double mean_square = MeanSquare(pcm, begin, begin + second);
    levels.push_back(mean_square > 0 ? 10.0 * std::log10(mean_square) : -200.0);
  }
  return levels;
}

Pcm Delayed(const Pcm& pcm, double seconds) {
  Pcm delayed;
  delayed.channels = pcm.channels;
  const auto frames = static_cast<std::size_t>(std::lround(seconds * kRate));
  delayed.samples.assign(frames * static_cast<std::size_t>(pcm.channels), 0.0F);
  delayed.samples.insert(delayed.samples.end(), pcm.samples.begin(), pcm.samples.end());
  return delayed;
}

}  // namespace reflector::testing
