// Padding by packets: an Opus track is put on the meeting timeline without decoding it. The
// output WebM holds, in order, S silent 20 ms Opus packets and the track's own packets, with an
// OpusHead whose pre-skip P makes the first sample the track's decoder would have kept land at
// the delay D exactly: S * 960 + source pre-skip - P = D * 48 (PlanLeadingSilence). A timestamp
// gap inside the track becomes silent packets (SilentFramesForGap). Output timestamps come from
// a sample counter, so they are monotonic whatever the input's are.
//
// The silent packet is libopus's encoding of 20 ms of digital silence, made once per call with
// the track's channel count and reused: every copy decodes to zeros.

#include <cstring>
#include <span>
#include <string>
#include <vector>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/intreadwrite.h>
#include <libavutil/samplefmt.h>
}

#include "core/log.hpp"
#include "media/muxer_output.hpp"
#include "media/opus_packet.hpp"
#include "media/pad_methods.hpp"
#include "media/progress_throttle.hpp"

namespace reflector::media {

namespace {

constexpr AVRational kSampleTimeBase{1, kOpusSampleRate};

std::span<const std::uint8_t> Extradata(const AVCodecParameters& parameters) {
  if (parameters.extradata == nullptr || parameters.extradata_size <= 0) return {};
  return {parameters.extradata, static_cast<std::size_t>(parameters.extradata_size)};
}

// 20 ms of digital silence encoded by libopus (48 kHz, `channels` channels): one packet.
Result<std::vector<std::uint8_t>> EncodeSilentFrame(int channels, const std::filesystem::path& input) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libopus");
  if (codec == nullptr) return Error::Internal("this FFmpeg has no libopus encoder");
  CodecContextPtr encoder(avcodec_alloc_context3(codec));
  FramePtr frame = MakeFrame();
  PacketPtr packet = MakePacket();
  if (!encoder || !frame || !packet) return Error::Internal("out of memory");
  encoder->sample_rate = kOpusSampleRate;
  encoder->sample_fmt = AV_SAMPLE_FMT_S16;
  av_channel_layout_default(&encoder->ch_layout, channels);
  encoder->time_base = kSampleTimeBase;
  encoder->bit_rate = 64000;
  encoder->flags |= AV_CODEC_FLAG_BITEXACT;
  int rc = avcodec_open2(encoder.get(), codec, nullptr);
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, input, "cannot open libopus for silence");

  frame->nb_samples = encoder->frame_size > 0 ? encoder->frame_size : kSilentFrameSamples;
  frame->format = encoder->sample_fmt;
  frame->pts = 0;
  rc = av_channel_layout_copy(&frame->ch_layout, &encoder->ch_layout);
  if (rc >= 0) rc = av_frame_get_buffer(frame.get(), 0);
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, input, "cannot make a silent frame");
  av_samples_set_silence(frame->extended_data, 0, frame->nb_samples, channels, encoder->sample_fmt);

  // One frame in, then the end of the stream: the first packet is the one wanted, the rest (the
  // encoder's delay) is drained so the encoder closes empty.
  rc = avcodec_send_frame(encoder.get(), frame.get());
  if (rc >= 0) rc = avcodec_send_frame(encoder.get(), nullptr);
  if (rc >= 0) rc = avcodec_receive_packet(encoder.get(), packet.get());
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, input, "cannot encode silence");
  std::vector<std::uint8_t> bytes(packet->data, packet->data + packet->size);
  PacketPtr rest = MakePacket();
  while (rest && avcodec_receive_packet(encoder.get(), rest.get()) >= 0)
    av_packet_unref(rest.get());
  if (OpusPacketSamples(bytes) != kSilentFrameSamples) {
    return Error::Internal(input.filename().string() + ": libopus did not make a 20 ms silent packet");
  }
  return bytes;
}

