#include "events/events.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace reflector::events {
namespace {

TEST(EventsTest, NamesRoundTrip) {
  for (EventType type :
       {EventType::kStatus, EventType::kDuration, EventType::kWaveform, EventType::kTranscript,
        EventType::kTopic, EventType::kFinalTitle, EventType::kFinalLongSummary,
        EventType::kFinalShortSummary, EventType::kPipelineProgress, EventType::kEngineFallback}) {
    EXPECT_EQ(*ParseEventType(ToString(type)), type);
  }
  EXPECT_FALSE(ParseEventType("STATUSES").ok());
}

TEST(EventsTest, PayloadShapes) {
  EXPECT_EQ(StatusData("ended"), Json::parse(R"({"value":"ended"})"));
  EXPECT_EQ(TranscriptData("hi there"), Json::parse(R"({"text":"hi there","translation":null})"));
  PipelineProgress progress{"wf-1", "transcribe_track", 6, 14, StepStatus::kInProgress, 1, 3};
  EXPECT_EQ(
      PipelineProgressData(progress),
      Json::parse(R"({"workflow_id":"wf-1","current_step":"transcribe_track","step_index":6,"total_steps":14,
                            "step_status":"in_progress","track_index":1,"track_count":3})"));
  progress.track_index.reset();
  progress.track_count.reset();
  progress.step_status = StepStatus::kCompleted;
  Json plain = PipelineProgressData(progress);
  EXPECT_FALSE(plain.contains("track_index"));
  EXPECT_EQ(plain["step_status"], "completed");
  Event event{"t", 3, EventType::kFinalTitle, FinalTitleData("Budget"), {}};
  EXPECT_EQ(event.ToMessage(), Json::parse(R"({"event":"FINAL_TITLE","data":{"title":"Budget"}})"));
  Event fallback{"t",
                 1,
                 EventType::kEngineFallback,
                 EngineFallbackData("conductor", "in_process", "unreachable", "connection refused"),
                 {}};
  EXPECT_EQ(fallback.ToMessage(), Json::parse(R"({"event":"ENGINE_FALLBACK","data":{"from":"conductor",
                "to":"in_process","reason":"unreachable","error":"connection refused"}})"));
}

TEST(EventsTest, LogSequencesAndBusDelivers) {
  ManualClock clock;
  MemoryEventLog memory(clock);
  EventBus bus;
  PublishingEventLog log(memory, bus);
  std::vector<std::int64_t> seen_a;
  std::vector<std::string> seen_all;
  {
    auto only_a = bus.Subscribe("a", [&](const Event& e) { seen_a.push_back(e.seq); });
    auto all = bus.Subscribe("", [&](const Event& e) { seen_all.push_back(e.transcript_id); });
    ASSERT_EQ(log.Append("a", EventType::kStatus, StatusData("processing"))->seq, 1);
    ASSERT_EQ(log.Append("b", EventType::kStatus, StatusData("processing"))->seq, 1);
    ASSERT_EQ(log.Append("a", EventType::kDuration, DurationData(12.5))->seq, 2);
  }
  ASSERT_TRUE(log.Append("a", EventType::kFinalTitle, FinalTitleData("x")).ok());  // no subscriber left
  EXPECT_EQ(seen_a, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(seen_all, (std::vector<std::string>{"a", "b", "a"}));
  auto after_one = log.List("a", 1);
  ASSERT_TRUE(after_one.ok());
  ASSERT_EQ(after_one->size(), 2U);
  EXPECT_EQ((*after_one)[0].type, EventType::kDuration);
  ASSERT_TRUE(log.Clear("a").ok());
  EXPECT_TRUE(log.List("a")->empty());
  EXPECT_EQ(log.Append("a", EventType::kStatus, StatusData("processing"))->seq, 1);
}

TEST(EventsTest, BusIsSafeAcrossThreads) {
  EventBus bus;
  std::atomic<int> count{0};
  auto subscription = bus.Subscribe("t", [&](const Event&) { ++count; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i)
        bus.Publish(Event{"t", i, EventType::kStatus, Json::object(), {}});
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(count.load(), 400);
}

}  // namespace
}  // namespace reflector::events
