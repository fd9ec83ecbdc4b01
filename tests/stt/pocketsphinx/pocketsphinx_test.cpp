// PocketSphinxSpeechToText on real speech synthesised with flite at test time, in the formats a
// meeting produces (WAV, WebM/Opus 48 kHz as Daily records, MP3).

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "fakes/progress_sink_fake.hpp"
#include "speech_fixtures.hpp"
#include "stt/pocketsphinx/pocketsphinx_speech_to_text.hpp"
#include "support/temp_dir.hpp"

namespace reflector::stt {
namespace {

namespace fs = std::filesystem;
using reflector::testing::EditDistance;
using reflector::testing::ProbeDuration;
using reflector::testing::RecordingSink;
using reflector::testing::RunFfmpegTool;
using reflector::testing::ShellQuoted;
using reflector::testing::StopOnFirstReport;
using reflector::testing::Synthesize;
using reflector::testing::TempDir;
using reflector::testing::WordsOf;

const std::vector<std::string> kSentences = {
    "hello everyone and welcome to the weekly planning meeting",
    "today we will review the budget for the next quarter",
    "please send your questions to the project manager before friday",
};

// Word error rate bound. Measured with the Debian model on these three kal16 sentences: 0 errors
// in 29 words for WAV, WebM/Opus 48 kHz and MP3, and 0 in 87 for the 45 s recording (the
// dependency spike measured 1/47 on other flite sentences and 22/470 = 4.7 % on a 181 s
// recording). 10 % leaves room for small model or codec differences but fails when utterance
// cutting or resampling damages the audio (a word cut in two, or a wrong rate, costs far more).
constexpr double kMaxWordErrorRate = 0.10;

std::vector<std::string> TextsOf(const std::vector<Word>& words) {
  std::vector<std::string> texts;
  for (const Word& word : words)
    texts.push_back(word.text);
  return texts;
}

std::string Describe(const std::vector<Word>& words) {
  std::string text;
  for (const Word& word : words)
    text += (text.empty() ? "" : " ") + word.text + "@" + std::to_string(word.start);
  return text;
}

// Words are ordered, do not overlap, have positive length and lie inside [0, duration].
void ExpectWellFormedTimes(const std::vector<Word>& words, double duration) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    EXPECT_GE(words[i].start, 0.0) << words[i].text;
    EXPECT_GT(words[i].end, words[i].start) << words[i].text;
    EXPECT_LE(words[i].end, duration) << words[i].text;
    if (i > 0) {
      EXPECT_GE(words[i].start, words[i - 1].end - 1e-9) << words[i].text;
    }
  }
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

class PocketSphinxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(reflector::testing::RequireSpeechTools());
    auto model = PocketSphinxSpeechToText::CheckModel(DefaultPocketSphinxModelDir());
    ASSERT_TRUE(model.ok()) << model.error().message;
  }

  fs::path Sentence(std::size_t index) {
    fs::path wav = dir_ / ("sentence_" + std::to_string(index) + ".wav");
    if (!fs::exists(wav)) {
      EXPECT_TRUE(Synthesize(kSentences[index], wav));
    }
    return wav;
  }

  // Converts `source` with the ffmpeg tool; `options` go between input and output.
  fs::path Convert(const fs::path& source, const std::string& name, const std::string& options) {
    fs::path output = dir_ / name;
    EXPECT_TRUE(RunFfmpegTool("-i " + ShellQuoted(source) + " " + options + " " + ShellQuoted(output)));
    return output;
  }

  // WebM/Opus 48 kHz mono, as Daily records a participant.
  fs::path ToWebm(const fs::path& source, const std::string& name) {
    return Convert(source, name, "-ar 48000 -c:a libopus -b:a 32k");
  }

  Transcription MustTranscribe(const fs::path& file, std::string_view language = "en") {
    auto result = stt_.Transcribe({.file = file}, language, {}, sink_);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().Describe());
    return result.ok() ? std::move(result).value() : Transcription{};
  }

  struct Utterance {
    std::size_t sentence;  // index in kSentences
    double start;          // seconds in the recording
    double end;
  };
  struct Recording {
    fs::path wav;
    std::vector<Utterance> utterances;
    double duration = 0;
  };

  // A 16 kHz WAV of the test sentences, `rounds` times over, each followed by a pause of
  // `pause_seconds`.
  Recording MakeRecording(int rounds, double pause_seconds = 1.5) {
    const double kPause = pause_seconds;
    Recording recording;
    fs::path pause = dir_ / ("pause_" + std::to_string(pause_seconds) + ".wav");
    EXPECT_TRUE(RunFfmpegTool("-f lavfi -i anullsrc=r=16000:cl=mono -t " + std::to_string(kPause) +
                              " -c:a pcm_s16le " + ShellQuoted(pause)));
    std::ofstream list(dir_ / "list.txt");
    double offset = 0;
    for (int round = 0; round < rounds; ++round) {
      for (std::size_t i = 0; i < kSentences.size(); ++i) {
        fs::path wav = Sentence(i);
        double length = ProbeDuration(wav);
        recording.utterances.push_back({i, offset, offset + length});
        offset += length + kPause;
        list << "file " << ShellQuoted(wav) << "\nfile " << ShellQuoted(pause) << "\n";
      }
    }
    list.close();
    recording.wav =
        dir_ / ("recording_" + std::to_string(rounds) + "_" + std::to_string(pause_seconds) + ".wav");
    EXPECT_TRUE(RunFfmpegTool("-f concat -safe 0 -i " + ShellQuoted(dir_ / "list.txt") + " -c:a pcm_s16le " +
                              ShellQuoted(recording.wav)));
    recording.duration = offset;
    return recording;
  }

  // Every word lies inside the utterance that says it (the spans come from the WAV lengths, so
  // this checks that times are absolute), every utterance is heard, and the word error rate over
  // all utterances stays within kMaxWordErrorRate.
  static void ExpectRecognised(const Transcription& transcription, const Recording& recording,
                               const fs::path& file) {
    const std::vector<Word>& words = transcription.words;
    ExpectWellFormedTimes(words, ProbeDuration(file));
    EXPECT_EQ(transcription.backend, "pocketsphinx");
    EXPECT_EQ(transcription.model, "en-us (Debian pocketsphinx-en-us)");
    constexpr double kSlack = 0.05;
    const auto& utterances = recording.utterances;
    std::vector<std::vector<std::string>> heard(utterances.size());
    for (const Word& word : words) {
      auto it = std::find_if(utterances.begin(), utterances.end(), [&](const Utterance& u) {
        return word.start >= u.start - kSlack && word.end <= u.end + kSlack;
      });
      if (it == utterances.end()) {
        ADD_FAILURE() << "word \"" << word.text << "\" at " << word.start << "-" << word.end
                      << " s lies outside every utterance";
        continue;
      }
      heard[static_cast<std::size_t>(it - utterances.begin())].push_back(word.text);
    }
    int errors = 0;
    int reference_words = 0;
    for (std::size_t u = 0; u < utterances.size(); ++u) {
      auto reference = WordsOf(kSentences[utterances[u].sentence]);
      errors += EditDistance(reference, heard[u]);
      reference_words += static_cast<int>(reference.size());
      EXPECT_FALSE(heard[u].empty()) << "nothing recognised in utterance " << u;
    }
    std::cout << file.filename().string() << ": " << errors << " errors in " << reference_words
              << " words: " << Describe(words) << "\n";
    EXPECT_LE(static_cast<double>(errors) / reference_words, kMaxWordErrorRate)
        << errors << " errors in " << reference_words << " words: " << Describe(words);
  }

  TempDir dir_{"stt-test"};
  PocketSphinxSpeechToText stt_;
  RecordingSink sink_;
};

