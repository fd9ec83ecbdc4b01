#include "media/muxer_output.hpp"

#include <array>
#include <cstdio>
#include <random>
#include <string>
#include <system_error>

namespace reflector::media {

namespace {

std::filesystem::path TemporaryPathBeside(const std::filesystem::path& output) {
  std::random_device random;
  std::array<char, 17> suffix{};
  std::snprintf(suffix.data(), suffix.size(), "%08x%08x", random(), random());
  return output.parent_path() / ("." + output.filename().string() + "." + suffix.data() + ".partial");
}

}  // namespace

Result<std::unique_ptr<MuxerOutput>> MuxerOutput::Create(const std::filesystem::path& output,
                                                         const char* container) {
  std::unique_ptr<MuxerOutput> muxer(new MuxerOutput());
  muxer->output_ = output;
  muxer->temp_ = TemporaryPathBeside(output);
  AVFormatContext* raw_format = nullptr;
  int rc = avformat_alloc_output_context2(&raw_format, nullptr, container, muxer->temp_.c_str());
  if (rc < 0) return FfmpegError(ErrorKind::kInternal, rc, output, "cannot create the muxer");
  muxer->format_.reset(raw_format);
  // Same input, same bytes: no random segment/track UIDs, dates or version strings, so the
  // transcription cache (keyed by the padded track's bytes) hits on a re-run.
  muxer->format_->flags |= AVFMT_FLAG_BITEXACT;
  return muxer;
}

MuxerOutput::~MuxerOutput() {
  if (committed_) return;
  format_.reset();  // closes the file before it is removed
  std::error_code ignored;
  std::filesystem::remove(temp_, ignored);
}

Status MuxerOutput::Start() {
  // "file:" keeps a name with a colon from being read as a protocol.
  int rc = avio_open(&format_->pb, ("file:" + temp_.string()).c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) return FfmpegError(ErrorKind::kIo, rc, output_, "cannot create the output file");
  rc = avformat_write_header(format_.get(), nullptr);
  if (rc < 0) return FfmpegError(ErrorKind::kIo, rc, output_, "cannot write the header");
  return Ok();
}

Status MuxerOutput::Write(AVPacket* packet) {
  int rc = av_write_frame(format_.get(), packet);
  if (rc < 0) return FfmpegError(ErrorKind::kIo, rc, output_, "cannot write");
  return Ok();
}

Result<std::uint64_t> MuxerOutput::Commit() {
  int rc = av_write_trailer(format_.get());
  if (rc < 0) return FfmpegError(ErrorKind::kIo, rc, output_, "cannot finish the file");
  rc = avio_closep(&format_->pb);
  if (rc < 0) return FfmpegError(ErrorKind::kIo, rc, output_, "cannot close the file");
  std::error_code ec;
  std::filesystem::rename(temp_, output_, ec);
  if (ec) {
    return Error::Transient(
        ErrorKind::kIo,
        output_.filename().string() + ": cannot move the finished file into place: " + ec.message());
  }
  committed_ = true;
  auto size = std::filesystem::file_size(output_, ec);
  return ec ? std::uint64_t{0} : static_cast<std::uint64_t>(size);
}

}  // namespace reflector::media
