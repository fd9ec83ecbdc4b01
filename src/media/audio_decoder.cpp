#include "media/audio_decoder.hpp"

#include <system_error>

namespace reflector::media {

Result<AudioDecoder> AudioDecoder::Open(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return InputError(file, "file does not exist");
  if (std::filesystem::is_directory(file, ec)) return InputError(file, "is a directory, not an audio file");
  if (std::filesystem::file_size(file, ec) == 0 && !ec) return InputError(file, "file is empty");

  AudioDecoder decoder;
  decoder.file_ = file;
  AVFormatContext* raw_format = nullptr;
  // "file:" keeps a name with a colon from being read as a protocol.
  int rc = avformat_open_input(&raw_format, ("file:" + file.string()).c_str(), nullptr, nullptr);
  if (rc < 0) return FfmpegError(ErrorKind::kInvalidInput, rc, file, "cannot open as media");
  decoder.format_.reset(raw_format);

  rc = avformat_find_stream_info(decoder.format_.get(), nullptr);
  if (rc < 0) return FfmpegError(ErrorKind::kInvalidInput, rc, file, "cannot read stream information");

  const AVCodec* codec = nullptr;
  rc = av_find_best_stream(decoder.format_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (rc == AVERROR_STREAM_NOT_FOUND) return InputError(file, "no audio stream");
  if (rc == AVERROR_DECODER_NOT_FOUND || codec == nullptr) {
    return InputError(file, "no decoder for its audio codec");
  }
  if (rc < 0) return FfmpegError(ErrorKind::kInvalidInput, rc, file, "cannot select the audio stream");
  decoder.stream_index_ = rc;

  // Only the chosen stream is demuxed into packets we look at; skip the others cheaply.
  for (unsigned i = 0; i < decoder.format_->nb_streams; ++i) {
    if (static_cast<int>(i) != decoder.stream_index_) decoder.format_->streams[i]->discard = AVDISCARD_ALL;
  }

  decoder.codec_.reset(avcodec_alloc_context3(codec));
  decoder.packet_ = MakePacket();
  if (!decoder.codec_ || !decoder.packet_)
    return Error::Internal(file.filename().string() + ": out of memory");
  rc = avcodec_parameters_to_context(decoder.codec_.get(), decoder.stream()->codecpar);
  if (rc < 0) return FfmpegError(ErrorKind::kInvalidInput, rc, file, "bad audio codec parameters");
  decoder.codec_->pkt_timebase = decoder.stream()->time_base;
  rc = avcodec_open2(decoder.codec_.get(), codec, nullptr);
  if (rc < 0) return FfmpegError(ErrorKind::kInvalidInput, rc, file, "cannot open the audio decoder");
  if (decoder.codec_->sample_rate <= 0 || decoder.codec_->ch_layout.nb_channels <= 0) {
    return InputError(file, "audio stream has no sample rate or channels");
  }
  return decoder;
}

Result<bool> AudioDecoder::Next(AVFrame* frame) {
  av_frame_unref(frame);
  while (!decoder_done_) {
    int rc = avcodec_receive_frame(codec_.get(), frame);
    if (rc == 0) {
      // Stream time base (1/1000 for WebM) to samples, which is what the filter graph counts in.
      frame->pts = frame->best_effort_timestamp == AV_NOPTS_VALUE
                       ? next_pts_
                       : av_rescale_q(frame->best_effort_timestamp, stream()->time_base,
                                      AVRational{1, frame->sample_rate});
      next_pts_ = frame->pts + frame->nb_samples;
      if (frame->ch_layout.order != AV_CHANNEL_ORDER_NATIVE) {
        const int channels = frame->ch_layout.nb_channels;
        av_channel_layout_uninit(&frame->ch_layout);
        av_channel_layout_default(&frame->ch_layout, channels);
      }
      ++frames_decoded_;
      return true;
    }
    if (rc == AVERROR_EOF) {
      decoder_done_ = true;
      break;
    }
    if (rc == AVERROR(ENOMEM)) return FfmpegError(ErrorKind::kInternal, rc, file_, "cannot decode audio");
    // A damaged packet: skip it and go on with the next one, as the ffmpeg tool does.
    if (rc != AVERROR(EAGAIN)) ++bad_packets_;

    // The decoder wants more input.
    if (input_done_) {
      // Already flushed but the decoder still says EAGAIN: treat as the end.
      decoder_done_ = true;
      break;
    }
    rc = av_read_frame(format_.get(), packet_.get());
    if (rc == AVERROR_EOF) {
      input_done_ = true;
      rc = avcodec_send_packet(codec_.get(), nullptr);
      if (rc < 0 && rc != AVERROR_EOF)
        return FfmpegError(ErrorKind::kInvalidInput, rc, file_, "cannot flush");
      continue;
    }
    if (rc < 0) return FfmpegError(ErrorKind::kInvalidInput, rc, file_, "cannot read");
    if (packet_->stream_index == stream_index_) {
      rc = avcodec_send_packet(codec_.get(), packet_.get());
      if (rc == AVERROR(ENOMEM)) {
        av_packet_unref(packet_.get());
        return FfmpegError(ErrorKind::kInternal, rc, file_, "cannot decode audio");
      }
      if (rc < 0 && rc != AVERROR(EAGAIN)) ++bad_packets_;  // a damaged packet: skip it
    }
    av_packet_unref(packet_.get());
  }
  return false;
}

Result<bool> AudioDecoder::NextPacket(AVPacket* packet) {
  av_packet_unref(packet);
  while (true) {
    int rc = av_read_frame(format_.get(), packet);
    if (rc == AVERROR_EOF) return false;
    if (rc < 0) return FfmpegError(ErrorKind::kInvalidInput, rc, file_, "cannot read");
    if (packet->stream_index == stream_index_) return true;
    av_packet_unref(packet);
  }
}

}  // namespace reflector::media