TEST_F(PocketSphinxTest, RecognisesSentencesInWav) {
  Recording recording = MakeRecording(1);
  ExpectRecognised(MustTranscribe(recording.wav), recording, recording.wav);
}

TEST_F(PocketSphinxTest, RecognisesSentencesInWebmOpus48k) {
  Recording recording = MakeRecording(1);
  fs::path webm = ToWebm(recording.wav, "recording.webm");
  ExpectRecognised(MustTranscribe(webm), recording, webm);
}

TEST_F(PocketSphinxTest, RecognisesSentencesInStereoMp3) {
  Recording recording = MakeRecording(1);
  fs::path mp3 = Convert(recording.wav, "recording.mp3", "-ar 44100 -ac 2 -c:a libmp3lame -b:a 64k");
  ExpectRecognised(MustTranscribe(mp3), recording, mp3);
}

// Utterances are cut by the speech detector, and word times stay absolute: 2 s of silence in
// front moves every word by 2 s.
TEST_F(PocketSphinxTest, LeadingSilenceShiftsWordTimes) {
  fs::path plain = ToWebm(Sentence(1), "plain.webm");
  fs::path delayed =
      Convert(Sentence(1), "delayed.webm", "-af adelay=2000:all=1 -ar 48000 -c:a libopus -b:a 32k");
  Transcription before = MustTranscribe(plain);
  Transcription after = MustTranscribe(delayed);
  ASSERT_FALSE(after.words.empty());
  EXPECT_EQ(TextsOf(after.words), TextsOf(before.words));
  EXPECT_GE(after.words.front().start, 2.0);
  double duration = ProbeDuration(delayed);
  EXPECT_NEAR(duration, ProbeDuration(plain) + 2.0, 0.05);
  ExpectWellFormedTimes(after.words, duration);
  for (std::size_t i = 0; i < std::min(before.words.size(), after.words.size()); ++i) {
    EXPECT_NEAR(after.words[i].start, before.words[i].start + 2.0, 0.05) << after.words[i].text;
    EXPECT_NEAR(after.words[i].end, before.words[i].end + 2.0, 0.05) << after.words[i].text;
  }
}

