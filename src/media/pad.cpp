// PadTrack: put a track on the meeting timeline by prepending silence, by packets when the track
// is Opus in WebM/Ogg (pad_by_packets.cpp), else by decoding and encoding again:
//
//   abuffer -> aresample=async=1 -> adelay=delays=D|D:all=1
//           -> aformat=sample_fmts=flt:sample_rates=48000:channel_layouts=mono|stereo -> abuffersink
//           -> libopus 64 kb/s -> WebM

extern "C" {
#include <libavfilter/buffersrc.h>
}

#include <string>
#include <system_error>
#include <utility>

#include "core/log.hpp"
#include "media/audio.hpp"
#include "media/audio_decoder.hpp"
#include "media/audio_writer.hpp"
#include "media/filter_graph.hpp"
#include "media/pad_methods.hpp"
#include "media/progress_throttle.hpp"

namespace reflector::media {

namespace {

constexpr EncoderSettings kPaddedEncoding{"webm", "libopus", 64000};

std::uint64_t FileSize(const std::filesystem::path& file) {
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  return ec ? 0 : static_cast<std::uint64_t>(size);
}

Error Cancelled(const std::filesystem::path& input) {
  return Error::Cancelled(input.filename().string() + ": padding cancelled");
}

enum class Choice { kAuto, kReencoding };

Result<PadResult> Pad(const std::filesystem::path& input, const std::filesystem::path& output_webm,
                      std::stop_token stop, ProgressSink& progress, Choice choice) {
  if (stop.stop_requested()) return Cancelled(input);
  REFLECTOR_ASSIGN_OR_RETURN(AudioProbe probe, Probe(input));

  const std::int64_t delay_ms = PaddingDelayMs(probe.start_time);
  if (delay_ms <= 0) {
    // Already on the timeline (Opus-in-WebM tracks from 0 report a few ms below 0).
    PadResult result;
    result.start_time = probe.start_time;
    result.duration = probe.duration;
    result.size = FileSize(input);
    progress.Report(1.0, "track already aligned");
    return result;
  }
  REFLECTOR_ASSIGN_OR_RETURN(AudioDecoder decoder, AudioDecoder::Open(input));
  const PadRequest request{input, output_webm, probe, delay_ms, std::move(stop), progress};
  if (choice == Choice::kAuto && CanPadByPackets(decoder)) return PadByPackets(decoder, request);
  return PadByReencoding(decoder, request);
}

}  // namespace

Result<PadResult> PadByReencoding(AudioDecoder& decoder, const PadRequest& request) {
  const std::filesystem::path& input = request.input;
  const SourceFormat source = SourceFormat::FromDecoder(decoder.codec());
  const std::string delay = std::to_string(request.delay_ms);
  const std::string description =
      "[in0]aresample=async=1,adelay=delays=" + delay + "|" + delay +
      ":all=1,aformat=sample_fmts=flt:sample_rates=48000:channel_layouts=mono|stereo[out]";
  REFLECTOR_ASSIGN_OR_RETURN(FilterGraph graph, BuildFilterGraph({source}, description, input));
  REFLECTOR_ASSIGN_OR_RETURN(std::unique_ptr<AudioWriter> writer,
                             AudioWriter::Open(request.output_webm, kPaddedEncoding, graph.sink));

  FramePtr frame = MakeFrame();
  if (!frame) return Error::Internal("out of memory");
  std::int64_t first_pts = AV_NOPTS_VALUE;  // samples

  ProgressThrottle throttle(request.progress, "padding " + input.filename().string(), request.probe.duration);
  throttle.Start();
  while (true) {
    if (request.stop.stop_requested()) return Cancelled(input);
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

  PadResult result;
  result.padded = true;
  result.method = PadMethod::kReencoding;
  result.start_time = request.probe.start_time;
  result.delay_seconds = static_cast<double>(request.delay_ms) / 1000.0;
  result.duration = static_cast<double>(writer->samples_written()) / writer->sample_rate();
  REFLECTOR_ASSIGN_OR_RETURN(result.size, writer->Commit());
  if (decoder.bad_packets() > 0) {
    log::Warn("skipped undecodable packets",
              {{"file", input.filename().string()}, {"packets", decoder.bad_packets()}});
  }
  throttle.Finish();
  return result;
}

Result<PadResult> PadTrack(const std::filesystem::path& input, const std::filesystem::path& output_webm,
                           std::stop_token stop, ProgressSink& progress) {
  return Pad(input, output_webm, std::move(stop), progress, Choice::kAuto);
}

Result<PadResult> PadTrackByReencoding(const std::filesystem::path& input,
                                       const std::filesystem::path& output_webm, std::stop_token stop,
                                       ProgressSink& progress) {
  return Pad(input, output_webm, std::move(stop), progress, Choice::kReencoding);
}

}  // namespace reflector::media
