#include "media/ffmpeg_handles.hpp"

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

#include <array>
#include <cerrno>
#include <cstdarg>

#include "core/log.hpp"

namespace reflector::media {

FramePtr MakeFrame() {
  return FramePtr(av_frame_alloc());
}

PacketPtr MakePacket() {
  return PacketPtr(av_packet_alloc());
}

std::string FfmpegErrorText(int code) {
  std::array<char, AV_ERROR_MAX_STRING_SIZE> buffer{};
  av_strerror(code, buffer.data(), buffer.size());
  return std::string(buffer.data());
}

Error FfmpegError(ErrorKind kind, int code, const std::filesystem::path& file, std::string_view what) {
  std::string message = file.filename().string() + ": " + std::string(what) + ": " + FfmpegErrorText(code);
  // A failing write (disk full, unreachable directory) may succeed later; bad input never will.
  if (code == AVERROR(ENOSPC) || code == AVERROR(EDQUOT)) kind = ErrorKind::kNoSpace;
  return Error{kind, kind == ErrorKind::kIo || kind == ErrorKind::kNoSpace, std::move(message)};
}

Error InputError(const std::filesystem::path& file, std::string_view message) {
  return Error::InvalidInput(file.filename().string() + ": " + std::string(message));
}

namespace {

void ForwardFfmpegLog(void* context, int level, const char* format, va_list arguments) {
  if (level > AV_LOG_WARNING) return;
  std::array<char, 1024> line{};
  int print_prefix = 1;
  av_log_format_line2(context, level, format, arguments, line.data(), static_cast<int>(line.size()),
                      &print_prefix);
  std::string text(line.data());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  if (text.empty()) return;
  if (level <= AV_LOG_ERROR) {
    log::Warn("ffmpeg", {{"ffmpeg", text}});
  } else {
    log::Debug("ffmpeg", {{"ffmpeg", text}});
  }
}

}  // namespace

void SendFfmpegLogsToLog() {
  av_log_set_callback(ForwardFfmpegLog);
}

}  // namespace reflector::media
