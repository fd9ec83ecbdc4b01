#include "media/audio_writer.hpp"

extern "C" {
#include <libavfilter/buffersink.h>
}

#include <array>
#include <cstdio>
#include <random>
#include <system_error>

namespace reflector::media {

namespace {

std::filesystem::path TemporaryPathBeside(const std::filesystem::path& output) {
  std::random_device random;
  std::array<char, 17> suffix{};
  std::snprintf(suffix.data(), suffix.size(), "%08x%08x", random(), random());
  return output.parent_path() / ("." + output.filename().string() + "." + suffix.data() + ".partial");
}

}  // namespace

Result<std::unique_ptr<AudioWriter>> AudioWriter::Open(const std::filesystem::path& output,
                                                       const EncoderSettings& settings,
                                                       AVFilterContext* sink) {
  std::unique_ptr<AudioWriter> writer(new AudioWriter());
  writer->output_ = output;
  writer->temp_ = TemporaryPathBeside(output);
  writer->sink_ = sink;
  writer->frame_ = MakeFrame();
  writer->packet_ = MakePacket();
  if (!writer->frame_ || !writer->packet_) return Error::Internal("out of memory");

  const AVCodec* codec = avcodec_find_encoder_by_name(settings.encoder);
  if (codec == nullptr) {
    return Error::Internal(std::string("this FFmpeg has no ") + settings.encoder + " encoder");
  }
  AVFormatContext* raw_format = nullptr;
  int rc = avformat_alloc_output_context2(&raw_format, nullptr, settings.container, writer->temp_.c_str());
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, output, "cannot create the muxer");
  writer->format_.reset(raw_format);
  // Same input, same bytes: no random segment/track UIDs, dates or version strings, so the
  // transcription cache (keyed by the padded track's bytes) hits on a re-run.
  writer->format_->flags |= AVFMT_FLAG_BITEXACT;

  writer->encoder_.reset(avcodec_alloc_context3(codec));
  if (!writer->encoder_) return Error::Internal("out of memory");
  AVCodecContext* encoder = writer->encoder_.get();
  encoder->sample_rate = av_buffersink_get_sample_rate(sink);
  encoder->sample_fmt = static_cast<AVSampleFormat>(av_buffersink_get_format(sink));
  rc = av_buffersink_get_ch_layout(sink, &encoder->ch_layout);
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, output, "cannot read the mixed channel layout");
  encoder->time_base = AVRational{1, encoder->sample_rate};
  encoder->bit_rate = settings.bit_rate;
  encoder->flags |= AV_CODEC_FLAG_BITEXACT;
  if ((writer->format_->oformat->flags & AVFMT_GLOBALHEADER) != 0) {
    encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  }
  rc = avcodec_open2(encoder, codec, nullptr);
  if (rc < 0)
    return FfmpegError(ErrorKind::kInternal, rc, output, std::string("cannot open ") + settings.encoder);
  if (encoder->frame_size > 0 && (codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) == 0) {
    av_buffersink_set_frame_size(sink, static_cast<unsigned>(encoder->frame_size));
  }

  writer->stream_ = avformat_new_stream(writer->format_.get(), nullptr);
  if (writer->stream_ == nullptr) return Error::Internal("out of memory");
  rc = avcodec_parameters_from_context(writer->stream_->codecpar, encoder);
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, output, "cannot set stream parameters");
  writer->stream_->time_base = encoder->time_base;

  // "file:" keeps a name with a colon from being read as a protocol.
  rc = avio_open(&writer->format_->pb, ("file:" + writer->temp_.string()).c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) return FfmpegError(ErrorKind::kIo, rc, output, "cannot create the output file");
  rc = avformat_write_header(writer->format_.get(), nullptr);
  if (rc < 0) return FfmpegError(ErrorKind::kIo, rc, output, "cannot write the header");
  return writer;
}

AudioWriter::~AudioWriter() {
  if (committed_) return;
  format_.reset();  // closes the file before it is removed
  std::error_code ignored;
  std::filesystem::remove(temp_, ignored);
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
    rc = av_write_frame(format_.get(), packet_.get());
    av_packet_unref(packet_.get());
    if (rc < 0) return FfmpegError(ErrorKind::kIo, rc, output_, "cannot write");
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
  int rc = av_write_trailer(format_.get());
  if (rc < 0) return FfmpegError(ErrorKind::kIo, rc, output_, "cannot finish the file");
  rc = avio_closep(&format_->pb);
  if (rc < 0) return FfmpegError(ErrorKind::kIo, rc, output_, "cannot close the file");
  std::error_code ec;
  std::filesystem::rename(temp_, output_, ec);
  if (ec) {
    return Error::Transient(
        ErrorKind::kIo,
        output_.filename().string() + ": cannot move the finished file into place: " + ec.message());
  }
  committed_ = true;
  auto size = std::filesystem::file_size(output_, ec);
  return ec ? std::uint64_t{0} : static_cast<std::uint64_t>(size);
}

}  // namespace reflector::media