// A 45 s WebM/Opus recording of nine utterances separated by 1.5 s pauses. Also prints the
// real-time factor (not asserted: performance belongs in benchmarks).
TEST_F(PocketSphinxTest, LongRecordingIsCutIntoUtterancesWithAbsoluteTimes) {
  Recording recording = MakeRecording(3);
  fs::path webm = ToWebm(recording.wav, "long.webm");
  double duration = ProbeDuration(webm);
  ASSERT_NEAR(duration, recording.duration, 0.05);

  RecordingSink progress;
  double cpu_before = CpuSeconds();
  auto wall_before = std::chrono::steady_clock::now();
  auto result = stt_.Transcribe({.file = webm}, "en-US", {}, progress);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  double cpu = CpuSeconds() - cpu_before;
  ASSERT_TRUE(result.ok()) << result.error().Describe();
  std::cout << "real-time factor for " << duration << " s: wall " << wall / duration << ", cpu "
            << cpu / duration << "\n";
  RecordProperty("real_time_factor_wall", std::to_string(wall / duration));
  RecordProperty("real_time_factor_cpu", std::to_string(cpu / duration));
  ExpectRecognised(*result, recording, webm);

  // Progress: starts at 0, never goes back, ends at 1.
  ASSERT_GE(progress.fractions.size(), 2u);
  EXPECT_EQ(progress.fractions.front(), 0.0);
  EXPECT_EQ(progress.fractions.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(progress.fractions.begin(), progress.fractions.end()));
}

// A participant's track is mostly the others' turns: the silence gate keeps 20 s pauses from the
// decoder, and every word still lies inside the utterance that says it, with the same words as
// with short pauses.
TEST_F(PocketSphinxTest, LongPausesAreSkippedAndWordsKeepTheirTimes) {
  Recording recording = MakeRecording(1, 20.0);
  fs::path webm = ToWebm(recording.wav, "paused.webm");
  ASSERT_NEAR(ProbeDuration(webm), recording.duration, 0.05);
  Transcription paused = MustTranscribe(webm);
  ExpectRecognised(paused, recording, webm);
  Recording close = MakeRecording(1);
  EXPECT_EQ(TextsOf(paused.words), TextsOf(MustTranscribe(close.wav).words));
  ASSERT_FALSE(paused.words.empty());
  EXPECT_GT(paused.words.back().start, 40.0);  // the last sentence comes after two 20 s pauses
}

