#pragma once
// Internal: an audio filter graph with one abuffer source per input and one abuffersink.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "media/ffmpeg_handles.hpp"

namespace reflector::media {

// What an abuffer source receives. Frames pushed into it must carry pts in 1/sample_rate units.
struct SourceFormat {
  int sample_rate = 0;
  AVSampleFormat sample_format = AV_SAMPLE_FMT_NONE;
  AVChannelLayout layout{};  // not owned: a native/default layout (no custom maps)

  static SourceFormat FromDecoder(const AVCodecContext* codec);
};

struct FilterGraph {
  FilterGraphPtr graph;
  std::vector<AVFilterContext*> sources;  // owned by graph; sources[i] is the pad "[in<i>]"
  AVFilterContext* sink = nullptr;        // owned by graph; the pad "[out]"
};

// Builds and configures `description` (filtergraph syntax using the labels [in0]..[inN-1] for
// the sources and [out] for the sink). `file` names the file that errors are about.
Result<FilterGraph> BuildFilterGraph(const std::vector<SourceFormat>& inputs, const std::string& description,
                                     const std::filesystem::path& file);

}  // namespace reflector::media
