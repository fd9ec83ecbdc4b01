#pragma once
// What the use cases of src/service/ borrow from the composition root. Every pointer must
// outlive the calls; `bus` may be null (then followers only poll the database).

#include <string>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "engine/engine.hpp"
#include "events/events.hpp"
#include "service/engine_modes.hpp"
#include "storage/object_store.hpp"
#include "store/database.hpp"

namespace reflector::service {

struct ServiceContext {
  store::Database* database = nullptr;
  Clock* clock = nullptr;
  IdGenerator* ids = nullptr;
  storage::ObjectStoreFactory* storage = nullptr;
  std::string bucket;                // where tracks are stored
  engine::Engine* engine = nullptr;  // the engine new workflows start on
  events::EventBus* bus = nullptr;   // wakes followers when this process appends events
  std::string pipeline_name;         // the workflow that processes a recording
  // Where new workflows run (engine_modes.hpp); null: always on `engine`.
  EngineModes* modes = nullptr;
};

}  // namespace reflector::service
