// PadTrack: put a track on the meeting timeline by prepending silence.
//
//   abuffer -> aresample=async=1 -> adelay=delays=D|D:all=1
//           -> aformat=sample_fmts=flt:sample_rates=48000:channel_layouts=mono|stereo -> abuffersink
//           -> libopus 64 kb/s -> WebM

extern "C" {
#include <libavfilter/buffersrc.h>
}

#include <string>
#include <system_error>

#include "core/log.hpp"
#include "media/audio.hpp"
#include "media/audio_decoder.hpp"
#include "media/audio_writer.hpp"
#include "media/filter_graph.hpp"
#include "media/progress_throttle.hpp"

namespace reflector::media {

namespace {

constexpr EncoderSettings kPaddedEncoding{"webm", "libopus", 64000};

std::uint64_t FileSize(const std::filesystem::path& file) {
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  return ec ? 0 : static_cast<std::uint64_t>(size);
}

}  // namespace

Result<PadResult> PadTrack(const std::filesystem::path& input, const std::filesystem::path& output_webm,
                           std::stop_token stop, ProgressSink& progress) {
  if (stop.stop_requested()) return Error::Cancelled(input.filename().string() + ": padding cancelled");
  REFLECTOR_ASSIGN_OR_RETURN(AudioProbe probe, Probe(input));

  PadResult result;
  result.start_time = probe.start_time;
  const std::int64_t delay_ms = PaddingDelayMs(probe.start_time);
  if (delay_ms <= 0) {
    // Already on the timeline (Opus-in-WebM tracks from 0 report a few ms below 0).
    result.duration = probe.duration;
    result.size = FileSize(input);
    progress.Report(1.0, "track already aligned");
    return result;
  }

  REFLECTOR_ASSIGN_OR_RETURN(AudioDecoder decoder, AudioDecoder::Open(input));
  const SourceFormat source = SourceFormat::FromDecoder(decoder.codec());
  const std::string delay = std::to_string(delay_ms);
  const std::string description =
      "[in0]aresample=async=1,adelay=delays=" + delay + "|" + delay +
      ":all=1,aformat=sample_fmts=flt:sample_rates=48000:channel_layouts=mono|stereo[out]";
  REFLECTOR_ASSIGN_OR_RETURN(FilterGraph graph, BuildFilterGraph({source}, description, input));
  REFLECTOR_ASSIGN_OR_RETURN(std::unique_ptr<AudioWriter> writer,
                             AudioWriter::Open(output_webm, kPaddedEncoding, graph.sink));

  FramePtr frame = MakeFrame();
  if (!frame) return Error::Internal("out of memory");
  std::int64_t first_pts = AV_NOPTS_VALUE;  // samples

  ProgressThrottle throttle(progress, "padding " + input.filename().string(), probe.duration);
  throttle.Start();
  while (true) {
    if (stop.stop_requested()) return Error::Cancelled(input.filename().string() + ": padding cancelled");
    REFLECTOR_ASSIGN_OR_RETURN(bool more, decoder.Next(frame.get()));
    if (!more) break;
    if (first_pts == AV_NOPTS_VALUE) first_pts = frame->pts;
    throttle.Update(static_cast<double>(frame->pts + frame->nb_samples - first_pts) / source.sample_rate);
    int rc = av_buffersrc_add_frame(graph.sources[0], frame.get());
    if (rc < 0) return FfmpegError(ErrorKind::kInvalidInput, rc, input, "audio filter rejected a frame");
    REFLECTOR_TRY(writer->Drain());
  }
  if (decoder.frames_decoded() == 0) return InputError(input, "no decodable audio");
  int rc = av_buffersrc_add_frame(graph.sources[0], nullptr);  // end of stream
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, input, "cannot end the audio filter");
  REFLECTOR_ASSIGN_OR_RETURN(bool finished, writer->Drain());
  if (!finished) return Error::Internal(input.filename().string() + ": audio filter did not finish");

  result.padded = true;
  result.delay_seconds = static_cast<double>(delay_ms) / 1000.0;
  result.duration = static_cast<double>(writer->samples_written()) / writer->sample_rate();
  REFLECTOR_ASSIGN_OR_RETURN(result.size, writer->Commit());
  if (decoder.bad_packets() > 0) {
    log::Warn("skipped undecodable packets",
              {{"file", input.filename().string()}, {"packets", decoder.bad_packets()}});
  }
  throttle.Finish();
  return result;
}

}  // namespace reflector::media
