#include "speech_fixtures.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "core/edit_distance.hpp"

namespace reflector::testing {

bool RequireSpeechTools() {
  bool ok = true;
  if (std::system("flite -lv 2>/dev/null | grep -q kal16") != 0) {
    ADD_FAILURE()
        << "the flite speech synthesiser with its kal16 voice is needed to make test speech: install "
           "the Debian package `flite` (scripts/setup does)";
    ok = false;
  }
  if (std::system("ffmpeg -version >/dev/null 2>&1") != 0 ||
      std::system("ffprobe -version >/dev/null 2>&1") != 0) {
    ADD_FAILURE() << "the ffmpeg and ffprobe tools are needed to make test audio: install the Debian package "
                     "`ffmpeg` (scripts/setup does)";
    ok = false;
  }
  return ok;
}

bool Synthesize(std::string_view text, const std::filesystem::path& wav) {
  // The texts are fixed test sentences without quotes.
  std::string command = "flite -voice kal16 -t \"" + std::string(text) + "\" -o " + ShellQuoted(wav);
  int status = std::system(command.c_str());
  if (status != 0) ADD_FAILURE() << "command failed (" << status << "): " << command;
  return status == 0;
}

double ProbeDuration(const std::filesystem::path& file) {
  std::string command =
      "ffprobe -v error -show_entries format=duration -of default=noprint_wrappers=1:nokey=1 " +
      ShellQuoted(file);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) {
    ADD_FAILURE() << "cannot run: " << command;
    return -1;
  }
  double seconds = -1;
  if (std::fscanf(pipe.get(), "%lf", &seconds) != 1) ADD_FAILURE() << "no duration from: " << command;
  return seconds;
}

std::vector<std::string> WordsOf(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '\'') {
      current += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

int EditDistance(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis) {
  return static_cast<int>(reflector::EditDistance(reference, hypothesis));
}

}  // namespace reflector::testing
