#pragma once
// Internal: encodes what a filter graph's sink produces into one audio file, atomically.

#include <cstdint>
#include <filesystem>
#include <memory>

#include "core/result.hpp"
#include "media/ffmpeg_handles.hpp"
#include "media/muxer_output.hpp"

namespace reflector::media {

struct EncoderSettings {
  const char* container = nullptr;  // libavformat muxer name: "webm", "mp3"
  const char* encoder = nullptr;    // libavcodec encoder name: "libopus", "libmp3lame"
  std::int64_t bit_rate = 0;        // bits per second
};

class AudioWriter {
 public:
  // Creates a hidden temporary file beside `output`, and an encoder for the format the configured
  // `sink` delivers (its sample format must be one the encoder takes). Sets the sink's frame size
  // to the encoder's, so every frame but the last is full.
  static Result<std::unique_ptr<AudioWriter>> Open(const std::filesystem::path& output,
                                                   const EncoderSettings& settings, AVFilterContext* sink);
  // Removes the temporary file unless Commit succeeded.
  ~AudioWriter() = default;
  AudioWriter(const AudioWriter&) = delete;
  AudioWriter& operator=(const AudioWriter&) = delete;

  // Encodes every frame the sink has ready. Returns true once the sink has reported its end
  // (after every source got its end of stream); the encoder is then flushed.
  Result<bool> Drain();

  // Writes the trailer, closes the file and renames it to the output path. Returns its size.
  Result<std::uint64_t> Commit();

  // Samples encoded so far (per channel) and their rate.
  [[nodiscard]] std::int64_t samples_written() const { return samples_written_; }
  [[nodiscard]] int sample_rate() const { return encoder_->sample_rate; }

 private:
  AudioWriter() = default;
  Status Encode(AVFrame* frame);  // nullptr flushes

  std::filesystem::path output_;
  AVFilterContext* sink_ = nullptr;
  std::unique_ptr<MuxerOutput> muxer_;
  CodecContextPtr encoder_;
  AVStream* stream_ = nullptr;
  FramePtr frame_;
  PacketPtr packet_;
  std::int64_t samples_written_ = 0;
  bool sink_done_ = false;
};

}  // namespace reflector::media
