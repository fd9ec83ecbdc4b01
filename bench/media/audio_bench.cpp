// audio_bench: runs the audio steps of the pipeline on given tracks and prints how long each
// step took as one JSON object on stdout.
//
//   audio_bench --output DIR TRACK...
//       as `reflector audio mix` would: pad each track (PadTrack), mix the aligned tracks,
//       waveform of the mix.
//   audio_bench --compare-pad --output DIR TRACK...
//       pad each track twice, with PadTrack (by packets for Opus in WebM/Ogg) and with
//       PadTrackByReencoding (the decode path), and report the CPU and wall time of each and the
//       process's peak RSS after each. Also times the silence check the pad_track task makes
//       before padding: HasSignal now, a 16-point Waveform of the whole track before.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/progress.hpp"
#include "media/audio.hpp"
#include "media/ffmpeg_handles.hpp"

namespace {

namespace fs = std::filesystem;
using reflector::Json;
using reflector::media::HasSignal;
using reflector::media::Mixdown;
using reflector::media::PadMethod;
using reflector::media::PadTrack;
using reflector::media::PadTrackByReencoding;
using reflector::media::Waveform;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU time (user + system) of this process so far, in seconds.
double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KB on Linux
}

const char* MethodName(PadMethod method) {
  switch (method) {
    case PadMethod::kNone:
      return "none";
    case PadMethod::kPackets:
      return "packets";
    case PadMethod::kReencoding:
      return "reencoding";
  }
  return "?";
}

int Usage() {
  std::cerr << "usage: audio_bench [--compare-pad] --output DIR TRACK...\n";
  return 2;
}

using PadFunction = decltype(&PadTrack);
using CheckFunction = bool (*)(const fs::path& track);

// The pad_track task's silence check now: decode up to the first sound.
bool CheckBySignal(const fs::path& track) {
  reflector::NullProgressSink progress;
  auto signal = HasSignal(track, std::stop_token{}, progress);
  if (!signal.ok()) std::cerr << "signal check failed: " << signal.error().Describe() << "\n";
  return signal.ok();
}

// The task's silence check before HasSignal: a 16-point waveform of the whole track.
bool CheckByWaveform(const fs::path& track) {
  reflector::NullProgressSink progress;
  auto levels = Waveform(track, 16, std::stop_token{}, progress);
  if (!levels.ok()) std::cerr << "waveform failed: " << levels.error().Describe() << "\n";
  return levels.ok();
}

// Times `check` on `track` into row["check_cpu_seconds"]; false on failure.
bool TimedCheck(CheckFunction check, const fs::path& track, Json* row) {
  const double cpu = CpuSeconds();
  if (!check(track)) return false;
  (*row)["check_cpu_seconds"] = CpuSeconds() - cpu;
  return true;
}

// Pads `track` with `pad`, timed; returns false (after printing why) on failure.
bool TimedPad(PadFunction pad, const fs::path& track, const fs::path& output, Json* row) {
  reflector::NullProgressSink progress;
  const auto wall = std::chrono::steady_clock::now();
  const double cpu = CpuSeconds();
  auto result = pad(track, output, std::stop_token{}, progress);
  if (!result.ok()) {
    std::cerr << "pad failed: " << result.error().Describe() << "\n";
    return false;
  }
  *row = {{"track", track.filename().string()},   {"padded", result->padded},
          {"method", MethodName(result->method)}, {"delay", result->delay_seconds},
          {"duration", result->duration},         {"size", result->size},
          {"cpu_seconds", CpuSeconds() - cpu},    {"seconds", SecondsSince(wall)}};
  return true;
}

// PadTrack and PadTrackByReencoding on every track; CPU totals and the speed-up, of the padding
// alone and of the task (silence check + padding; before: waveform + re-encoding).
int ComparePad(const fs::path& output, const std::vector<fs::path>& tracks) {
  Json report;
  double totals[2] = {0, 0};
  double checks[2] = {0, 0};
  const PadFunction methods[2] = {&PadTrack, &PadTrackByReencoding};
  const CheckFunction check_functions[2] = {&CheckBySignal, &CheckByWaveform};
  const char* names[2] = {"pad_track", "reencoding"};
  for (int m = 0; m < 2; ++m) {
    Json rows = Json::array();
    for (std::size_t i = 0; i < tracks.size(); ++i) {
      Json row;
      fs::path padded = output / (std::string(names[m]) + "_" + std::to_string(i) + ".webm");
      if (!TimedPad(methods[m], tracks[i], padded, &row)) return 1;
      if (!TimedCheck(check_functions[m], tracks[i], &row)) return 1;
      totals[m] += row["cpu_seconds"].get<double>();
      checks[m] += row["check_cpu_seconds"].get<double>();
      rows.push_back(row);
    }
    report[names[m]] = {{"tracks", rows},
                        {"cpu_seconds", totals[m]},
                        {"check_cpu_seconds", checks[m]},
                        {"peak_rss_mb_after", PeakRssMb()}};
  }
  report["speedup"] = totals[0] > 0 ? totals[1] / totals[0] : 0.0;
  const double task_now = totals[0] + checks[0];
  report["task_speedup"] = task_now > 0 ? (totals[1] + checks[1]) / task_now : 0.0;
  std::cout << report.dump() << "\n";
  return 0;
}

// The audio steps as the pipeline runs them.
int AudioPath(const fs::path& output, const std::vector<fs::path>& tracks) {
  reflector::NullProgressSink progress;
  std::stop_token no_stop;
  Json report;
  const auto start = std::chrono::steady_clock::now();

  std::vector<fs::path> aligned;
  Json pads = Json::array();
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    fs::path padded = output / ("padded_" + std::to_string(i) + ".webm");
    Json row;
    if (!TimedPad(&PadTrack, tracks[i], padded, &row)) return 1;
    aligned.push_back(row["padded"].get<bool>() ? padded : tracks[i]);
    pads.push_back(row);
  }
  report["pad"] = pads;
  report["peak_rss_mb_after_pad"] = PeakRssMb();

  auto step = std::chrono::steady_clock::now();
  fs::path mix = output / "audio.mp3";
  auto mixed = Mixdown(aligned, mix, no_stop, progress);
  if (!mixed.ok()) {
    std::cerr << "mixdown failed: " << mixed.error().Describe() << "\n";
    return 1;
  }
  report["mixdown"] = {{"duration", mixed->duration},
                       {"size", mixed->size},
                       {"seconds", SecondsSince(step)},
                       {"peak_rss_mb_after", PeakRssMb()}};

  step = std::chrono::steady_clock::now();
  auto waveform = Waveform(mix, 255, no_stop, progress);
  if (!waveform.ok()) {
    std::cerr << "waveform failed: " << waveform.error().Describe() << "\n";
    return 1;
  }
  report["waveform"] = {
      {"points", waveform->size()}, {"seconds", SecondsSince(step)}, {"peak_rss_mb_after", PeakRssMb()}};
  report["total_seconds"] = SecondsSince(start);
  std::cout << report.dump() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path output;
  std::vector<fs::path> tracks;
  bool compare_pad = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--output" && i + 1 < argc) {
      output = argv[++i];
    } else if (arg == "--compare-pad") {
      compare_pad = true;
    } else if (arg.starts_with("-")) {
      return Usage();
    } else {
      tracks.emplace_back(arg);
    }
  }
  if (output.empty() || tracks.empty()) return Usage();
  fs::create_directories(output);
  reflector::media::SendFfmpegLogsToLog();
  return compare_pad ? ComparePad(output, tracks) : AudioPath(output, tracks);
}
