// Topics (with segments, with words, words per speaker), participants CRUD, and speaker
// assignment and merging (reflector-api.md "Participants and speakers").

#include <tuple>

#include "api_fixture.hpp"

namespace reflector::api::testing {
namespace {

class TopicsTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (HasFatalFailure()) return;
    id_ = CreateTranscript("ana");
    SetSampleContent(id_);
    path_ = "/v1/transcripts/" + id_;
  }
  // The speaker of every word of every topic, in order.
  std::vector<int> Speakers() {
    std::vector<int> speakers;
    for (const auto& topic : BodyJson(Get(path_ + "/topics/with-words", "ana"))) {
      for (const auto& word : topic["words"])
        speakers.push_back(word["speaker"].get<int>());
    }
    return speakers;
  }
  net::HttpResponse Patch(const std::string& suffix, const Json& body, std::string_view user = "ana") {
    return SendJson("PATCH", path_ + suffix, body, user);
  }

  std::string id_;
  std::string path_;
};

TEST_F(TopicsTest, TopicsCarrySegmentsAndTextButNoWords) {
  auto response = Get(path_ + "/topics", "ana");
  ASSERT_EQ(response.status, 200) << response.body;
  Json topics = BodyJson(response);
  ASSERT_EQ(topics.size(), 2U);
  EXPECT_EQ(topics[0], Json::parse(R"({
      "id": "topic-1", "title": "Opening", "summary": "Ana opens the meeting.", "timestamp": 0.0,
      "duration": 4.0, "transcript": "Hello everyone. Hi Ana.",
      "segments": [{"text": "Hello everyone.", "start": 0.5, "speaker": 0},
                   {"text": "Hi Ana.", "start": 2.0, "speaker": 1}]})"));
  EXPECT_EQ(topics[1]["timestamp"], 5.0);
  EXPECT_FALSE(topics[1].contains("words"));

  Json with_words = BodyJson(Get(path_ + "/topics/with-words", "ana"));
  ASSERT_EQ(with_words.size(), 2U);
  EXPECT_EQ(with_words[1]["segments"], topics[1]["segments"]);
  ASSERT_EQ(with_words[1]["words"].size(), 4U);
  EXPECT_EQ(with_words[1]["words"][3],
            (Json{{"text", "Great."}, {"start", 7.2}, {"end", 8.0}, {"speaker", 1}}));

  const std::string empty = CreateTranscript("ana");
  EXPECT_EQ(BodyJson(Get("/v1/transcripts/" + empty + "/topics", "ana")), Json::array());
}

TEST_F(TopicsTest, WordsPerSpeakerGroupsRunsOfOneSpeaker) {
  auto response = Get(path_ + "/topics/topic-2/words-per-speaker", "ana");
  ASSERT_EQ(response.status, 200) << response.body;
  Json topic = BodyJson(response);
  EXPECT_EQ(topic["id"], "topic-2");
  EXPECT_EQ(topic["title"], "Budget");
  ASSERT_EQ(topic["words_per_speaker"].size(), 2U);
  EXPECT_EQ(topic["words_per_speaker"][0]["speaker"], 0);
  EXPECT_EQ(topic["words_per_speaker"][0]["words"].size(), 3U);
  EXPECT_EQ(topic["words_per_speaker"][1]["speaker"], 1);
  EXPECT_EQ(topic["words_per_speaker"][1]["words"][0]["text"], "Great.");

  auto unknown = Get(path_ + "/topics/no-such-topic/words-per-speaker", "ana");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Detail(unknown), "Topic not found");
  EXPECT_EQ(Get(path_ + "/topics/topic-2/words-per-speaker", "ben").status, 403);
}

