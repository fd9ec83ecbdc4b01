#include "core/json.hpp"

#include <gtest/gtest.h>

namespace reflector {
namespace {

TEST(JsonTest, TypedAccessNamesTheField) {
  Json object = {{"name", "Alice"}, {"index", 3}, {"start", 1.5}, {"flag", true}, {"none", nullptr}};
  EXPECT_EQ(*GetString(object, "name"), "Alice");
  EXPECT_EQ(*GetInt(object, "index"), 3);
  EXPECT_DOUBLE_EQ(*GetNumber(object, "start"), 1.5);
  EXPECT_DOUBLE_EQ(*GetNumber(object, "index"), 3.0);
  EXPECT_TRUE(*GetBool(object, "flag"));

  auto missing = GetString(object, "s3_key");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "field 's3_key' is missing");
  EXPECT_EQ(missing.error().kind, ErrorKind::kInvalidInput);

  auto null_value = GetString(object, "none");
  ASSERT_FALSE(null_value.ok());
  EXPECT_EQ(null_value.error().message, "field 'none' is missing");

  auto wrong = GetString(object, "index");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "field 'index' must be a string, got a number");

  EXPECT_FALSE(GetInt(object, "start").ok());
  EXPECT_FALSE(GetArray(object, "name").ok());
}

TEST(JsonTest, OptionalFields) {
  Json object = {{"a", "x"}, {"n", nullptr}, {"i", 7}};
  EXPECT_EQ(GetOptionalString(object, "a")->value(), "x");
  EXPECT_FALSE(GetOptionalString(object, "n")->has_value());
  EXPECT_FALSE(GetOptionalString(object, "absent")->has_value());
  EXPECT_FALSE(GetOptionalString(object, "i").ok());
  EXPECT_EQ(GetOptionalInt(object, "i")->value(), 7);
}

TEST(JsonTest, ParseErrorNamesTheSource) {
  auto parsed = ParseJson("{\"a\":", "response body");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("response body is not valid JSON"), std::string::npos);
  EXPECT_EQ((*ParseJson("[1,2]", "x")).size(), 2U);
}

// Found by fuzz/expressions and fuzz/daily_webhook: a number too large for a double made the
// parser throw out_of_range past ParseJson.
TEST(JsonTest, NumberTooLargeIsAnErrorValue) {
  for (const char* text : {"6E677", "[1,2e555555555]", "{\"a\": -1e400}"}) {
    auto parsed = ParseJson(text, "body");
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(parsed.error().message.find("body is not valid JSON"), std::string::npos)
        << parsed.error().message;
  }
}

TEST(JsonTest, CompactDumpKeepsUtf8) {
  Json object = {{"b", 1}, {"a", "é"}};
  EXPECT_EQ(DumpCompact(object), "{\"a\":\"é\",\"b\":1}");
}

}  // namespace
}  // namespace reflector
