#include "engine/in_process/task_slots.hpp"

namespace reflector::engine {

bool TaskSlots::TryAcquire() {
  std::lock_guard lock(mutex_);
  if (limit_ > 0 && in_use_ >= limit_) return false;
  ++in_use_;
  return true;
}

void TaskSlots::Release() {
  {
    std::lock_guard lock(mutex_);
    --in_use_;
  }
  freed_.notify_all();
}

void TaskSlots::WaitForFree(std::stop_token stop, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  freed_.wait_for(lock, stop, timeout, [this] { return limit_ < 1 || in_use_ < limit_; });
}

int TaskSlots::InUse() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

}  // namespace reflector::engine
