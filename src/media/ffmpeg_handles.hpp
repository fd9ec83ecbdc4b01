#pragma once
// Owning handles for the FFmpeg C objects used by the media code, and the conversion of an FFmpeg
// return code into an Error. Every handle is a std::unique_ptr with a deleter that calls the
// matching FFmpeg free function, so no code path leaks a context.

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
}

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace reflector::media {

// A demuxer opened with avformat_open_input (closed with avformat_close_input).
struct InputFormatDeleter {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;

// A muxer made with avformat_alloc_output_context2. Closes its AVIOContext if one was opened.
struct OutputFormatDeleter {
  void operator()(AVFormatContext* context) const {
    if (context->pb != nullptr && (context->oformat->flags & AVFMT_NOFILE) == 0) {
      avio_closep(&context->pb);
    }
    avformat_free_context(context);
  }
};
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;

struct CodecContextDeleter {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;

struct FrameDeleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;

struct PacketDeleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;

// The graph owns its filter contexts; they die with it.
struct FilterGraphDeleter {
  void operator()(AVFilterGraph* graph) const { avfilter_graph_free(&graph); }
};
using FilterGraphPtr = std::unique_ptr<AVFilterGraph, FilterGraphDeleter>;

struct FilterInOutDeleter {
  void operator()(AVFilterInOut* list) const { avfilter_inout_free(&list); }
};
using FilterInOutPtr = std::unique_ptr<AVFilterInOut, FilterInOutDeleter>;

struct SwrContextDeleter {
  void operator()(SwrContext* context) const { swr_free(&context); }
};
using SwrContextPtr = std::unique_ptr<SwrContext, SwrContextDeleter>;

// Allocating constructors; they return nullptr only when memory is exhausted.
FramePtr MakeFrame();
PacketPtr MakePacket();

// The text FFmpeg gives for a return code (what av_err2str prints).
std::string FfmpegErrorText(int code);

// "<file name>: <what>: <FFmpeg text>" as an Error of `kind`. Input problems are
// ErrorKind::kInvalidInput (terminal); output problems kIo (retryable), or kNoSpace (retryable)
// when the disk is full.
Error FfmpegError(ErrorKind kind, int code, const std::filesystem::path& file, std::string_view what);

// "<file name>: <message>" as a terminal kInvalidInput error.
Error InputError(const std::filesystem::path& file, std::string_view message);

// Process-wide: sends FFmpeg's own messages to the project log instead of raw stderr, one line
// each with field `ffmpeg`: errors as log::Warn (the Error values returned carry what matters),
// warnings as log::Debug; informational chatter is dropped. Call once at startup from the
// composition root; without it FFmpeg prints to stderr.
void SendFfmpegLogsToLog();

}  // namespace reflector::media
