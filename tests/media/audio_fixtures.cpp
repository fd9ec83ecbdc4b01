#include "audio_fixtures.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

namespace reflector::testing {

bool RequireFfmpegTool() {
  if (std::system("ffmpeg -version >/dev/null 2>&1") == 0) return true;
  ADD_FAILURE() << "the ffmpeg command-line tool is needed to make test audio: install the Debian package "
                   "`ffmpeg` (scripts/setup does)";
  return false;
}

bool MakeToneTrack(const std::filesystem::path& file, const ToneSpec& spec) {
  std::ostringstream tone;
  tone << spec.amplitude << "*sin(2*PI*" << spec.frequency << "*t)";
  std::string expression = tone.str();
  if (spec.channels == 2) expression += "|" + tone.str();
  std::ostringstream arguments;
  arguments << "-f lavfi -i \"aevalsrc=" << expression << ":s=48000:d=" << spec.seconds
            << "\" -c:a libopus -b:a 64k";
  if (spec.offset != 0) arguments << " -output_ts_offset " << spec.offset;
  arguments << " " << ShellQuoted(file);
  return RunFfmpegTool(arguments.str());
}

bool RequireFliteTool() {
  if (std::system("flite -lv 2>/dev/null | grep -q kal16") == 0) return true;
  ADD_FAILURE() << "the flite speech synthesiser with its kal16 voice is needed to make test speech: install "
                   "the Debian package `flite` (scripts/setup does)";
  return false;
}

bool MakeSpeech(const std::filesystem::path& wav, const std::string& text) {
  std::string command = "flite -voice kal16 -t \"" + text + "\" -o " + ShellQuoted(wav);
  int status = std::system(command.c_str());
  if (status != 0) ADD_FAILURE() << "command failed (" << status << "): " << command;
  return status == 0;
}

void WriteGarbage(const std::filesystem::path& file, std::size_t bytes) {
  std::ofstream out(file, std::ios::binary);
  std::uint32_t state = 12345;
  for (std::size_t i = 0; i < bytes; ++i) {
    state = state * 1664525u + 1013904223u;
    out.put(static_cast<char>(state >> 24));
  }
}

double Pcm::Peak(double from, double to, int channel) const {
  double peak = 0;
  if (channels == 0) return 0;
  auto frames = static_cast<std::int64_t>(samples.size() / static_cast<std::size_t>(channels));
  auto begin = std::clamp<std::int64_t>(static_cast<std::int64_t>(from * 48000), 0, frames);
  auto end = std::clamp<std::int64_t>(static_cast<std::int64_t>(to * 48000), 0, frames);
  for (auto f = begin; f < end; ++f) {
    for (int c = 0; c < channels; ++c) {
      if (channel >= 0 && c != channel) continue;
      peak =
          std::max(peak, static_cast<double>(std::fabs(samples[static_cast<std::size_t>(f * channels + c)])));
    }
  }
  return peak;
}

double Pcm::Rms(double from, double to) const {
  if (channels == 0) return 0;
  auto frames = static_cast<std::int64_t>(samples.size() / static_cast<std::size_t>(channels));
  auto begin = std::clamp<std::int64_t>(static_cast<std::int64_t>(from * 48000), 0, frames);
  auto end = std::clamp<std::int64_t>(static_cast<std::int64_t>(to * 48000), 0, frames);
  if (end <= begin) return 0;
  double sum = 0;
  for (auto i = begin * channels; i < end * channels; ++i) {
    double v = samples[static_cast<std::size_t>(i)];
    sum += v * v;
  }
  return std::sqrt(sum / static_cast<double>((end - begin) * channels));
}

Pcm Decode(const std::filesystem::path& file, int channels) {
  Pcm pcm;
  std::string command = "ffmpeg -nostdin -hide_banner -v error -i " + ShellQuoted(file) + " -f f32le -ac " +
                        std::to_string(channels) + " -ar 48000 -";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) {
    ADD_FAILURE() << "cannot run: " << command;
    return pcm;
  }
  float buffer[4096];
  std::size_t read = 0;
  while ((read = std::fread(buffer, sizeof(float), std::size(buffer), pipe.get())) > 0) {
    pcm.samples.insert(pcm.samples.end(), buffer, buffer + read);
  }
  if (pclose(pipe.release()) != 0) ADD_FAILURE() << "decoding failed: " << command;
  pcm.channels = channels;
  return pcm;
}

}  // namespace reflector::testing
