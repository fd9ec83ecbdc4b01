#include "stt/pocketsphinx/pcm_reader.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
}

#include <algorithm>
#include <cmath>
#include <utility>

namespace reflector::stt {
namespace {

// Timestamp gaps above this are filled with silence (aresample's default min_hard_comp).
constexpr double kMaxGapSeconds = 0.1;
// Silence is emitted in pieces of at most this many samples, so a long gap costs no memory.
constexpr std::int64_t kSilencePiece = PcmReader::kSampleRate;

}  // namespace

PcmReader::PcmReader(media::AudioDecoder decoder) : decoder_(std::move(decoder)) {}

Result<PcmReader> PcmReader::Open(const std::filesystem::path& file) {
  REFLECTOR_ASSIGN_OR_RETURN(media::AudioDecoder decoder, media::AudioDecoder::Open(file));
  PcmReader reader(std::move(decoder));
  reader.frame_ = media::MakeFrame();
  if (!reader.frame_) return Error::Internal(file.filename().string() + ": out of memory");

  const AVStream* stream = reader.decoder_.stream();
  const AVFormatContext* format = reader.decoder_.format();
  if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
    reader.declared_duration_ = static_cast<double>(stream->duration) * av_q2d(stream->time_base);
  } else if (format->duration != AV_NOPTS_VALUE && format->duration > 0) {
    reader.declared_duration_ = static_cast<double>(format->duration) / AV_TIME_BASE;
  }
  return reader;
}

Status PcmReader::Read(std::vector<std::int16_t>& chunk, std::size_t max_samples) {
  chunk.clear();
  while (chunk.size() < max_samples) {
    if (pending_pos_ < pending_.size()) {
      std::size_t take = std::min(max_samples - chunk.size(), pending_.size() - pending_pos_);
      auto from = pending_.begin() + static_cast<std::ptrdiff_t>(pending_pos_);
      chunk.insert(chunk.end(), from, from + static_cast<std::ptrdiff_t>(take));
      pending_pos_ += take;
      continue;
    }
    pending_.clear();
    pending_pos_ = 0;
    if (finished_) break;
    REFLECTOR_TRY(Refill());
  }
  samples_read_ += static_cast<std::int64_t>(chunk.size());
  return Ok();
}

Status PcmReader::Refill() {
  if (silence_owed_ > 0) {
    std::int64_t count = std::min(silence_owed_, kSilencePiece);
    pending_.assign(static_cast<std::size_t>(count), 0);
    silence_owed_ -= count;
    samples_produced_ += count;
    return Ok();
  }
  AVFrame* frame = frame_.get();
  if (frame_ready_) {
    frame_ready_ = false;
    return Convert(const_cast<const std::uint8_t**>(frame->extended_data), frame->nb_samples);
  }

  REFLECTOR_ASSIGN_OR_RETURN(bool got, decoder_.Next(frame));
  if (!got) {
    finished_ = true;
    return swr_ ? Convert(nullptr, 0) : Ok();
  }
  if (frame->nb_samples <= 0) return Ok();
  if (frame->sample_rate <= 0) return media::InputError(file(), "decoded audio has no sample rate");
  if (!swr_ || frame->sample_rate != in_rate_ || frame->format != in_format_ ||
      frame->ch_layout.nb_channels != in_channels_ || frame->ch_layout.u.mask != in_channel_mask_) {
    // The format changed mid-stream (or this is the first frame): drain the old resampler first.
    if (swr_) REFLECTOR_TRY(Convert(nullptr, 0));
    REFLECTOR_TRY(Configure(frame));
  }

  // AudioDecoder gives every frame a pts counted in samples at the frame's rate.
  double time = static_cast<double>(frame->pts) / frame->sample_rate;
  if (!have_first_time_) {
    first_time_ = time;
    have_first_time_ = true;
  }
  // Where this frame belongs on the output timeline, against where the output has got to.
  auto expected = std::llround((time - first_time_) * kSampleRate);
  std::int64_t reached = samples_produced_ + swr_get_delay(swr_.get(), kSampleRate);
  if (expected - reached > static_cast<std::int64_t>(kMaxGapSeconds * kSampleRate)) {
    silence_owed_ = expected - reached;
    frame_ready_ = true;  // converted after the silence
    return Ok();
  }
  return Convert(const_cast<const std::uint8_t**>(frame->extended_data), frame->nb_samples);
}

Status PcmReader::Configure(AVFrame* frame) {
  swr_.reset();
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  SwrContext* raw = nullptr;
  int rc = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_S16, kSampleRate, &frame->ch_layout,
                               static_cast<AVSampleFormat>(frame->format), frame->sample_rate, 0, nullptr);
  swr_.reset(raw);
  if (rc >= 0) rc = swr_init(swr_.get());
  if (rc < 0) {
    swr_.reset();
    return media::FfmpegError(ErrorKind::kInvalidInput, rc, file(),
                              "cannot convert its audio to 16 kHz mono");
  }
  in_rate_ = frame->sample_rate;
  in_format_ = frame->format;
  in_channels_ = frame->ch_layout.nb_channels;
  in_channel_mask_ = frame->ch_layout.u.mask;
  return Ok();
}

Status PcmReader::Convert(const std::uint8_t** input, int count) {
  // Draining may take several calls when the resampler holds more than one call returns.
  while (true) {
    int capacity = swr_get_out_samples(swr_.get(), count);
    if (capacity < 0) {
      return media::FfmpegError(ErrorKind::kInvalidInput, capacity, file(), "cannot resample its audio");
    }
    std::size_t old_size = pending_.size();
    pending_.resize(old_size + static_cast<std::size_t>(capacity) + 1);
    auto* output = reinterpret_cast<std::uint8_t*>(pending_.data() + old_size);
    int produced = swr_convert(swr_.get(), &output, capacity + 1, input, count);
    if (produced < 0) {
      pending_.resize(old_size);
      return media::FfmpegError(ErrorKind::kInvalidInput, produced, file(), "cannot resample its audio");
    }
    pending_.resize(old_size + static_cast<std::size_t>(produced));
    samples_produced_ += produced;
    if (input != nullptr || produced == 0) return Ok();
  }
}

}  // namespace reflector::stt
