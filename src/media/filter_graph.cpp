#include "media/filter_graph.hpp"

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
}

#include <array>

namespace reflector::media {

SourceFormat SourceFormat::FromDecoder(const AVCodecContext* codec) {
  SourceFormat format;
  format.sample_rate = codec->sample_rate;
  format.sample_format = codec->sample_fmt;
  if (codec->ch_layout.order == AV_CHANNEL_ORDER_NATIVE) {
    format.layout = codec->ch_layout;
  } else {
    av_channel_layout_default(&format.layout, codec->ch_layout.nb_channels);
  }
  return format;
}

namespace {

std::string AbufferArgs(const SourceFormat& input) {
  std::array<char, 64> layout{};
  av_channel_layout_describe(&input.layout, layout.data(), layout.size());
  const char* format_name = av_get_sample_fmt_name(input.sample_format);
  return "time_base=1/" + std::to_string(input.sample_rate) +
         ":sample_rate=" + std::to_string(input.sample_rate) +
         ":sample_fmt=" + (format_name != nullptr ? format_name : "none") +
         ":channel_layout=" + layout.data();
}

}  // namespace

Result<FilterGraph> BuildFilterGraph(const std::vector<SourceFormat>& inputs, const std::string& description,
                                     const std::filesystem::path& file) {
  FilterGraph result;
  result.graph.reset(avfilter_graph_alloc());
  if (!result.graph) return Error::Internal(file.filename().string() + ": out of memory");
  // Filters run on the calling thread only: callers may run several graphs side by side.
  result.graph->nb_threads = 1;

  const AVFilter* abuffer = avfilter_get_by_name("abuffer");
  const AVFilter* abuffersink = avfilter_get_by_name("abuffersink");
  if (abuffer == nullptr || abuffersink == nullptr)
    return Error::Internal("libavfilter lacks abuffer/abuffersink");

  // Open outputs of the sources (in0..) and the open input of the sink (out), linked by label.
  AVFilterInOut* outputs = nullptr;
  result.sources.resize(inputs.size(), nullptr);
  for (std::size_t i = inputs.size(); i-- > 0;) {
    AVFilterContext* source = nullptr;
    std::string name = "in" + std::to_string(i);
    int rc = avfilter_graph_create_filter(&source, abuffer, name.c_str(), AbufferArgs(inputs[i]).c_str(),
                                          nullptr, result.graph.get());
    if (rc < 0) {
      avfilter_inout_free(&outputs);
      return FfmpegError(ErrorKind::kInvalidInput, rc, file, "unsupported audio format");
    }
    AVFilterInOut* link = avfilter_inout_alloc();
    if (link == nullptr) {
      avfilter_inout_free(&outputs);
      return Error::Internal("out of memory");
    }
    link->name = av_strdup(name.c_str());
    link->filter_ctx = source;
    link->pad_idx = 0;
    link->next = outputs;
    outputs = link;
    result.sources[i] = source;
  }
  FilterInOutPtr outputs_owner(outputs);

  int rc =
      avfilter_graph_create_filter(&result.sink, abuffersink, "out", nullptr, nullptr, result.graph.get());
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, file, "cannot create the filter sink");
  FilterInOutPtr sink_input(avfilter_inout_alloc());
  if (!sink_input) return Error::Internal("out of memory");
  sink_input->name = av_strdup("out");
  sink_input->filter_ctx = result.sink;
  sink_input->pad_idx = 0;
  sink_input->next = nullptr;

  AVFilterInOut* open_inputs = sink_input.release();
  AVFilterInOut* open_outputs = outputs_owner.release();
  rc =
      avfilter_graph_parse_ptr(result.graph.get(), description.c_str(), &open_inputs, &open_outputs, nullptr);
  avfilter_inout_free(&open_inputs);
  avfilter_inout_free(&open_outputs);
  if (rc < 0)
    return FfmpegError(ErrorKind::kInternal, rc, file, "cannot build filter graph '" + description + "'");
  rc = avfilter_graph_config(result.graph.get(), nullptr);
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, file, "cannot configure filter graph");
  return result;
}

}  // namespace reflector::media
