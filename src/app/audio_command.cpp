#include "app/audio_command.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "app/console_progress.hpp"
#include "app/track_option.hpp"
#include "core/json.hpp"
#include "media/audio.hpp"

namespace reflector::app {
namespace {

namespace fs = std::filesystem;

struct AudioMixOptions {
  std::vector<std::string> tracks;
  std::string output = "out";
};

int RunAudioMix(const AudioMixOptions& options) {
  auto tracks = ParseTrackOptions(options.tracks);
  if (!tracks) {
    std::fprintf(stderr, "reflector audio mix: %s\n", tracks.error().message.c_str());
    return 2;
  }
  fs::path out = options.output;
  std::error_code ec;
  fs::create_directories(out / "padded", ec);
  if (ec) {
    std::fprintf(stderr, "reflector audio mix: cannot create %s: %s\n", out.c_str(), ec.message().c_str());
    return 1;
  }
  ConsoleProgress console;
  StopOnSignal stop_on_signal;
  std::vector<fs::path> aligned;
  for (std::size_t i = 0; i < tracks->size(); ++i) {
    const TrackOption& track = (*tracks)[i];
    StepProgress progress(console, "padding track " + std::to_string(i + 1) + " of " +
                                       std::to_string(tracks->size()) + " (" + track.name + ")");
    fs::path padded = out / "padded" / (track.name + ".webm");
    auto result = media::PadTrack(track.file, padded, stop_on_signal.token(), progress);
    if (!result) {
      console.Done();
      std::fprintf(stderr, "reflector audio mix: track '%s': %s\n", track.name.c_str(),
                   result.error().message.c_str());
      return 1;
    }
    console.Print(
        track.name + ": starts at " + std::to_string(result->start_time) + " s, " +
        (result->padded ? "padded by " + std::to_string(result->delay_seconds) + " s" : "already aligned"));
    aligned.push_back(result->padded ? padded : fs::path(track.file));
  }
  fs::path mp3 = out / "audio.mp3";
  StepProgress mix_progress(console, "mixing " + std::to_string(aligned.size()) + " tracks");
  auto mix = media::Mixdown(aligned, mp3, stop_on_signal.token(), mix_progress);
  if (!mix) {
    console.Done();
    std::fprintf(stderr, "reflector audio mix: mixdown: %s\n", mix.error().message.c_str());
    return 1;
  }
  StepProgress wave_progress(console, "waveform");
  auto waveform = media::Waveform(mp3, 255, stop_on_signal.token(), wave_progress);
  console.Done();
  if (!waveform) {
    std::fprintf(stderr, "reflector audio mix: waveform: %s\n", waveform.error().message.c_str());
    return 1;
  }
  fs::path waveform_path = out / "waveform.json";
  std::ofstream file(waveform_path);
  file << DumpCompact(Json(*waveform)) << "\n";
  if (!file) {
    std::fprintf(stderr, "reflector audio mix: cannot write %s\n", waveform_path.c_str());
    return 1;
  }
  std::printf("audio: %s (%.2f s, %llu bytes)\nwaveform: %s\n", mp3.c_str(), mix->duration,
              static_cast<unsigned long long>(mix->size), waveform_path.c_str());
  return 0;
}

}  // namespace

void RegisterAudioCommand(CLI::App& cli, CommandRegistry& registry) {
  auto* audio = cli.add_subcommand("audio", "audio steps on local files");
  audio->require_subcommand(1);
  auto options = std::make_shared<AudioMixOptions>();
  auto* mix =
      audio->add_subcommand("mix", "pad tracks to their start times, mix them to MP3, compute the waveform");
  mix->add_option("--track", options->tracks, "NAME=FILE, one per participant")->required();
  mix->add_option("--output", options->output, "directory for audio.mp3, waveform.json and padded/")
      ->capture_default_str();
  registry.Add(mix, [options](const Settings&) { return RunAudioMix(*options); });
}

}  // namespace reflector::app