// The output's one stream: the source's Opus parameters with the planned pre-skip.
Result<AVStream*> AddOpusStream(MuxerOutput& muxer, const AVCodecParameters& source, int pre_skip) {
  AVStream* stream = avformat_new_stream(muxer.format(), nullptr);
  if (stream == nullptr) return Error::Internal("out of memory");
  AVCodecParameters* parameters = stream->codecpar;
  int rc = avcodec_parameters_copy(parameters, &source);
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, muxer.output(), "cannot copy stream parameters");
  std::vector<std::uint8_t> head = WithPreSkip(Extradata(source), pre_skip);
  av_freep(&parameters->extradata);
  parameters->extradata = static_cast<std::uint8_t*>(av_mallocz(head.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (parameters->extradata == nullptr) return Error::Internal("out of memory");
  std::memcpy(parameters->extradata, head.data(), head.size());
  parameters->extradata_size = static_cast<int>(head.size());
  parameters->codec_tag = 0;
  parameters->sample_rate = kOpusSampleRate;
  parameters->initial_padding = pre_skip;  // the muxer writes it as CodecDelay
  parameters->trailing_padding = 0;
  stream->time_base = kSampleTimeBase;
  return stream;
}

// The output being written: a sample counter turns into every packet's timestamps.
class PaddedStream {
 public:
  PaddedStream(MuxerOutput& muxer, AVStream* stream, std::vector<std::uint8_t> silence, int pre_skip)
      : muxer_(muxer), stream_(stream), silence_(std::move(silence)), pre_skip_(pre_skip) {}

  // Stream position (samples, counting the ones the decoder discards) of the next packet.
  [[nodiscard]] std::int64_t position() const { return position_; }
  // Samples at the end that the decoder discards (the track's own end trimming).
  [[nodiscard]] std::int64_t trimmed() const { return trimmed_; }

  Status WriteSilence(std::int64_t frames) {
    for (std::int64_t i = 0; i < frames; ++i) {
      PacketPtr packet = MakePacket();
      if (!packet || av_new_packet(packet.get(), static_cast<int>(silence_.size())) < 0) {
        return Error::Internal("out of memory");
      }
      std::memcpy(packet->data, silence_.data(), silence_.size());
      REFLECTOR_TRY(Write(packet.get(), kSilentFrameSamples));
    }
    return Ok();
  }

  // Writes one of the track's packets (`samples` long) at the current position. Keeps only the
  // end trimming of its side data: the start is the output pre-skip's business.
  Status WriteTrackPacket(AVPacket* packet, int samples) {
    std::size_t size = 0;
    const std::uint8_t* skip = av_packet_get_side_data(packet, AV_PKT_DATA_SKIP_SAMPLES, &size);
    const std::int64_t skip_end = skip != nullptr && size >= 10 ? AV_RL32(skip + 4) : 0;
    av_packet_free_side_data(packet);
    if (skip_end > 0 && skip_end <= samples) {
      std::uint8_t* side = av_packet_new_side_data(packet, AV_PKT_DATA_SKIP_SAMPLES, 10);
      if (side == nullptr) return Error::Internal("out of memory");
      std::memset(side, 0, 10);
      AV_WL32(side + 4, static_cast<std::uint32_t>(skip_end));
      trimmed_ += skip_end;
    }
    return Write(packet, samples);
  }

 private:
  Status Write(AVPacket* packet, int samples) {
    packet->stream_index = stream_->index;
    packet->pts = position_ - pre_skip_;  // the decoder's timeline starts after the pre-skip
    packet->dts = packet->pts;
    packet->duration = samples;
    packet->pos = -1;
    packet->flags |= AV_PKT_FLAG_KEY;
    av_packet_rescale_ts(packet, kSampleTimeBase, stream_->time_base);
    position_ += samples;
    return muxer_.Write(packet);
  }

  MuxerOutput& muxer_;
  AVStream* stream_;
  std::vector<std::uint8_t> silence_;
  int pre_skip_;
  std::int64_t position_ = 0;
  std::int64_t trimmed_ = 0;
};

struct CopyCounts {
  std::int64_t packets = 0;  // copied
  std::int64_t bad = 0;      // malformed, skipped
  std::int64_t late = 0;     // more than a frame behind the output (timestamps went back), skipped
};

// Copies the track's packets after the leading silence, filling timestamp gaps.
Result<CopyCounts> CopyTrackPackets(AudioDecoder& decoder, PaddedStream& out, const PadRequest& request,
                                    ProgressThrottle& throttle) {
  const AVRational time_base = decoder.stream()->time_base;
  const std::int64_t anchor = out.position();  // where the first packet goes
  std::int64_t first_pts = AV_NOPTS_VALUE;
  CopyCounts counts;
  PacketPtr packet = MakePacket();
  if (!packet) return Error::Internal("out of memory");
  while (true) {
    if (request.stop.stop_requested()) {
      return Error::Cancelled(request.input.filename().string() + ": padding cancelled");
    }
    REFLECTOR_ASSIGN_OR_RETURN(bool more, decoder.NextPacket(packet.get()));
    if (!more) break;
    // The first packet's timestamp is the track's start, even when that packet is malformed.
    if (first_pts == AV_NOPTS_VALUE) first_pts = packet->pts;
    const int samples = OpusPacketSamples({packet->data, static_cast<std::size_t>(packet->size)});
    if (samples == 0) {
      ++counts.bad;
      continue;
    }
    std::int64_t ideal = out.position();  // a packet without timestamp follows the previous one
    if (packet->pts != AV_NOPTS_VALUE && first_pts != AV_NOPTS_VALUE) {
      ideal = anchor + av_rescale_q(packet->pts - first_pts, time_base, kSampleTimeBase);
    }
    if (out.position() - ideal >= kSilentFrameSamples) {
      ++counts.late;
      continue;
    }
    REFLECTOR_TRY(out.WriteSilence(SilentFramesForGap(ideal, out.position(), kSilentFrameSamples)));
    REFLECTOR_TRY(out.WriteTrackPacket(packet.get(), samples));
    ++counts.packets;
    throttle.Update(static_cast<double>(out.position() - anchor) / kOpusSampleRate);
  }
  return counts;
}

}  // namespace

