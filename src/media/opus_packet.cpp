#include "media/opus_packet.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace reflector::media {

namespace {

// Samples per frame of each table-of-contents configuration (RFC 6716 table 2): SILK 10/20/40/60
// ms, hybrid 10/20 ms, CELT 2.5/5/10/20 ms.
int FrameSamples(int config) {
  if (config < 12) return std::array{480, 960, 1920, 2880}[static_cast<std::size_t>(config % 4)];
  if (config < 16) return std::array{480, 960}[static_cast<std::size_t>(config % 2)];
  return std::array{120, 240, 480, 960}[static_cast<std::size_t>(config % 4)];
}

constexpr int kMaxPacketSamples = 5760;  // 120 ms
constexpr std::size_t kOpusHeadSize = 19;
constexpr std::size_t kPreSkipOffset = 10;

}  // namespace

int OpusPacketSamples(std::span<const std::uint8_t> packet) {
  if (packet.empty()) return 0;
  const int frame = FrameSamples(packet[0] >> 3);
  switch (packet[0] & 0x3) {
    case 0:  // one frame
      return frame;
    case 1:  // two frames of equal size
      return (packet.size() - 1) % 2 == 0 ? 2 * frame : 0;
    case 2: {  // two frames, the first one's length coded in one or two bytes
      if (packet.size() < 2) return 0;
      std::size_t header = 2;
      std::size_t first = packet[1];
      if (first >= 252) {
        if (packet.size() < 3) return 0;
        first += 4 * static_cast<std::size_t>(packet[2]);
        header = 3;
      }
      return header + first <= packet.size() ? 2 * frame : 0;
    }
    default: {  // code 3: a count of frames in the second byte
      if (packet.size() < 2) return 0;
      const int count = packet[1] & 0x3F;
      if (count == 0 || count * frame > kMaxPacketSamples) return 0;
      return count * frame;
    }
  }
}

std::optional<OpusHead> ParseOpusHead(std::span<const std::uint8_t> extradata) {
  if (extradata.size() < kOpusHeadSize || std::memcmp(extradata.data(), "OpusHead", 8) != 0) {
    return std::nullopt;
  }
  if ((extradata[8] & 0xF0) != 0) return std::nullopt;  // major version 0 only
  OpusHead head;
  head.channels = extradata[9];
  head.pre_skip = extradata[kPreSkipOffset] | (extradata[kPreSkipOffset + 1] << 8);
  head.mapping_family = extradata[18];
  if (head.channels == 0) return std::nullopt;
  return head;
}

std::vector<std::uint8_t> WithPreSkip(std::span<const std::uint8_t> extradata, int pre_skip) {
  std::vector<std::uint8_t> copy(extradata.begin(), extradata.end());
  if (copy.size() >= kOpusHeadSize) {
    copy[kPreSkipOffset] = static_cast<std::uint8_t>(pre_skip & 0xFF);
    copy[kPreSkipOffset + 1] = static_cast<std::uint8_t>((pre_skip >> 8) & 0xFF);
  }
  return copy;
}

LeadingSilence PlanLeadingSilence(std::int64_t delay_samples, int source_pre_skip, int frame_samples) {
  // Where the track's first packet starts if the output discarded nothing.
  const std::int64_t start = delay_samples - source_pre_skip;
  if (start <= 0) return {0, static_cast<int>(-start)};
  const std::int64_t frames = (start + frame_samples - 1) / frame_samples;
  return {frames, static_cast<int>(frames * frame_samples - start)};
}

std::int64_t SilentFramesForGap(std::int64_t ideal, std::int64_t position, int frame_samples) {
  const std::int64_t gap = ideal - position;
  if (gap <= 0) return 0;
  return (gap + frame_samples / 2) / frame_samples;
}

}  // namespace reflector::media
