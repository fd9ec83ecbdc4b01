#pragma once
// EventLog over the database's transcript_events table (shared by every process).

#include "events/events.hpp"
#include "store/transcripts.hpp"

namespace reflector::events {

class StoreEventLog final : public EventLog {
 public:
  StoreEventLog(store::Database& database, const Clock& clock) : database_(database), clock_(clock) {}
  Result<Event> Append(std::string_view transcript_id, EventType type, const Json& data) override;
  Result<std::vector<Event>> List(std::string_view transcript_id, std::int64_t after_seq = 0) override;
  Status Clear(std::string_view transcript_id) override;

 private:
  store::Database& database_;
  const Clock& clock_;
};

}  // namespace reflector::events
