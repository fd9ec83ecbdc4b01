#include "events/store_event_log.hpp"

#include <cmath>

namespace reflector::events {

Result<Event> StoreEventLog::Append(std::string_view transcript_id, EventType type, const Json& data) {
  store::TranscriptEvents events(database_, clock_);
  REFLECTOR_ASSIGN_OR_RETURN(std::int64_t seq, events.Append(transcript_id, ToString(type), data));
  return Event{std::string(transcript_id), seq, type, data, clock_.Now()};
}

Result<std::vector<Event>> StoreEventLog::List(std::string_view transcript_id, std::int64_t after_seq) {
  store::TranscriptEvents events(database_, clock_);
  REFLECTOR_ASSIGN_OR_RETURN(auto rows, events.List(transcript_id, after_seq));
  std::vector<Event> out;
  out.reserve(rows.size());
  for (auto& row : rows) {
    REFLECTOR_ASSIGN_OR_RETURN(EventType type, ParseEventType(row.event));
    auto micros = static_cast<std::int64_t>(std::llround(row.created_at * 1e6));
    out.push_back(Event{row.transcript_id, row.seq, type, std::move(row.data),
                        WallTime{} + std::chrono::microseconds(micros)});
  }
  return out;
}

Status StoreEventLog::Clear(std::string_view transcript_id) {
  store::TranscriptEvents events(database_, clock_);
  return events.Clear(transcript_id);
}

}  // namespace reflector::events