bool CanPadByPackets(const AudioDecoder& decoder) {
  const AVCodecParameters& parameters = *decoder.stream()->codecpar;
  if (parameters.codec_id != AV_CODEC_ID_OPUS) return false;
  const std::string container = decoder.format()->iformat->name;
  if (container.find("matroska") == std::string::npos && container != "ogg") return false;
  auto head = ParseOpusHead(Extradata(parameters));
  return head && head->mapping_family == 0 && head->channels <= 2;
}

Result<PadResult> PadByPackets(AudioDecoder& decoder, const PadRequest& request) {
  const AVCodecParameters& source = *decoder.stream()->codecpar;
  const auto head = ParseOpusHead(Extradata(source));
  if (!head) return InputError(request.input, "no Opus identification header");
  REFLECTOR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> silence,
                             EncodeSilentFrame(head->channels, request.input));
  const LeadingSilence plan =
      PlanLeadingSilence(request.delay_ms * (kOpusSampleRate / 1000), head->pre_skip, kSilentFrameSamples);

  REFLECTOR_ASSIGN_OR_RETURN(std::unique_ptr<MuxerOutput> muxer,
                             MuxerOutput::Create(request.output_webm, "webm"));
  REFLECTOR_ASSIGN_OR_RETURN(AVStream * stream, AddOpusStream(*muxer, source, plan.pre_skip));
  REFLECTOR_TRY(muxer->Start());
  PaddedStream out(*muxer, stream, std::move(silence), plan.pre_skip);
  REFLECTOR_TRY(out.WriteSilence(plan.silent_frames));
  ProgressThrottle throttle(request.progress, "padding " + request.input.filename().string(),
                            request.probe.duration);
  throttle.Start();
  REFLECTOR_ASSIGN_OR_RETURN(CopyCounts counts, CopyTrackPackets(decoder, out, request, throttle));
  if (counts.packets == 0) return InputError(request.input, "no decodable audio");

  PadResult result;
  result.padded = true;
  result.method = PadMethod::kPackets;
  result.start_time = request.probe.start_time;
  result.delay_seconds = static_cast<double>(request.delay_ms) / 1000.0;
  result.duration = static_cast<double>(out.position() - plan.pre_skip - out.trimmed()) / kOpusSampleRate;
  REFLECTOR_ASSIGN_OR_RETURN(result.size, muxer->Commit());
  if (counts.bad > 0 || counts.late > 0) {
    log::Warn(
        "skipped packets while padding",
        {{"file", request.input.filename().string()}, {"malformed", counts.bad}, {"late", counts.late}});
  }
  throttle.Finish();
  return result;
}

}  // namespace reflector::media