// A muted microphone leaves a timestamp gap in a track; the gap counts as time, as in the
// mixdown, so words after it keep their place on the timeline.
TEST_F(PocketSphinxTest, TimestampGapCountsAsTime) {
  fs::path pair = dir_ / "pair.wav";
  ASSERT_TRUE(RunFfmpegTool("-i " + ShellQuoted(Sentence(0)) + " -i " + ShellQuoted(Sentence(1)) +
                            " -filter_complex concat=n=2:v=0:a=1 " + ShellQuoted(pair)));
  double first_length = ProbeDuration(Sentence(0));
  // Timestamps jump 3 s forward where the second sentence starts.
  fs::path gapped = Convert(pair, "gapped.webm",
                            "-af \"asetpts='PTS+gte(T," + std::to_string(first_length) +
                                ")*3/TB'\" -ar 48000 -c:a libopus -b:a 32k");
  Transcription transcription = MustTranscribe(gapped);
  auto today = std::find_if(transcription.words.begin(), transcription.words.end(),
                            [](const Word& word) { return word.text == "today"; });
  ASSERT_NE(today, transcription.words.end()) << Describe(transcription.words);
  EXPECT_GE(today->start, first_length + 3.0);
  EXPECT_LE(today->start, first_length + 3.0 + 0.5);
  EXPECT_LE(transcription.words.back().end, first_length + 3.0 + ProbeDuration(Sentence(1)) + 0.05);
  EXPECT_EQ(WordsOf(kSentences[0]).size() + WordsOf(kSentences[1]).size(), transcription.words.size())
      << Describe(transcription.words);
}

TEST_F(PocketSphinxTest, SilenceGivesNoWords) {
  fs::path silence = dir_ / "silence.webm";
  ASSERT_TRUE(
      RunFfmpegTool("-f lavfi -i anullsrc=r=48000:cl=mono -t 5 -c:a libopus " + ShellQuoted(silence)));
  auto result = stt_.Transcribe({.file = silence}, "en", {}, sink_);
  ASSERT_TRUE(result.ok()) << result.error().Describe();
  EXPECT_TRUE(result->words.empty()) << Describe(result->words);
  ASSERT_FALSE(sink_.fractions.empty());
  EXPECT_EQ(sink_.fractions.back(), 1.0);
}

