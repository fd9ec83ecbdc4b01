#pragma once
// Internal: the two ways of putting a track on the meeting timeline. PadTrack (pad.cpp) probes
// the track, returns early when it is already aligned, and picks one of these.

#include <cstdint>
#include <filesystem>
#include <stop_token>

#include "core/progress.hpp"
#include "core/result.hpp"
#include "media/audio.hpp"
#include "media/audio_decoder.hpp"

namespace reflector::media {

struct PadRequest {
  const std::filesystem::path& input;
  const std::filesystem::path& output_webm;
  const AudioProbe& probe;
  std::int64_t delay_ms = 0;  // > 0: PaddingDelayMs(probe.start_time)
  std::stop_token stop;
  ProgressSink& progress;
};

// Whether `decoder`'s stream can be padded by packets: Opus in Matroska/WebM or Ogg, with an
// OpusHead of channel mapping family 0 (mono or stereo).
bool CanPadByPackets(const AudioDecoder& decoder);

// Copies the track's Opus packets into WebM behind silent packets, so that the first sample its
// own decoder would keep is decoded at delay_ms, and fills timestamp gaps with silent packets.
// `decoder` must satisfy CanPadByPackets and have read nothing yet.
Result<PadResult> PadByPackets(AudioDecoder& decoder, const PadRequest& request);

// Decodes the track, prepends delay_ms of silence, fills timestamp gaps and encodes WebM/Opus
// again (48 kHz, 64 kb/s). Takes any decodable audio. `decoder` must have read nothing yet.
Result<PadResult> PadByReencoding(AudioDecoder& decoder, const PadRequest& request);

}  // namespace reflector::media
