#pragma once
// Internal: a muxer writing into a hidden temporary file beside the output, renamed into place
// on Commit, so an output appears only complete. Shared by the encoders (AudioWriter) and by
// padding by packets.

#include <cstdint>
#include <filesystem>
#include <memory>

#include "core/result.hpp"
#include "media/ffmpeg_handles.hpp"

namespace reflector::media {

class MuxerOutput {
 public:
  // Allocates a `container` muxer ("webm", "mp3") for a temporary file beside `output`. The
  // muxer is bit-exact: no random UIDs, dates or version strings, so the same packets give the
  // same bytes. Add the streams to format(), then call Start.
  static Result<std::unique_ptr<MuxerOutput>> Create(const std::filesystem::path& output,
                                                     const char* container);
  // Removes the temporary file unless Commit succeeded.
  ~MuxerOutput();
  MuxerOutput(const MuxerOutput&) = delete;
  MuxerOutput& operator=(const MuxerOutput&) = delete;

  [[nodiscard]] AVFormatContext* format() const { return format_.get(); }

  // Creates the temporary file and writes the header. Stream time bases may change here (WebM
  // uses 1/1000): rescale packet timestamps to them after this call.
  Status Start();

  // Writes one packet (timestamps in its stream's time base); the packet keeps its data.
  Status Write(AVPacket* packet);

  // Writes the trailer, closes the file and renames it to the output path. Returns its size.
  Result<std::uint64_t> Commit();

  [[nodiscard]] const std::filesystem::path& output() const { return output_; }

 private:
  MuxerOutput() = default;

  std::filesystem::path output_;
  std::filesystem::path temp_;
  OutputFormatPtr format_;
  bool committed_ = false;
};

}  // namespace reflector::media
