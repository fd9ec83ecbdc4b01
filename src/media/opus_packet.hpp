#pragma once
// Internal: what padding by packets needs to know about Opus streams, without decoding them.
// Pure functions over bytes and sample counts (48 kHz, the rate every Opus stream decodes at).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace reflector::media {

// Opus always decodes at 48 kHz; pre-skip, packet lengths and positions below count at this rate.
constexpr int kOpusSampleRate = 48000;
// The silent frames padding by packets inserts are 20 ms long.
constexpr int kSilentFrameSamples = 960;

// Samples per channel (48 kHz) that one Opus packet decodes to, read from its table-of-contents
// byte (RFC 6716 section 3.1). 0 when the packet is empty or malformed (a code 1 packet of odd
// length, a code 2 length running past the end, a code 3 packet without frames or longer than
// 120 ms): such a packet would be rejected by a decoder.
int OpusPacketSamples(std::span<const std::uint8_t> packet);

// The fields of an OpusHead (RFC 7845 section 5.1: the Ogg identification header, which is also
// the Matroska/WebM CodecPrivate) that padding needs.
struct OpusHead {
  int channels = 0;
  int pre_skip = 0;        // samples the decoder discards at the start of the stream
  int mapping_family = 0;  // 0: mono or stereo in one stream; others: multistream
};

// Reads an OpusHead; nullopt when `extradata` is not one (too short, wrong magic, unknown major
// version, no channels).
std::optional<OpusHead> ParseOpusHead(std::span<const std::uint8_t> extradata);

// A copy of the OpusHead `extradata` with its pre-skip field set to `pre_skip` (0..65535).
std::vector<std::uint8_t> WithPreSkip(std::span<const std::uint8_t> extradata, int pre_skip);

// How the padded stream starts: `silent_frames` silent frames of `frame_samples`, then the
// track's first packet, with `pre_skip` samples discarded by the decoder at the start.
struct LeadingSilence {
  std::int64_t silent_frames = 0;
  int pre_skip = 0;
};

// Plans the start of the padded stream so that the first sample the track's decoder would have
// kept (after its own `source_pre_skip`) is decoded at `delay_samples`, exactly: the silent
// frames take whole frames and the output pre-skip takes the remainder (0 <= pre_skip <
// frame_samples when there are silent frames, source_pre_skip - delay_samples when the delay is
// shorter than the source's pre-skip).
LeadingSilence PlanLeadingSilence(std::int64_t delay_samples, int source_pre_skip, int frame_samples);

// Silent frames to write before a packet that belongs at stream position `ideal` while the
// output is at `position` (both in samples): the gap rounded to the nearest whole frame, so a
// gap shorter than half a frame (timestamp rounding) adds nothing and positions never drift by
// more than half a frame. 0 when the packet is not ahead of the output.
std::int64_t SilentFramesForGap(std::int64_t ideal, std::int64_t position, int frame_samples);

}  // namespace reflector::media
