// The transcript formats of Reflector's transcript_format parameter, with named speakers.

#include "pipeline/transcript_formats.hpp"

#include <gtest/gtest.h>

namespace reflector::pipeline {
namespace {

std::vector<Word> Conversation() {
  return {{"Good", 0.5, 0.8, 0},
          {"morning.", 0.8, 1.6, 0},
          {"Hi", 65.2, 65.5, 1},
          {"Alice.", 65.5, 66.0, 1},
          {"Later", 4503.25, 4504.0, 2}};
}

const Json kParticipants = Json::parse(R"([{"id":"p0","speaker":0,"name":"Alice","user_id":null},
                                           {"id":"p1","speaker":1,"name":"Bob"}])");

TEST(TranscriptFormatsTest, SpeakerNamesComeFromParticipants) {
  llm::SpeakerNames names = SpeakerNamesOf(Json::parse(
      R"([{"speaker":0,"name":"Alice"},{"speaker":"1","name":"Bob"},{"speaker":2},{"name":"X"},3])"));
  EXPECT_EQ(names, (llm::SpeakerNames{{0, "Alice"}}));
  EXPECT_TRUE(SpeakerNamesOf(Json(nullptr)).empty());
}

TEST(TranscriptFormatsTest, SegmentsCarryNamesAndFallBackToSpeakerN) {
  auto segments = NamedSegments(Conversation(), SpeakerNamesOf(kParticipants));
  ASSERT_EQ(segments.size(), 3U);
  EXPECT_EQ(segments[0].speaker_name, "Alice");
  EXPECT_EQ(segments[0].text, "Good morning.");
  EXPECT_DOUBLE_EQ(segments[0].start, 0.5);
  EXPECT_DOUBLE_EQ(segments[0].end, 1.6);
  EXPECT_EQ(segments[1].speaker_name, "Bob");
  EXPECT_EQ(segments[2].speaker, 2);
  EXPECT_EQ(segments[2].speaker_name, "Speaker 2");  // no participant for speaker 2
  // A blank name counts as none.
  auto blank = NamedSegments({{"x", 0, 1, 0}}, llm::SpeakerNames{{0, " "}});
  EXPECT_EQ(blank.at(0).speaker_name, "Speaker 0");
}

TEST(TranscriptFormatsTest, WebVttNamedUsesParticipantNames) {
  auto segments = NamedSegments(Conversation(), SpeakerNamesOf(kParticipants));
  EXPECT_EQ(TranscriptWebVttNamed(segments),
            "WEBVTT\n\n"
            "00:00:00.500 --> 00:00:01.600\n<v Alice>Good morning.\n\n"
            "00:01:05.200 --> 00:01:06.000\n<v Bob>Hi Alice.\n\n"
            "01:15:03.250 --> 01:15:04.000\n<v Speaker 2>Later\n");
  EXPECT_EQ(TranscriptWebVttNamed({}), "WEBVTT\n");
}

TEST(TranscriptFormatsTest, WebVttNamedEscapesMarkup) {
  auto segments = NamedSegments({{"Q&A", 0, 1, 0}, {"<b>now</b>", 1, 2, 0}}, {{0, "Ann <ops>"}});
  EXPECT_EQ(TranscriptWebVttNamed(segments),
            "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Ann &lt;ops&gt;>Q&amp;A &lt;b&gt;now&lt;/b&gt;\n");
}

TEST(TranscriptFormatsTest, TextFormats) {
  auto segments = NamedSegments(Conversation(), SpeakerNamesOf(kParticipants));
  EXPECT_EQ(TranscriptText(segments), "Alice: Good morning.\nBob: Hi Alice.\nSpeaker 2: Later");
  EXPECT_EQ(TranscriptTextTimestamped(segments),
            "[00:00] Alice: Good morning.\n[01:05] Bob: Hi Alice.\n[75:03] Speaker 2: Later");
  EXPECT_EQ(TranscriptText({}), "");
}

TEST(TranscriptFormatsTest, JsonSegments) {
  auto segments = NamedSegments(Conversation(), SpeakerNamesOf(kParticipants));
  Json json = TranscriptSegmentsJson(segments);
  ASSERT_EQ(json.size(), 3U);
  EXPECT_EQ(json[1],
            Json::parse(R"({"speaker":1,"speaker_name":"Bob","text":"Hi Alice.","start":65.2,"end":66.0})"));
  EXPECT_EQ(Json::parse(FormatTranscript(TranscriptFormat::kJson, segments)), json);
}

TEST(TranscriptFormatsTest, FormatNamesRoundTrip) {
  for (auto format : {TranscriptFormat::kText, TranscriptFormat::kTextTimestamped,
                      TranscriptFormat::kWebVttNamed, TranscriptFormat::kJson}) {
    auto parsed = ParseTranscriptFormat(ToString(format));
    ASSERT_TRUE(parsed.ok()) << ToString(format);
    EXPECT_EQ(*parsed, format);
  }
  EXPECT_EQ(ToString(TranscriptFormat::kWebVttNamed), "webvtt-named");
  auto bad = ParseTranscriptFormat("webvtt");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
  auto segments = NamedSegments(Conversation(), {});
  EXPECT_EQ(FormatTranscript(TranscriptFormat::kText, segments), TranscriptText(segments));
  EXPECT_EQ(FormatTranscript(TranscriptFormat::kWebVttNamed, segments), TranscriptWebVttNamed(segments));
}

}  // namespace
}  // namespace reflector::pipeline
