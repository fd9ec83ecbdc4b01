// audio_bench: runs the audio steps of the pipeline on given tracks, as `reflector audio mix`
// would (pad each track, mix the aligned tracks, waveform of the mix), and prints how long each
// step took as one JSON object on stdout.
//
//   audio_bench --output DIR TRACK...

#include <chrono>
#include <cstdio>
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
using reflector::media::Mixdown;
using reflector::media::PadTrack;
using reflector::media::Waveform;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int Usage() {
  std::cerr << "usage: audio_bench --output DIR TRACK...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path output;
  std::vector<fs::path> tracks;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--output" && i + 1 < argc) {
      output = argv[++i];
    } else if (arg.starts_with("-")) {
      return Usage();
    } else {
      tracks.emplace_back(arg);
    }
  }
  if (output.empty() || tracks.empty()) return Usage();
  fs::create_directories(output);
  reflector::media::SendFfmpegLogsToLog();

  reflector::NullProgressSink progress;
  std::stop_token no_stop;
  reflector::Json report;
  const auto start = std::chrono::steady_clock::now();

  std::vector<fs::path> aligned;
  reflector::Json pads = reflector::Json::array();
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    const auto step = std::chrono::steady_clock::now();
    fs::path padded = output / ("padded_" + std::to_string(i) + ".webm");
    auto result = PadTrack(tracks[i], padded, no_stop, progress);
    if (!result.ok()) {
      std::cerr << "pad failed: " << result.error().Describe() << "\n";
      return 1;
    }
    aligned.push_back(result->padded ? padded : tracks[i]);
    pads.push_back({{"track", tracks[i].filename().string()},
                    {"padded", result->padded},
                    {"delay", result->delay_seconds},
                    {"duration", result->duration},
                    {"seconds", SecondsSince(step)}});
  }
  report["pad"] = pads;

  auto step = std::chrono::steady_clock::now();
  fs::path mix = output / "audio.mp3";
  auto mixed = Mixdown(aligned, mix, no_stop, progress);
  if (!mixed.ok()) {
    std::cerr << "mixdown failed: " << mixed.error().Describe() << "\n";
    return 1;
  }
  report["mixdown"] = {{"duration", mixed->duration}, {"size", mixed->size}, {"seconds", SecondsSince(step)}};

  step = std::chrono::steady_clock::now();
  auto waveform = Waveform(mix, 255, no_stop, progress);
  if (!waveform.ok()) {
    std::cerr << "waveform failed: " << waveform.error().Describe() << "\n";
    return 1;
  }
  report["waveform"] = {{"points", waveform->size()}, {"seconds", SecondsSince(step)}};
  report["total_seconds"] = SecondsSince(start);
  std::cout << report.dump() << "\n";
  return 0;
}
