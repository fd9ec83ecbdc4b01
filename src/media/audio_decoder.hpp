#pragma once
// Internal: reads one file's best audio stream and decodes it frame by frame.

#include <cstdint>
#include <filesystem>

#include "core/result.hpp"
#include "media/ffmpeg_handles.hpp"

namespace reflector::media {

class AudioDecoder {
 public:
  // Opens `file`, finds its best audio stream and opens a decoder for it. Missing, empty,
  // unreadable or audio-less files give a kInvalidInput error naming the file.
  static Result<AudioDecoder> Open(const std::filesystem::path& file);

  // Decodes the next frame into `frame` (its previous content is released). Returns false at the
  // end of the stream. Undecodable packets are skipped (as the ffmpeg tool does); a read error
  // ends with an error. The frame is ready for an abuffer source made with
  // SourceFormat::FromDecoder: its pts is rescaled from the stream time base into samples
  // (1/sample rate; a frame without timestamp follows the previous one), and a channel layout
  // that is not a native one (unspecified order, custom map) becomes the default layout of its
  // channel count.
  Result<bool> Next(AVFrame* frame);

  // Reads the next packet of the audio stream into `packet` (its previous content is released)
  // without decoding it, for copying. Returns false at the end of the file; a read error gives
  // a kInvalidInput error naming the file. Do not mix with Next on the same decoder.
  Result<bool> NextPacket(AVPacket* packet);

  [[nodiscard]] AVFormatContext* format() const { return format_.get(); }
  [[nodiscard]] AVStream* stream() const { return format_->streams[stream_index_]; }
  [[nodiscard]] AVCodecContext* codec() const { return codec_.get(); }
  [[nodiscard]] const std::filesystem::path& file() const { return file_; }
  // Frames decoded so far, and packets the decoder rejected.
  [[nodiscard]] std::int64_t frames_decoded() const { return frames_decoded_; }
  [[nodiscard]] std::int64_t bad_packets() const { return bad_packets_; }

 private:
  AudioDecoder() = default;

  std::filesystem::path file_;
  InputFormatPtr format_;
  CodecContextPtr codec_;
  PacketPtr packet_;
  int stream_index_ = -1;
  bool input_done_ = false;    // demuxer reached the end; decoder is being drained
  bool decoder_done_ = false;  // decoder returned AVERROR_EOF
  std::int64_t next_pts_ = 0;  // in samples: where a frame without timestamp goes
  std::int64_t frames_decoded_ = 0;
  std::int64_t bad_packets_ = 0;
};

}  // namespace reflector::media
