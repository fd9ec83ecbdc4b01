#include "core/log.hpp"

#include <gtest/gtest.h>

namespace reflector::log {
namespace {

TEST(LogTest, FormatsKeyValuePairs) {
  EXPECT_EQ(FormatLine("task started", {{"task", "pad_track"}, {"track_index", 2}, {"ok", true}}),
            "msg=\"task started\" task=pad_track track_index=2 ok=true");
  EXPECT_EQ(FormatLine("x", {{"reason", "bad \"file\"\nline"}, {"empty", ""}}),
            "msg=x reason=\"bad \\\"file\\\"\\nline\" empty=\"\"");
  EXPECT_EQ(FormatLine("d", {{"seconds", 1.25}}), "msg=d seconds=1.25");
}

TEST(LogTest, LevelsParseAndFilter) {
  EXPECT_EQ(*ParseLevel("DEBUG"), Level::kDebug);
  EXPECT_EQ(*ParseLevel("warning"), Level::kWarn);
  EXPECT_FALSE(ParseLevel("loud").ok());
  Level saved = GetLevel();
  SetLevel(Level::kWarn);
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
  SetLevel(saved);
}

}  // namespace
}  // namespace reflector::log
