// Mixdown: sum aligned tracks into one stereo MP3.
//
//   [in<i>] aresample=48000:async=1 [,pan=stereo|c0=c0|c1=c0 | ,aformat=channel_layouts=stereo] [a<i>]
//   [a0]..[aN-1] amix=inputs=N:duration=longest:normalize=0,alimiter=level=0:latency=1
//           [,pan=stereo|c0=c0|c1=c0],aformat=sample_fmts=s16p:sample_rates=48000:channel_layouts=stereo
//           -> libmp3lame 64 kb/s
//
// Tracks are summed at their own level (normalize=0), so overlapping voices can pass full scale;
// alimiter (no auto-level, delay compensated) holds such peaks at 0 dBFS instead of letting the
// s16 conversion clip them, and leaves everything below full scale untouched.
//
// When every track is mono the mix is done in mono and spread to both channels at the end (half
// the mixing work); otherwise mono tracks are spread before amix. `pan` copies the channel at
// unity gain, where a plain upmix (aformat/aresample to stereo) would lower it by 3 dB.

extern "C" {
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
}

#include <algorithm>
#include <string>

#include "core/log.hpp"
#include "media/audio.hpp"
#include "media/audio_decoder.hpp"
#include "media/audio_writer.hpp"
#include "media/filter_graph.hpp"
#include "media/progress_throttle.hpp"

namespace reflector::media {

namespace {

constexpr EncoderSettings kMixEncoding{"mp3", "libmp3lame", 64000};
constexpr const char* kSpreadMono = "pan=stereo|c0=c0|c1=c0";

struct MixInput {
  AudioDecoder decoder;
  SourceFormat format;
  std::int64_t first_pts = AV_NOPTS_VALUE;  // samples
  double position = 0;                      // seconds of this track pushed so far, from its first frame
  bool ended = false;
};

std::string MixDescription(const std::vector<MixInput>& inputs, bool all_mono) {
  const AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
  std::string description;
  std::string mix_inputs;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const AVChannelLayout& layout = inputs[i].format.layout;
    std::string label = "a" + std::to_string(i);
    description += "[in" + std::to_string(i) + "]aresample=48000:async=1";
    if (!all_mono) {
      if (layout.nb_channels == 1) {
        description += std::string(",") + kSpreadMono;
      } else if (av_channel_layout_compare(&layout, &stereo) != 0) {
        description += ",aformat=channel_layouts=stereo";
      }
    }
    description += "[" + label + "];";
    mix_inputs += "[" + label + "]";
  }
  description += mix_inputs + "amix=inputs=" + std::to_string(inputs.size()) +
                 ":duration=longest:normalize=0,alimiter=level=0:latency=1";
  if (all_mono) description += std::string(",") + kSpreadMono;
  description += ",aformat=sample_fmts=s16p:sample_rates=48000:channel_layouts=stereo[out]";
  return description;
}

}  // namespace

Result<MixdownResult> Mixdown(const std::vector<std::filesystem::path>& tracks,
                              const std::filesystem::path& output_mp3, std::stop_token stop,
                              ProgressSink& progress) {
  const std::string name = output_mp3.filename().string();
  if (tracks.empty()) return Error::InvalidInput(name + ": a mixdown needs at least one track");
  if (stop.stop_requested()) return Error::Cancelled(name + ": mixdown cancelled");

  std::vector<MixInput> inputs;
  inputs.reserve(tracks.size());
  std::vector<SourceFormat> formats;
  double longest = 0;  // as the containers state it; only for progress
  bool all_mono = true;
  for (const auto& track : tracks) {
    REFLECTOR_ASSIGN_OR_RETURN(AudioDecoder decoder, AudioDecoder::Open(track));
    SourceFormat format = SourceFormat::FromDecoder(decoder.codec());
    if (decoder.format()->duration != AV_NOPTS_VALUE) {
      longest = std::max(longest, static_cast<double>(decoder.format()->duration) / AV_TIME_BASE);
    }
    all_mono = all_mono && format.layout.nb_channels == 1;
    formats.push_back(format);
    inputs.push_back(MixInput{std::move(decoder), format});
  }

  REFLECTOR_ASSIGN_OR_RETURN(FilterGraph graph,
                             BuildFilterGraph(formats, MixDescription(inputs, all_mono), output_mp3));
  REFLECTOR_ASSIGN_OR_RETURN(std::unique_ptr<AudioWriter> writer,
                             AudioWriter::Open(output_mp3, kMixEncoding, graph.sink));
  FramePtr frame = MakeFrame();
  if (!frame) return Error::Internal("out of memory");

  ProgressThrottle throttle(progress, "mixing " + std::to_string(tracks.size()) + " tracks", longest);
  throttle.Start();
  std::size_t active = inputs.size();
  while (active > 0) {
    if (stop.stop_requested()) return Error::Cancelled(name + ": mixdown cancelled");
    // amix consumes its inputs in lock-step: feeding the track that is furthest behind keeps
    // what waits inside the graph to about one frame per track, however long the meeting.
    std::size_t index = inputs.size();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (!inputs[i].ended && (index == inputs.size() || inputs[i].position < inputs[index].position)) {
        index = i;
      }
    }
    MixInput& input = inputs[index];
    throttle.Update(input.position);

    REFLECTOR_ASSIGN_OR_RETURN(bool more, input.decoder.Next(frame.get()));
    int rc = 0;
    if (more) {
      if (input.first_pts == AV_NOPTS_VALUE) input.first_pts = frame->pts;
      input.position =
          static_cast<double>(frame->pts + frame->nb_samples - input.first_pts) / input.format.sample_rate;
      rc = av_buffersrc_add_frame(graph.sources[index], frame.get());
    } else {
      if (input.decoder.frames_decoded() == 0) return InputError(input.decoder.file(), "no decodable audio");
      if (input.decoder.bad_packets() > 0) {
        log::Warn("skipped undecodable packets", {{"file", input.decoder.file().filename().string()},
                                                  {"packets", input.decoder.bad_packets()}});
      }
      input.ended = true;
      --active;
      rc = av_buffersrc_add_frame(graph.sources[index], nullptr);  // end of this track
    }
    if (rc < 0) {
      return FfmpegError(ErrorKind::kInvalidInput, rc, input.decoder.file(), "audio filter rejected a frame");
    }
    REFLECTOR_TRY(writer->Drain());
  }
  REFLECTOR_ASSIGN_OR_RETURN(bool finished, writer->Drain());
  if (!finished) return Error::Internal(name + ": audio mix did not finish");

  MixdownResult result;
  result.duration = static_cast<double>(writer->samples_written()) / writer->sample_rate();
  REFLECTOR_ASSIGN_OR_RETURN(result.size, writer->Commit());
  throttle.Finish();
  return result;
}

}  // namespace reflector::media
