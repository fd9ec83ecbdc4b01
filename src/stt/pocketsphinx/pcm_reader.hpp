#pragma once
// Reads any audio file FFmpeg can decode (WebM/Opus, WAV, MP3, M4A, ...) as 16 kHz mono signed
// 16-bit samples, the input local speech recognisers want, a chunk at a time: memory does not
// grow with the length of the file.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/result.hpp"
#include "media/audio_decoder.hpp"
#include "media/ffmpeg_handles.hpp"

namespace reflector::stt {

class PcmReader {
 public:
  static constexpr int kSampleRate = 16000;

  // Opens `file` and its best audio stream. A missing, empty, unreadable or audio-less file gives
  // a terminal kInvalidInput error starting with the file name.
  static Result<PcmReader> Open(const std::filesystem::path& file);

  // Replaces the content of `chunk` with the next samples, at most `max_samples` (> 0) of them;
  // `chunk` is empty only at the end of the audio. Sample i of the whole stream lies at
  // i / kSampleRate seconds from the start of the file's audio (its first decoded sample);
  // timestamp gaps of more than 0.1 s inside the file (a muted microphone) are read as silence,
  // as the mixdown does, so that positions follow the file's timeline. Channels are mixed down.
  // A damaged packet is skipped; a read error gives a terminal error naming the file.
  Status Read(std::vector<std::int16_t>& chunk, std::size_t max_samples);

  // Length of the audio as the file declares it, in seconds; 0 when it does not say.
  [[nodiscard]] double declared_duration() const { return declared_duration_; }
  // Samples handed out by Read so far.
  [[nodiscard]] std::int64_t samples_read() const { return samples_read_; }
  [[nodiscard]] const std::filesystem::path& file() const { return decoder_.file(); }

 private:
  explicit PcmReader(media::AudioDecoder decoder);

  // Puts more samples into pending_ (possibly none) or sets finished_.
  Status Refill();
  // Builds the resampler for the format of `frame`.
  Status Configure(AVFrame* frame);
  // Runs the resampler on `count` input samples (nullptr/0 drains it) and appends to pending_.
  Status Convert(const std::uint8_t** input, int count);

  media::AudioDecoder decoder_;
  media::SwrContextPtr swr_;
  media::FramePtr frame_;
  bool frame_ready_ = false;  // frame_ holds decoded audio still to convert (after owed silence)
  bool finished_ = false;
  double declared_duration_ = 0;

  // Current resampler input format.
  int in_rate_ = 0;
  int in_format_ = -1;
  int in_channels_ = 0;
  std::uint64_t in_channel_mask_ = 0;  // AudioDecoder hands out native channel layouts only

  bool have_first_time_ = false;
  double first_time_ = 0;              // seconds: the first frame's place on the file's timeline (output 0)
  std::int64_t samples_produced_ = 0;  // output samples put into pending_ so far
  std::int64_t silence_owed_ = 0;      // output samples of gap still to emit
  std::vector<std::int16_t> pending_;
  std::size_t pending_pos_ = 0;
  std::int64_t samples_read_ = 0;
};

}  // namespace reflector::stt
