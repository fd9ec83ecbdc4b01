#pragma once
// The bound on SIMPLE tasks running at once in this process, shared by every workflow the
// in-process engine runs (each workflow also has its own bound, max_parallel_tasks), so that
// many meetings at once queue for the cores instead of all running and holding memory together.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace reflector::engine {

class TaskSlots {
 public:
  // `limit` < 1: no bound.
  explicit TaskSlots(int limit) : limit_(limit) {}
  TaskSlots(const TaskSlots&) = delete;
  TaskSlots& operator=(const TaskSlots&) = delete;

  // Takes a slot when one is free.
  bool TryAcquire();
  void Release();
  // Returns when a slot may be free, `timeout` has passed or `stop` is requested.
  void WaitForFree(std::stop_token stop, std::chrono::milliseconds timeout);
  [[nodiscard]] int InUse() const;

  // Gives a taken slot back when destroyed.
  class Held {
   public:
    Held() = default;
    // Holds a slot taken with TryAcquire.
    void Adopt(TaskSlots& slots) { slots_ = &slots; }
    ~Held() {
      if (slots_ != nullptr) slots_->Release();
    }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;

   private:
    TaskSlots* slots_ = nullptr;
  };

 private:
  const int limit_;
  mutable std::mutex mutex_;
  std::condition_variable_any freed_;
  int in_use_ = 0;
};

}  // namespace reflector::engine
