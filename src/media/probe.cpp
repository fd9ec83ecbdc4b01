// Probe: where a track starts and how long it is.

#include <cmath>
#include <cstring>

#include "media/audio.hpp"
#include "media/audio_decoder.hpp"

namespace reflector::media {

namespace {

// Matroska (and WebM) state the segment Duration from the timeline origin, not from the first frame.
bool DurationCountsFromOrigin(const AVFormatContext* format) {
  return std::strstr(format->iformat->name, "matroska") != nullptr;
}

// The first audio packet's dts, in seconds; reads packets (the caller's context is spent after it).
Result<double> FirstPacketTime(AudioDecoder& decoder) {
  PacketPtr packet = MakePacket();
  if (!packet) return Error::Internal("out of memory");
  while (true) {
    int rc = av_read_frame(decoder.format(), packet.get());
    if (rc == AVERROR_EOF) return 0.0;
    if (rc < 0) return FfmpegError(ErrorKind::kInvalidInput, rc, decoder.file(), "cannot read");
    bool ours = packet->stream_index == decoder.stream()->index;
    std::int64_t dts = packet->dts;
    av_packet_unref(packet.get());
    if (ours && dts != AV_NOPTS_VALUE) return static_cast<double>(dts) * av_q2d(decoder.stream()->time_base);
  }
}

// Decodes the whole stream and counts samples.
Result<double> DecodedDuration(AudioDecoder& decoder) {
  FramePtr frame = MakeFrame();
  if (!frame) return Error::Internal("out of memory");
  std::int64_t samples = 0;
  while (true) {
    REFLECTOR_ASSIGN_OR_RETURN(bool more, decoder.Next(frame.get()));
    if (!more) break;
    samples += frame->nb_samples;
  }
  if (decoder.frames_decoded() == 0) return InputError(decoder.file(), "no decodable audio");
  return static_cast<double>(samples) / decoder.codec()->sample_rate;
}

}  // namespace

Result<AudioProbe> Probe(const std::filesystem::path& file) {
  REFLECTOR_ASSIGN_OR_RETURN(AudioDecoder decoder, AudioDecoder::Open(file));

  AudioProbe probe;
  probe.sample_rate = decoder.codec()->sample_rate;
  probe.channels = decoder.codec()->ch_layout.nb_channels;
  probe.codec = decoder.codec()->codec->name;

  const AVStream* stream = decoder.stream();
  const AVFormatContext* format = decoder.format();
  if (stream->start_time != AV_NOPTS_VALUE) {
    probe.start_time = static_cast<double>(stream->start_time) * av_q2d(stream->time_base);
  } else if (format->start_time != AV_NOPTS_VALUE) {
    probe.start_time = static_cast<double>(format->start_time) / AV_TIME_BASE;
  } else {
    REFLECTOR_ASSIGN_OR_RETURN(probe.start_time, FirstPacketTime(decoder));
    // The packet scan consumed the demuxer: later reads start from a fresh one.
    REFLECTOR_ASSIGN_OR_RETURN(AudioDecoder fresh, AudioDecoder::Open(file));
    decoder = std::move(fresh);
    stream = decoder.stream();
    format = decoder.format();
  }

  if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
    probe.duration = static_cast<double>(stream->duration) * av_q2d(stream->time_base);
  } else if (format->duration != AV_NOPTS_VALUE && format->duration > 0) {
    probe.duration = static_cast<double>(format->duration) / AV_TIME_BASE;
    if (DurationCountsFromOrigin(format) && probe.start_time > 0) probe.duration -= probe.start_time;
  } else {
    REFLECTOR_ASSIGN_OR_RETURN(probe.duration, DecodedDuration(decoder));
  }
  if (!std::isfinite(probe.start_time)) probe.start_time = 0;
  if (!std::isfinite(probe.duration) || probe.duration < 0) probe.duration = 0;
  return probe;
}

std::int64_t PaddingDelayMs(double start_time) {
  if (!(start_time > 0) || !std::isfinite(start_time)) return 0;
  // A microsecond of tolerance keeps 2.986 (stored as 2.98599999...) at 2986 ms.
  return static_cast<std::int64_t>(std::floor(start_time * 1000.0 + 1e-3));
}

}  // namespace reflector::media
