// The media path of the pipeline (probe, decode, pad) on the bytes as an audio file (see
// fuzz_inputs.hpp). The media functions take paths, so the input goes to a scratch file.

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stop_token>
#include <string>
#include <system_error>

#include "core/log.hpp"
#include "core/progress.hpp"
#include "fuzz_inputs.hpp"
#include "media/audio.hpp"
#include "media/ffmpeg_handles.hpp"

namespace reflector::fuzz {
namespace {

namespace fs = std::filesystem;

// One folder per process, removed at exit.
class ScratchFolder {
 public:
  ScratchFolder() : path_(fs::temp_directory_path() / ("reflector-fuzz-media-" + std::to_string(getpid()))) {
    fs::create_directories(path_);
  }
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// FFmpeg's complaints about broken files go through the project's log, which stays quiet here.
void QuietLogs() {
  static const bool kQuiet = [] {
    media::SendFfmpegLogsToLog();
    log::SetLevel(log::Level::kOff);
    return true;
  }();
  (void)kQuiet;
}

const fs::path& Scratch() {
  static const ScratchFolder kFolder;
  return kFolder.path();
}

void Write(const fs::path& file, std::string_view data) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  FuzzRequire(out.good(), "the scratch file is written");
}

}  // namespace

void MediaInput(std::string_view data) {
  QuietLogs();
  const fs::path input = Scratch() / "input";
  const fs::path padded = Scratch() / "padded.webm";
  Write(input, data);
  NullProgressSink progress;
  std::stop_source stop;

  auto probe = media::Probe(input);
  if (!probe) return;
  FuzzRequire(std::isfinite(probe->start_time) && std::isfinite(probe->duration),
              "a probe gives finite times");
  FuzzRequire(probe->duration >= 0, "a probed duration is not negative");

  (void)media::HasSignal(input, stop.get_token(), progress);
  if (auto peaks = media::Waveform(input, 8, stop.get_token(), progress)) {
    FuzzRequire(peaks->size() == 8, "a waveform has the points asked for");
    for (double peak : *peaks)
      FuzzRequire(peak >= 0 && peak <= 1, "a waveform point is in [0, 1]");
  }
  auto pad = media::PadTrack(input, padded, stop.get_token(), progress);
  if (pad && pad->padded) {
    FuzzRequire(fs::exists(padded), "a padded track is written");
    auto again = media::Probe(padded);
    FuzzRequire(again.ok(), "a padded track probes");
  }
  std::error_code ignored;
  fs::remove(padded, ignored);
}

}  // namespace reflector::fuzz
