// Waveform: peak of each of N equal slices of a decoded file, normalised.
//
// Decoding keeps one peak per block of kBlockFrames samples (5.3 ms at 48 kHz; 2.7 MB for an
// hour), so the slices can be cut exactly once the length is known, whatever the container says.
//
// HasSignal: the same decoding, stopped at the first frame with a non-zero sample.

extern "C" {
#include <libavutil/samplefmt.h>
}

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/log.hpp"
#include "media/audio.hpp"
#include "media/audio_decoder.hpp"
#include "media/progress_throttle.hpp"

namespace reflector::media {

namespace {

constexpr int kBlockFrames = 256;

template <typename T>
float Peak(const std::uint8_t* data, std::size_t first, std::size_t n, double scale, double offset) {
  const T* samples = reinterpret_cast<const T*>(data) + first;  // NOLINT: FFmpeg sample planes
  double peak = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double value = std::fabs((static_cast<double>(samples[i]) - offset) * scale);
    if (value > peak) peak = value;  // NaN never wins
  }
  return static_cast<float>(peak);
}

// Peak absolute value (full scale = 1) of samples [first, first + n) of one sample plane.
float PlanePeak(AVSampleFormat format, const std::uint8_t* data, std::size_t first, std::size_t n) {
  switch (av_get_packed_sample_fmt(format)) {
    case AV_SAMPLE_FMT_U8:
      return Peak<std::uint8_t>(data, first, n, 1.0 / 128, 128);
    case AV_SAMPLE_FMT_S16:
      return Peak<std::int16_t>(data, first, n, 1.0 / 32768, 0);
    case AV_SAMPLE_FMT_S32:
      return Peak<std::int32_t>(data, first, n, 1.0 / 2147483648.0, 0);
    case AV_SAMPLE_FMT_S64:
      return Peak<std::int64_t>(data, first, n, 1.0 / 9223372036854775808.0, 0);
    case AV_SAMPLE_FMT_FLT:
      return Peak<float>(data, first, n, 1.0, 0);
    case AV_SAMPLE_FMT_DBL:
      return Peak<double>(data, first, n, 1.0, 0);
    default:
      return 0;
  }
}

// Peak absolute sample of a whole frame, over every channel.
float FramePeak(const AVFrame* frame) {
  const auto format = static_cast<AVSampleFormat>(frame->format);
  const bool planar = av_sample_fmt_is_planar(format) != 0;
  const int channels = frame->ch_layout.nb_channels;
  // Packed: one plane, channels interleaved; planar: one plane per channel.
  const auto per_plane = static_cast<std::size_t>(frame->nb_samples) * (planar ? 1 : channels);
  float peak = 0;
  for (int c = 0; c < (planar ? channels : 1); ++c)
    peak = std::max(peak, PlanePeak(format, frame->extended_data[c], 0, per_plane));
  return peak;
}

// Collects the peak absolute sample (over all channels) of each consecutive block of frames.
class BlockPeaks {
 public:
  void Add(const AVFrame* frame) {
    const int channels = frame->ch_layout.nb_channels;
    const auto format = static_cast<AVSampleFormat>(frame->format);
    const bool planar = av_sample_fmt_is_planar(format) != 0;
    int done = 0;
    while (done < frame->nb_samples) {
      const int count = std::min(frame->nb_samples - done, kBlockFrames - in_block_);
      for (int c = 0; c < (planar ? channels : 1); ++c) {
        const std::uint8_t* data = frame->extended_data[c];
        // Packed: one plane, channels interleaved; planar: one plane per channel.
        const int stride = planar ? 1 : channels;
        const std::size_t first = static_cast<std::size_t>(done) * stride;
        const std::size_t n = static_cast<std::size_t>(count) * stride;
        peak_ = std::max(peak_, PlanePeak(format, data, first, n));
      }
      done += count;
      in_block_ += count;
      if (in_block_ == kBlockFrames) Close();
    }
  }

  std::vector<float> Finish() {
    if (in_block_ > 0) Close();
    return std::move(peaks_);
  }

 private:
  void Close() {
    peaks_.push_back(peak_);
    peak_ = 0;
    in_block_ = 0;
  }

  std::vector<float> peaks_;
  float peak_ = 0;
  int in_block_ = 0;
};

}  // namespace

