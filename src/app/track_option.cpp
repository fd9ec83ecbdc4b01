#include "app/track_option.hpp"

#include <csignal>
#include <filesystem>
#include <set>
#include <thread>

namespace reflector::app {
namespace {

std::stop_source& SignalStopSource() {
  static std::stop_source source;
  return source;
}

volatile std::sig_atomic_t g_signalled = 0;

void OnSignal(int /*signal*/) {
  g_signalled = 1;
}

}  // namespace

Result<std::vector<TrackOption>> ParseTrackOptions(const std::vector<std::string>& values) {
  if (values.empty())
    return Error::InvalidInput("no tracks given: pass --track NAME=FILE for each participant");
  std::vector<TrackOption> tracks;
  std::set<std::string> names;
  for (const auto& value : values) {
    std::size_t equals = value.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == value.size()) {
      return Error::InvalidInput("--track '" + value + "' must look like NAME=FILE");
    }
    TrackOption track{value.substr(0, equals), value.substr(equals + 1)};
    if (!names.insert(track.name).second) {
      return Error::InvalidInput("--track name '" + track.name + "' is given twice; names must be unique");
    }
    std::error_code ec;
    auto status = std::filesystem::status(track.file, ec);
    if (ec || !std::filesystem::exists(status)) {
      return Error::InvalidInput("--track " + track.name + ": file '" + track.file + "' does not exist");
    }
    if (!std::filesystem::is_regular_file(status)) {
      return Error::InvalidInput("--track " + track.name + ": '" + track.file + "' is not a regular file");
    }
    tracks.push_back(std::move(track));
  }
  return tracks;
}

StopOnSignal::StopOnSignal() {
  g_signalled = 0;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  // A watcher thread turns the flag into a stop request (a signal handler may not do it).
  static std::jthread watcher([](std::stop_token stop) {
    while (!stop.stop_requested()) {
      if (g_signalled != 0) SignalStopSource().request_stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

StopOnSignal::~StopOnSignal() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

std::stop_token StopOnSignal::token() const {
  return SignalStopSource().get_token();
}

}  // namespace reflector::app
