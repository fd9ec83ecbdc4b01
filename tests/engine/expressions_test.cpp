#include "engine/expressions.hpp"

#include <gtest/gtest.h>

namespace reflector::engine {
namespace {

class ExpressionsTest : public ::testing::Test {
 protected:
  Json document_ = Json::parse(R"({
    "workflow": {"input": {"transcript_id": "t-1", "count": 3, "ratio": 2.5, "which": "transcript_id",
                           "tracks": [{"s3_key": "a.webm"}, {"s3_key": "b.webm"}], "flag": true,
                           "odd key": "odd"},
                 "workflowId": "wf-9"},
    "join_padding": {"output": {"pad_track_0": {"padded": {"key": "p0"}, "track_index": 0},
                                "pad_track_1": {"padded": {"key": "p1"}, "track_index": 1}}},
    "mixdown": {"output": {"duration": 12.0, "audio_key": "t-1/audio.mp3"}}
  })");
  ExpressionContext context_{&document_, "task-42"};

  Json Resolve(const Json& parameters) { return ResolveParameters(parameters, context_); }
};

TEST_F(ExpressionsTest, LoneExpressionKeepsType) {
  Json out = Resolve({{"n", "${workflow.input.count}"},
                      {"r", "${workflow.input.ratio}"},
                      {"tracks", "${workflow.input.tracks}"},
                      {"flag", "${workflow.input.flag}"},
                      {"first", "${workflow.input.tracks[0].s3_key}"},
                      {"last", "${workflow.input.tracks[-1].s3_key}"},
                      {"odd", "${workflow.input['odd key']}"}});
  EXPECT_EQ(out["n"], 3);
  EXPECT_EQ(out["r"], 2.5);
  EXPECT_TRUE(out["tracks"].is_array());
  EXPECT_EQ(out["tracks"].size(), 2U);
  EXPECT_EQ(out["flag"], true);
  EXPECT_EQ(out["first"], "a.webm");
  EXPECT_EQ(out["last"], "b.webm");
  EXPECT_EQ(out["odd"], "odd");
}

TEST_F(ExpressionsTest, MissingValuesBecomeNullAndKeyIsKept) {
  Json out = Resolve({{"missing", "${workflow.input.nothing}"}, {"task", "${not_run_yet.output.x}"}});
  ASSERT_TRUE(out.contains("missing"));
  EXPECT_TRUE(out["missing"].is_null());
  EXPECT_TRUE(out["task"].is_null());
}

TEST_F(ExpressionsTest, InterpolationStringifiesLikeJava) {
  Json out = Resolve({{"s", "id=${workflow.input.transcript_id}/n=${workflow.input.count}"},
                      {"d", "d=${mixdown.output.duration} r=${workflow.input.ratio}"},
                      {"null", "x-${workflow.input.nothing}"},
                      {"obj", "t=${workflow.input.tracks}"}});
  EXPECT_EQ(out["s"], "id=t-1/n=3");
  EXPECT_EQ(out["d"], "d=12.0 r=2.5");
  EXPECT_EQ(out["null"], "x-null");
  EXPECT_EQ(out["obj"], "t=[{s3_key=a.webm}, {s3_key=b.webm}]");
}

TEST_F(ExpressionsTest, RecursiveDescentCollectsEveryMatch) {
  Json out = Resolve({{"keys", "${join_padding.output..key}"},
                      {"indexes", "${join_padding.output..track_index}"},
                      {"none", "${join_padding.output..absent}"},
                      {"all", "${workflow.input.tracks[*].s3_key}"}});
  EXPECT_EQ(out["keys"], Json::array({"p0", "p1"}));
  EXPECT_EQ(out["indexes"], Json::array({0, 1}));
  EXPECT_EQ(out["none"], Json::array());
  EXPECT_EQ(out["all"], Json::array({"a.webm", "b.webm"}));
}

TEST_F(ExpressionsTest, NestingEscapesAndSpecialForms) {
  Json out = Resolve({{"nested", "${workflow.input.${workflow.input.which}}"},
                      {"escaped", "$${workflow.input.count}"},
                      {"empty", "${}"},
                      {"blank", "${  }"},
                      {"id", "${CPEWF_TASK_ID}"},
                      {"literal", "no expressions"},
                      {"number", 7},
                      {"list", {"${workflow.input.count}", "plain"}},
                      {"deep", {{"inner", "${workflow.workflowId}"}}}});
  EXPECT_EQ(out["nested"], "t-1");
  EXPECT_EQ(out["escaped"], "${workflow.input.count}");
  EXPECT_EQ(out["empty"], "");
  EXPECT_EQ(out["blank"], "");
  EXPECT_EQ(out["id"], "task-42");
  EXPECT_EQ(out["literal"], "no expressions");
  EXPECT_EQ(out["number"], 7);
  EXPECT_EQ(out["list"], Json::array({3, "plain"}));
  EXPECT_EQ(out["deep"]["inner"], "wf-9");
}

TEST(JavaToStringTest, Numbers) {
  EXPECT_EQ(JavaToString(Json(3)), "3");
  EXPECT_EQ(JavaToString(Json(3.0)), "3.0");
  EXPECT_EQ(JavaToString(Json(0.1)), "0.1");
  EXPECT_EQ(JavaToString(Json(1e20)), "1.0E20");
  EXPECT_EQ(JavaToString(Json(-2.5e-7)), "-2.5E-7");
  EXPECT_EQ(JavaToString(Json(nullptr)), "null");
  EXPECT_EQ(JavaToString(Json::object()), "{}");
}

TEST(EvaluatePathTest, AcceptsLeadingDollar) {
  Json document = {{"a", {{"b", 1}}}};
  EXPECT_EQ(EvaluatePath(document, "$.a.b"), 1);
  EXPECT_EQ(EvaluatePath(document, "a.b"), 1);
  EXPECT_TRUE(EvaluatePath(document, "a.b.c").is_null());
  EXPECT_TRUE(EvaluatePath(document, "a[").is_null());
}

}  // namespace
}  // namespace reflector::engine
