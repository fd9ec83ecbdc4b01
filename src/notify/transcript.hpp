#pragma once
// What notify needs to know about a finished transcript and its room: plain values, filled in by
// the caller (the pipeline tasks post_zulip and send_webhook convert their database rows), so
// notify depends on neither the database nor its row types.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace reflector::notify {

struct Topic {
  std::string title;
  std::string summary;
  std::optional<double> timestamp;  // seconds from the start of the recording
  std::optional<double> duration;   // seconds
  std::string webvtt;               // WebVTT of the topic's own words; "" when it has none
};

struct Participant {
  std::string id;
  std::string name;
  std::optional<std::int64_t> speaker;  // speaker index in the words; none when unknown
};

struct Transcript {
  std::string id;
  std::optional<std::string> room_id;  // none: the webhook names the room it is sent for
  WallTime created_at{};
  double duration = 0;  // seconds
  std::optional<std::string> title;
  std::optional<std::string> short_summary;
  std::optional<std::string> long_summary;
  std::optional<std::string> webvtt;
  std::vector<Topic> topics;  // in timeline order
  std::vector<Participant> participants;
  std::string source_language = "en";
  std::string target_language = "en";
  std::string status;  // "idle", "processing", "ended", "error"
};

struct Room {
  std::string id;
  std::string name;
};

}  // namespace reflector::notify
