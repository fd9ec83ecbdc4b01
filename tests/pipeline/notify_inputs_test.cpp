// The database rows turned into notify's input structs.

#include "pipeline/notify_inputs.hpp"

#include <gtest/gtest.h>

namespace reflector::pipeline {
namespace {

TEST(NotifyInputsTest, TranscriptKeepsWhatNotifyShows) {
  store::Transcript t;
  t.id = "t1";
  t.room_id = "r1";
  t.created_at = 1773325691.902113;
  t.duration = 1312;
  t.title = "Release";
  t.long_summary = "Long";
  t.webvtt = "WEBVTT\n";
  t.status = store::TranscriptStatus::kEnded;
  t.target_language = "fr";
  t.topics = Json::parse(R"([{"id":"a","title":"A","summary":"S","timestamp":12,"duration":3.5,"words":[]},
                             {"title":7,"timestamp":"x"}, "not an object"])");
  t.participants = Json::parse(R"([{"id":"p","name":"Alice","speaker":0,"user_id":null},
                                   {"id":"q","name":"Bob","speaker":null}, 5])");
  notify::Transcript n = NotifyTranscript(t);
  EXPECT_EQ(n.id, "t1");
  EXPECT_EQ(n.room_id, "r1");
  EXPECT_EQ(n.created_at, WallTime{} + std::chrono::microseconds(1773325691902113LL));
  EXPECT_DOUBLE_EQ(n.duration, 1312);
  EXPECT_EQ(n.title, "Release");
  EXPECT_FALSE(n.short_summary.has_value());
  EXPECT_EQ(n.long_summary, "Long");
  EXPECT_EQ(n.webvtt, "WEBVTT\n");
  EXPECT_EQ(n.status, "ended");
  EXPECT_EQ(n.source_language, "en");
  EXPECT_EQ(n.target_language, "fr");

  ASSERT_EQ(n.topics.size(), 3U);  // order and count kept
  EXPECT_EQ(n.topics[0].title, "A");
  EXPECT_EQ(n.topics[0].summary, "S");
  EXPECT_EQ(n.topics[0].timestamp, 12.0);
  EXPECT_EQ(n.topics[0].duration, 3.5);
  EXPECT_EQ(n.topics[0].webvtt, "");
  EXPECT_EQ(n.topics[1].title, "");  // wrong types read as empty
  EXPECT_FALSE(n.topics[1].timestamp.has_value());
  EXPECT_FALSE(n.topics[2].duration.has_value());

  ASSERT_EQ(n.participants.size(), 2U);  // the non-object is skipped
  EXPECT_EQ(n.participants[0].id, "p");
  EXPECT_EQ(n.participants[0].name, "Alice");
  EXPECT_EQ(n.participants[0].speaker, 0);
  EXPECT_FALSE(n.participants[1].speaker.has_value());
}

TEST(NotifyInputsTest, RoomIdAndName) {
  store::Room room;
  room.id = "r";
  room.name = "standup";
  room.webhook_secret = "not needed by notify";
  notify::Room n = NotifyRoom(room);
  EXPECT_EQ(n.id, "r");
  EXPECT_EQ(n.name, "standup");
  EXPECT_FALSE(NotifyTranscript(store::Transcript{}).room_id.has_value());
}

}  // namespace
}  // namespace reflector::pipeline