TEST_F(PocketSphinxTest, TextFileNamedWavIsTerminalErrorNamingTheFile) {
  fs::path fake = dir_ / "notes.wav";
  std::ofstream(fake) << "These are meeting notes, not audio.\nSecond line.\n";
  auto result = stt_.Transcribe({.file = fake}, "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(result.error().retryable);
  EXPECT_NE(result.error().message.find("notes.wav"), std::string::npos) << result.error().message;
}

TEST_F(PocketSphinxTest, FileWithoutAudioIsTerminalErrorNamingTheFile) {
  fs::path video = dir_ / "video_only.mkv";
  ASSERT_TRUE(RunFfmpegTool("-f lavfi -i color=c=black:s=32x32:d=1 -c:v ffv1 " + ShellQuoted(video)));
  auto result = stt_.Transcribe({.file = video}, "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(result.error().retryable);
  EXPECT_NE(result.error().message.find("video_only.mkv"), std::string::npos) << result.error().message;
}

TEST_F(PocketSphinxTest, MissingFileIsTerminalErrorNamingTheFile) {
  auto result = stt_.Transcribe({.file = dir_ / "absent.webm"}, "en", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(result.error().retryable);
  EXPECT_NE(result.error().message.find("absent.webm"), std::string::npos) << result.error().message;
}

TEST_F(PocketSphinxTest, OtherLanguageIsTerminalErrorNamingIt) {
  auto result = stt_.Transcribe({.file = Sentence(0)}, "fr", {}, sink_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(result.error().retryable);
  EXPECT_NE(result.error().message.find("\"fr\""), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("sentence_0.wav"), std::string::npos) << result.error().message;
}

TEST_F(PocketSphinxTest, StopRequestGivesCancelled) {
  std::stop_source source;
  StopOnFirstReport stopper(source);
  auto result = stt_.Transcribe({.file = Sentence(2)}, "en", source.get_token(), stopper);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kCancelled);
  EXPECT_NE(result.error().message.find("sentence_2.wav"), std::string::npos) << result.error().message;

  std::stop_source stopped;
  stopped.request_stop();
  auto before_start = stt_.Transcribe({.file = Sentence(2)}, "en", stopped.get_token(), sink_);
  ASSERT_FALSE(before_start.ok());
  EXPECT_EQ(before_start.error().kind, ErrorKind::kCancelled);
}

// Each call has its own decoder: concurrent calls on one object give what a lone call gives.
// The dictionary cut to the language model's words (lm_dictionary.hpp) is made once in the
// cache folder, is smaller, and gives exactly the words of the whole dictionary.
TEST_F(PocketSphinxTest, TheDictionaryCutToTheLanguageModelGivesTheSameWords) {
  Recording recording = MakeRecording(2);
  fs::path webm = ToWebm(recording.wav, "cut.webm");
  Transcription whole = MustTranscribe(webm);

  PocketSphinxOptions options;
  options.cache_dir = dir_ / "cache";
  PocketSphinxSpeechToText cut(options);
  NullProgressSink sink;
  auto first = cut.Transcribe({.file = webm}, "en", {}, sink);
  ASSERT_TRUE(first.ok()) << first.error().Describe();
  EXPECT_EQ(first->words, whole.words);
  EXPECT_FALSE(whole.words.empty());

  std::vector<fs::path> made;
  for (const auto& entry : fs::directory_iterator(options.cache_dir))
    made.push_back(entry.path());
  ASSERT_EQ(made.size(), 1U) << "one dictionary, no temporary file left";
  EXPECT_EQ(made[0].extension(), ".dict");
  const auto full_size = fs::file_size(options.model_dir / "cmudict-en-us.dict");
  EXPECT_LT(fs::file_size(made[0]), full_size * 3 / 4);
  const auto written = fs::last_write_time(made[0]);

  auto second = cut.Transcribe({.file = webm}, "en", {}, sink);
  ASSERT_TRUE(second.ok()) << second.error().Describe();
  EXPECT_EQ(second->words, whole.words);
  EXPECT_EQ(fs::last_write_time(made[0]), written) << "the cut dictionary was made again";
}

TEST_F(PocketSphinxTest, ConcurrentCallsGiveTheSameWords) {
  fs::path first = ToWebm(Sentence(0), "first.webm");
  fs::path second = ToWebm(Sentence(2), "second.webm");
  Transcription alone_first = MustTranscribe(first);
  Transcription alone_second = MustTranscribe(second);
  Result<Transcription> together_first = Error::Internal("not run");
  Result<Transcription> together_second = Error::Internal("not run");
  {
    NullProgressSink sink_a;
    NullProgressSink sink_b;
    std::jthread a([&] { together_first = stt_.Transcribe({.file = first}, "en", {}, sink_a); });
    std::jthread b([&] { together_second = stt_.Transcribe({.file = second}, "en", {}, sink_b); });
  }
  ASSERT_TRUE(together_first.ok()) << together_first.error().Describe();
  ASSERT_TRUE(together_second.ok()) << together_second.error().Describe();
  EXPECT_EQ(together_first->words, alone_first.words);
  EXPECT_EQ(together_second->words, alone_second.words);
  EXPECT_FALSE(alone_first.words.empty());
}

}  // namespace
}  // namespace reflector::stt