TEST_F(TopicsTest, ParticipantsCrud) {
  Json listed = BodyJson(Get(path_ + "/participants", "ana"));
  ASSERT_EQ(listed.size(), 2U);
  EXPECT_EQ(listed[0], (Json{{"id", "p-ana"}, {"speaker", 0}, {"name", "Ana"}, {"user_id", nullptr}}));

  auto added = SendJson("POST", path_ + "/participants", Json{{"name", "Cleo"}, {"speaker", 2}}, "ana");
  ASSERT_EQ(added.status, 200) << added.body;
  Json cleo = BodyJson(added);
  EXPECT_TRUE(IsUuid(cleo["id"].get<std::string>()));
  EXPECT_EQ(cleo["name"], "Cleo");
  EXPECT_EQ(cleo["speaker"], 2);
  Json silent = BodyJson(SendJson("POST", path_ + "/participants", Json{{"name", "Dan"}}, "ana"));
  EXPECT_EQ(silent["speaker"], nullptr);

  auto taken = SendJson("POST", path_ + "/participants", Json{{"name", "Eve"}, {"speaker", 0}}, "ana");
  EXPECT_EQ(taken.status, 400);
  EXPECT_EQ(Detail(taken), "Speaker already assigned");

  const std::string cleo_path = path_ + "/participants/" + cleo["id"].get<std::string>();
  EXPECT_EQ(BodyJson(Get(cleo_path, "ana")), cleo);
  auto unknown = Get(path_ + "/participants/nobody", "ana");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Detail(unknown), "Participant not found");

  auto renamed = Patch("/participants/p-ben", Json{{"name", "Benjamin"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(BodyJson(renamed)["name"], "Benjamin");
  EXPECT_EQ(BodyJson(renamed)["speaker"], 1);
  EXPECT_EQ(Patch("/participants/p-ben", Json{{"speaker", 1}}).status, 200);  // its own speaker
  auto clash = Patch("/participants/p-ben", Json{{"speaker", 2}});
  EXPECT_EQ(clash.status, 400);
  EXPECT_EQ(Detail(clash), "Speaker already assigned");
  // The transcript names speakers after the participants.
  EXPECT_EQ(BodyJson(Get(path_, "ana"))["transcript"],
            "Ana: Hello everyone.\nBenjamin: Hi Ana.\nAna: Budget is approved.\nBenjamin: Great.");

  auto removed = Send("DELETE", cleo_path, {}, "ana");
  ASSERT_EQ(removed.status, 200);
  EXPECT_EQ(BodyJson(removed), (Json{{"status", "ok"}}));
  EXPECT_EQ(Send("DELETE", cleo_path, {}, "ana").status, 404);
  EXPECT_EQ(BodyJson(Get(path_ + "/participants", "ana")).size(), 3U);
  EXPECT_EQ(Stored(id_).participants.size(), 3U);
}

TEST_F(TopicsTest, AssignNeedsExactlyOneOfSpeakerAndParticipant) {
  auto both =
      Patch("/speaker/assign",
            Json{{"speaker", 1}, {"participant", "p-ana"}, {"timestamp_from", 0}, {"timestamp_to", 1}});
  EXPECT_EQ(both.status, 400);
  EXPECT_NE(Detail(both).find("exactly one"), std::string::npos) << both.body;
  auto neither = Patch("/speaker/assign", Json{{"timestamp_from", 0}, {"timestamp_to", 1}});
  EXPECT_EQ(neither.status, 400);
  EXPECT_NE(Detail(neither).find("exactly one"), std::string::npos) << neither.body;
  auto no_range = Patch("/speaker/assign", Json{{"speaker", 1}});
  EXPECT_EQ(no_range.status, 400);
  EXPECT_NE(Detail(no_range).find("timestamp_from"), std::string::npos) << no_range.body;
  auto negative = Patch("/speaker/assign", Json{{"speaker", -1}, {"timestamp_from", 0}, {"timestamp_to", 1}});
  EXPECT_EQ(negative.status, 400);
  EXPECT_NE(Detail(negative).find("speaker"), std::string::npos) << negative.body;
  auto unknown =
      Patch("/speaker/assign", Json{{"participant", "nobody"}, {"timestamp_from", 0}, {"timestamp_to", 1}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Speakers(), (std::vector<int>{0, 0, 1, 1, 0, 0, 0, 1}));  // nothing changed
}

TEST_F(TopicsTest, AssignReassignsTheWordsInTheRange) {
  auto assigned =
      Patch("/speaker/assign", Json{{"speaker", 1}, {"timestamp_from", 5.0}, {"timestamp_to", 6.5}});
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(BodyJson(assigned), (Json{{"status", "ok"}}));
  EXPECT_EQ(Speakers(), (std::vector<int>{0, 0, 1, 1, 1, 1, 1, 1}));

  // A participant without a speaker gets the lowest free number.
  Json cleo = BodyJson(SendJson("POST", path_ + "/participants", Json{{"name", "Cleo"}}, "ana"));
  auto by_participant = Patch(
      "/speaker/assign", Json{{"participant", cleo["id"]}, {"timestamp_from", 0.0}, {"timestamp_to", 1.0}});
  ASSERT_EQ(by_participant.status, 200) << by_participant.body;
  EXPECT_EQ(Speakers(), (std::vector<int>{2, 2, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(BodyJson(Get(path_ + "/participants/" + cleo["id"].get<std::string>(), "ana"))["speaker"], 2);
  EXPECT_EQ(BodyJson(Get(path_ + "?transcript_format=text", "ana"))["transcript"],
            "Cleo: Hello everyone.\nBen: Hi Ana.\nBen: Budget is approved. Great.");
  EXPECT_EQ(Patch("/speaker/assign", Json{{"speaker", 0}, {"timestamp_from", 0}, {"timestamp_to", 9}}, "ben")
                .status,
            403);
}

TEST_F(TopicsTest, MergeRefusesTwoAssignedSpeakers) {
  auto both_assigned = Patch("/speaker/merge", Json{{"speaker_from", 1}, {"speaker_to", 0}});
  EXPECT_EQ(both_assigned.status, 400);
  EXPECT_EQ(Detail(both_assigned), "Both speakers are assigned to participants");
  auto missing = Patch("/speaker/merge", Json{{"speaker_from", 1}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(Detail(missing).find("speaker_to"), std::string::npos) << missing.body;

  ASSERT_EQ(Send("DELETE", path_ + "/participants/p-ben", {}, "ana").status, 200);
  auto merged = Patch("/speaker/merge", Json{{"speaker_from", 1}, {"speaker_to", 0}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(Speakers(), (std::vector<int>(8, 0)));
  Json runs = BodyJson(Get(path_ + "/topics/topic-1/words-per-speaker", "ana"))["words_per_speaker"];
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0]["words"].size(), 4U);
  // The stored WebVTT (what search reads) follows the words.
  EXPECT_EQ(Stored(id_).webvtt->find("Speaker1"), std::string::npos) << *Stored(id_).webvtt;
}

TEST_F(TopicsTest, AnySignedInUserMayEditTheSpeakersOfAnAnonymousTranscript) {
  const std::string anonymous = StoreOwnerlessTranscript("no owner");
  SetSampleContent(anonymous);
  const std::string path = "/v1/transcripts/" + anonymous;
  auto added = SendJson("POST", path + "/participants", Json{{"name", "Cleo"}, {"speaker", 2}}, "ben");
  EXPECT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(SendJson("PATCH", path + "/participants/p-ana", Json{{"name", "Anna"}}, "ben").status, 200);
  const Json assign = {{"speaker", 2}, {"timestamp_from", 0}, {"timestamp_to", 1}};
  EXPECT_EQ(SendJson("PATCH", path + "/speaker/assign", assign, "ben").status, 200);
  EXPECT_EQ(Stored(anonymous).participants.size(), 3U);
  // An anonymous caller may not (Reflector: these endpoints need a user).
  for (const auto& [method, sub, body] : std::vector<std::tuple<std::string, std::string, Json>>{
           {"POST", "/participants", Json{{"name", "Dana"}, {"speaker", 3}}},
           {"PATCH", "/participants/p-ana", Json{{"name", "Nobody"}}},
           {"PATCH", "/speaker/assign", assign},
           {"PATCH", "/speaker/merge", Json{{"speaker_from", 2}, {"speaker_to", 0}}}}) {
    auto refused = SendJson(method, path + sub, body);
    EXPECT_EQ(refused.status, 401) << method << " " << sub << ": " << refused.body;
    EXPECT_EQ(refused.Header("WWW-Authenticate").value_or(""), "Bearer") << sub;
  }
  EXPECT_EQ(Send("DELETE", path + "/participants/p-ana").status, 401);
  EXPECT_EQ(Stored(anonymous).participants.size(), 3U);
  // The transcript itself stays unchangeable for them.
  EXPECT_EQ(SendJson("PATCH", path, Json{{"title", "x"}}, "ben").status, 403);
}

}  // namespace
}  // namespace reflector::api::testing
