#pragma once
// Fixtures for the speech tests, made at test time: speech synthesised with flite (Debian package
// `flite`, voice kal16, 16 kHz WAV) and converted or assembled with the ffmpeg tool (package
// `ffmpeg`). flite is used rather than espeak-ng because PocketSphinx recognises it far better.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "support/media_tools.hpp"

namespace reflector::testing {

// Records a test failure with an install hint when flite, ffmpeg or ffprobe cannot run.
bool RequireSpeechTools();

// Speaks `text` with flite's kal16 voice into a 16 kHz mono WAV.
bool Synthesize(std::string_view text, const std::filesystem::path& wav);

// Length of the audio in `file` according to ffprobe (container duration), -1 on failure.
double ProbeDuration(const std::filesystem::path& file);

// Lower-case words of `text` (letters, digits and apostrophes; anything else separates).
std::vector<std::string> WordsOf(std::string_view text);

// Word-level Levenshtein distance (substitutions + deletions + insertions).
int EditDistance(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis);

}  // namespace reflector::testing