Result<bool> HasSignal(const std::filesystem::path& audio, std::stop_token stop, ProgressSink& progress) {
  auto cancelled = [&audio] {
    return Error::Cancelled(audio.filename().string() + ": signal check cancelled");
  };
  if (stop.stop_requested()) return cancelled();
  REFLECTOR_ASSIGN_OR_RETURN(AudioDecoder decoder, AudioDecoder::Open(audio));
  FramePtr frame = MakeFrame();
  if (!frame) return Error::Internal("out of memory");

  const AVFormatContext* format = decoder.format();
  const double stated =
      format->duration != AV_NOPTS_VALUE ? static_cast<double>(format->duration) / AV_TIME_BASE : 0;
  ProgressThrottle throttle(progress, "signal check of " + audio.filename().string(), stated);
  throttle.Start();
  std::int64_t samples = 0;
  const double rate = decoder.codec()->sample_rate;
  while (true) {
    if (stop.stop_requested()) return cancelled();
    REFLECTOR_ASSIGN_OR_RETURN(bool more, decoder.Next(frame.get()));
    if (!more) break;
    if (FramePeak(frame.get()) > 0) {
      throttle.Finish();
      return true;
    }
    samples += frame->nb_samples;
    throttle.Update(static_cast<double>(samples) / rate);
  }
  if (decoder.frames_decoded() == 0) return InputError(audio, "no decodable audio");
  throttle.Finish();
  return false;
}

std::vector<double> ReduceWaveform(std::span<const float> block_peaks, int points) {
  std::vector<double> values(static_cast<std::size_t>(std::max(points, 0)), 0.0);
  const std::size_t blocks = block_peaks.size();
  if (blocks == 0 || points <= 0) return values;
  float overall = 0;
  for (float peak : block_peaks)
    overall = std::max(overall, peak);
  if (!(overall > 0)) return values;

  const auto slices = static_cast<std::size_t>(points);
  for (std::size_t i = 0; i < slices; ++i) {
    std::size_t begin = i * blocks / slices;
    std::size_t end = std::max((i + 1) * blocks / slices, begin + 1);  // fewer blocks than points
    float peak = 0;
    for (std::size_t b = begin; b < end && b < blocks; ++b)
      peak = std::max(peak, block_peaks[b]);
    values[i] = std::round(static_cast<double>(peak) / overall * 100.0) / 100.0;
  }
  return values;
}

Result<std::vector<double>> Waveform(const std::filesystem::path& audio, int points, std::stop_token stop,
                                     ProgressSink& progress) {
  if (points <= 0) return InputError(audio, "waveform needs a positive number of points");
  if (stop.stop_requested()) return Error::Cancelled(audio.filename().string() + ": waveform cancelled");
  REFLECTOR_ASSIGN_OR_RETURN(AudioDecoder decoder, AudioDecoder::Open(audio));
  FramePtr frame = MakeFrame();
  if (!frame) return Error::Internal("out of memory");

  const AVFormatContext* format = decoder.format();
  const double stated =
      format->duration != AV_NOPTS_VALUE ? static_cast<double>(format->duration) / AV_TIME_BASE : 0;
  ProgressThrottle throttle(progress, "waveform of " + audio.filename().string(), stated);
  throttle.Start();
  BlockPeaks peaks;
  std::int64_t samples = 0;
  const double rate = decoder.codec()->sample_rate;
  while (true) {
    if (stop.stop_requested()) return Error::Cancelled(audio.filename().string() + ": waveform cancelled");
    REFLECTOR_ASSIGN_OR_RETURN(bool more, decoder.Next(frame.get()));
    if (!more) break;
    peaks.Add(frame.get());
    samples += frame->nb_samples;
    throttle.Update(static_cast<double>(samples) / rate);
  }
  if (decoder.frames_decoded() == 0) return InputError(audio, "no decodable audio");
  if (decoder.bad_packets() > 0) {
    log::Warn("skipped undecodable packets",
              {{"file", audio.filename().string()}, {"packets", decoder.bad_packets()}});
  }
  std::vector<float> blocks = peaks.Finish();
  throttle.Finish();
  return ReduceWaveform(blocks, points);
}

}  // namespace reflector::media
