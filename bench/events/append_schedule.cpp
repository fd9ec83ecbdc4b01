#include "append_schedule.hpp"

#include <thread>

namespace reflector::bench {
namespace {

Json StampedData(const char* phase, int n) {
  events::PipelineProgress progress;
  progress.workflow_id = "bench";
  progress.current_step = "bench_step";
  progress.step_index = 1;
  progress.total_steps = 1;
  Json data = events::PipelineProgressData(progress);
  data["bench_phase"] = phase;
  data["bench_n"] = n;
  return data;
}

Status AppendOne(events::EventLog& log, const std::string& transcript_id, const char* phase, int n) {
  Json data = StampedData(phase, n);
  data["sent_ns"] = MonotonicNanoseconds();
  REFLECTOR_ASSIGN_OR_RETURN(events::Event appended,
                             log.Append(transcript_id, events::EventType::kPipelineProgress, data));
  (void)appended;
  return Ok();
}

}  // namespace

std::int64_t MonotonicNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status AppendEvents(events::EventLog& log, const std::string& transcript_id, const AppendPlan& plan) {
  const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / plan.events_per_second));
  const auto start = std::chrono::steady_clock::now();
  int n = 0;
  for (int i = 0; i < plan.paced_events; ++i) {
    std::this_thread::sleep_until(start + i * interval);
    REFLECTOR_TRY(AppendOne(log, transcript_id, kPacedPhase, n++));
  }
  if (plan.paced_events > 0 && plan.burst_events > 0) std::this_thread::sleep_for(plan.pause);
  for (int i = 0; i < plan.burst_events; ++i) {
    REFLECTOR_TRY(AppendOne(log, transcript_id, kBurstPhase, n++));
  }
  return Ok();
}

std::optional<Stamp> ReadStamp(const Json& message) {
  if (!message.is_object() || !message.contains("data")) return std::nullopt;
  const Json& data = message["data"];
  if (!data.is_object() || !data.contains("sent_ns") || !data["sent_ns"].is_number_integer() ||
      !data.contains("bench_n") || !data.contains("bench_phase")) {
    return std::nullopt;
  }
  return Stamp{data["bench_phase"].get<std::string>(), data["bench_n"].get<int>(),
               data["sent_ns"].get<std::int64_t>()};
}

Result<std::vector<std::int64_t>> TimeAppendAndRead(events::EventLog& log, const std::string& transcript_id,
                                                    int count) {
  std::vector<std::int64_t> took;
  took.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const std::int64_t start = MonotonicNanoseconds();
    REFLECTOR_ASSIGN_OR_RETURN(
        events::Event appended,
        log.Append(transcript_id, events::EventType::kPipelineProgress, StampedData("reference", i)));
    REFLECTOR_ASSIGN_OR_RETURN(std::vector<events::Event> read, log.List(transcript_id, appended.seq - 1));
    if (read.empty()) return Error::Internal("reference: the appended event was not read back");
    took.push_back(MonotonicNanoseconds() - start);
  }
  return took;
}

}  // namespace reflector::bench
