#include "media/audio_writer.hpp"

extern "C" {
#include <libavfilter/buffersink.h>
}

#include <string>

namespace reflector::media {

Result<std::unique_ptr<AudioWriter>> AudioWriter::Open(const std::filesystem::path& output,
                                                       const EncoderSettings& settings,
                                                       AVFilterContext* sink) {
  std::unique_ptr<AudioWriter> writer(new AudioWriter());
  writer->output_ = output;
  writer->sink_ = sink;
  writer->frame_ = MakeFrame();
  writer->packet_ = MakePacket();
  if (!writer->frame_ || !writer->packet_) return Error::Internal("out of memory");

  const AVCodec* codec = avcodec_find_encoder_by_name(settings.encoder);
  if (codec == nullptr) {
    return Error::Internal(std::string("this FFmpeg has no ") + settings.encoder + " encoder");
  }
  REFLECTOR_ASSIGN_OR_RETURN(writer->muxer_, MuxerOutput::Create(output, settings.container));
  AVFormatContext* format = writer->muxer_->format();

  writer->encoder_.reset(avcodec_alloc_context3(codec));
  if (!writer->encoder_) return Error::Internal("out of memory");
  AVCodecContext* encoder = writer->encoder_.get();
  encoder->sample_rate = av_buffersink_get_sample_rate(sink);
  encoder->sample_fmt = static_cast<AVSampleFormat>(av_buffersink_get_format(sink));
  int rc = av_buffersink_get_ch_layout(sink, &encoder->ch_layout);
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, output, "cannot read the mixed channel layout");
  encoder->time_base = AVRational{1, encoder->sample_rate};
  encoder->bit_rate = settings.bit_rate;
  encoder->flags |= AV_CODEC_FLAG_BITEXACT;
  if ((format->oformat->flags & AVFMT_GLOBALHEADER) != 0) {
    encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  }
  rc = avcodec_open2(encoder, codec, nullptr);
  if (rc < 0)
    return FfmpegError(ErrorKind::kInternal, rc, output, std::string("cannot open ") + settings.encoder);
  if (encoder->frame_size > 0 && (codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) == 0) {
    av_buffersink_set_frame_size(sink, static_cast<unsigned>(encoder->frame_size));
  }

  writer->stream_ = avformat_new_stream(format, nullptr);
  if (writer->stream_ == nullptr) return Error::Internal("out of memory");
  rc = avcodec_parameters_from_context(writer->stream_->codecpar, encoder);
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, output, "cannot set stream parameters");
  writer->stream_->time_base = encoder->time_base;

  REFLECTOR_TRY(writer->muxer_->Start());
  return writer;
}

Status AudioWriter::Encode(AVFrame* frame) {
  if (frame != nullptr) {
    // Filter timestamps are not trusted (frame sizes were changed by the sink): count samples.
    frame->pts = samples_written_;
    samples_written_ += frame->nb_samples;
  }
  int rc = avcodec_send_frame(encoder_.get(), frame);
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, output_, "cannot encode");
  while (true) {
    rc = avcodec_receive_packet(encoder_.get(), packet_.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return Ok();
    if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, output_, "cannot encode");
    av_packet_rescale_ts(packet_.get(), encoder_->time_base, stream_->time_base);
    packet_->stream_index = stream_->index;
    Status written = muxer_->Write(packet_.get());
    av_packet_unref(packet_.get());
    REFLECTOR_TRY(std::move(written));
  }
}

Result<bool> AudioWriter::Drain() {
  while (!sink_done_) {
    int rc = av_buffersink_get_frame(sink_, frame_.get());
    if (rc == AVERROR(EAGAIN)) return false;
    if (rc == AVERROR_EOF) {
      sink_done_ = true;
      REFLECTOR_TRY(Encode(nullptr));
      break;
    }
    if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, output_, "audio filter failed");
    Status encoded = Encode(frame_.get());
    av_frame_unref(frame_.get());
    if (!encoded.ok()) return std::move(encoded).error();
  }
  return true;
}

Result<std::uint64_t> AudioWriter::Commit() {
  return muxer_->Commit();
}

}  // namespace reflector::media
