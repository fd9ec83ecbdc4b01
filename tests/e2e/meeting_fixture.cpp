#include "meeting_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "support/subprocess.hpp"

namespace reflector::testing {
namespace {

void Check(const CommandResult& result, const std::string& what) {
  if (result.exit_code != 0) throw std::runtime_error(what + " failed: " + result.err);
}

double Duration(const std::filesystem::path& file) {
  auto result = RunCommand({"ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                            "default=noprint_wrappers=1:nokey=1", file.string()});
  Check(result, "ffprobe " + file.string());
  return std::stod(result.out);
}

}  // namespace

std::vector<SpokenTrack> SynthesiseMeeting(const std::vector<SpeakerScript>& speakers,
                                           const std::filesystem::path& dir, double gap) {
  std::vector<SpokenTrack> tracks;
  double previous_end = 0.2;
  for (const auto& script : speakers) {
    auto wav = dir / (script.name + ".wav");
    Check(RunCommand({"flite", "-voice", script.voice, "-t", script.text, "-o", wav.string()}), "flite");
    double speech = Duration(wav);
    double start = std::max(script.join_offset + 0.3, previous_end + (tracks.empty() ? 0.0 : gap));
    double lead = start - script.join_offset;
    SpokenTrack track;
    track.script = script;
    track.file = dir / (script.name + ".webm");
    char lead_text[32];
    std::snprintf(lead_text, sizeof lead_text, "%.3f", lead);
    char offset_text[32];
    std::snprintf(offset_text, sizeof offset_text, "%.3f", script.join_offset);
    Check(RunCommand({"ffmpeg",
                      "-v",
                      "error",
                      "-y",
                      "-f",
                      "lavfi",
                      "-t",
                      lead_text,
                      "-i",
                      "anullsrc=r=16000:cl=mono",
                      "-i",
                      wav.string(),
                      "-filter_complex",
                      "[0:a][1:a]concat=n=2:v=0:a=1,apad=pad_dur=1[a]",
                      "-map",
                      "[a]",
                      "-ar",
                      "48000",
                      "-c:a",
                      "libopus",
                      "-b:a",
                      "32k",
                      "-output_ts_offset",
                      offset_text,
                      track.file.string()}),
          "ffmpeg encode " + track.file.string());
    track.speech_start = start;
    track.speech_end = start + speech;
    track.track_end = script.join_offset + lead + speech + 1.0;
    previous_end = track.speech_end;
    tracks.push_back(std::move(track));
  }
  return tracks;
}

double MeanLevel(const std::filesystem::path& audio, double from, double to) {
  auto raw = audio.string() + ".s16";
  char start[32];
  char length[32];
  std::snprintf(start, sizeof start, "%.3f", from);
  std::snprintf(length, sizeof length, "%.3f", to - from);
  Check(RunCommand({"ffmpeg", "-v", "error", "-y", "-ss", start, "-t", length, "-i", audio.string(), "-ac",
                    "1", "-ar", "16000", "-f", "s16le", raw}),
        "ffmpeg decode " + audio.string());
  std::ifstream in(raw, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(raw);
  std::size_t samples = bytes.size() / 2;
  if (samples == 0) return 0;
  double sum = 0;
  for (std::size_t i = 0; i < samples; ++i) {
    std::int16_t value;
    std::memcpy(&value, bytes.data() + 2 * i, 2);
    sum += std::abs(value) / 32768.0;
  }
  return sum / static_cast<double>(samples);
}

namespace {

// Lower case without a plural "s", so "teams" matches "team".
std::string Stem(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  if (text.size() > 3 && text.back() == 's') text.pop_back();
  return text;
}

}  // namespace

void ExpectWordsOfEachSpeaker(const Json& words, const std::vector<SpokenTrack>& tracks) {
  const int speakers = static_cast<int>(tracks.size());
  ASSERT_GT(words.size(), 4U * tracks.size());
  double previous = -1;
  std::map<int, std::set<std::string>> heard;
  for (const auto& word : words) {
    double start = word["start"].get<double>();
    EXPECT_GE(start, previous);
    previous = start;
    int speaker = word["speaker"].get<int>();
    ASSERT_GE(speaker, 0);
    ASSERT_LT(speaker, speakers);
    const SpokenTrack& track = tracks[static_cast<std::size_t>(speaker)];
    EXPECT_GE(start, track.speech_start - 0.5) << word.dump();
    EXPECT_LE(word["end"].get<double>(), track.speech_end + 0.5) << word.dump();
    heard[speaker].insert(Stem(word["text"].get<std::string>()));
  }
  auto first_of = [&](int speaker) {
    for (const auto& word : words) {
      if (word["speaker"] == speaker) return word["start"].get<double>();
    }
    return -1.0;
  };
  for (int s = 0; s < speakers; ++s) {
    if (s > 0) {
      EXPECT_LT(first_of(s - 1), first_of(s));
    }
    EXPECT_NEAR(first_of(s), tracks[static_cast<std::size_t>(s)].speech_start, 0.6) << s;
  }
  // Bound: PocketSphinx with Debian's en-us model recognises flite speech with a word error
  // rate of 2-9 % per voice (deps-notes), but single substitutions cluster (awb mishears
  // "found" and "screen"), hence 60 % per speaker and 80 % overall.
  int found_total = 0;
  int expected_total = 0;
  for (int s = 0; s < speakers; ++s) {
    const auto& expected = tracks[static_cast<std::size_t>(s)].script.content_words;
    int found = 0;
    for (const auto& word : expected)
      found += heard[s].count(Stem(word)) ? 1 : 0;
    found_total += found;
    expected_total += static_cast<int>(expected.size());
    EXPECT_GE(found * 10, static_cast<int>(expected.size()) * 6)
        << tracks[static_cast<std::size_t>(s)].script.name << " recognised " << found << " of "
        << expected.size();
  }
  EXPECT_GE(found_total * 10, expected_total * 8) << "recognised " << found_total << " of " << expected_total;
}

}  // namespace reflector::testing
