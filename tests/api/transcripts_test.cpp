// Transcripts: create, list (pagination, filters), get in every transcript_format, patch,
// soft delete / restore / destroy, and search (reflector-api.md §1, §4, §6).

#include <set>

#include "api_fixture.hpp"

namespace reflector::api::testing {
namespace {

// GetTranscriptMinimal (reflector-api.md §4).
const std::set<std::string> kMinimalKeys = {"id",
                                            "user_id",
                                            "name",
                                            "status",
                                            "locked",
                                            "duration",
                                            "title",
                                            "short_summary",
                                            "long_summary",
                                            "created_at",
                                            "share_mode",
                                            "source_language",
                                            "target_language",
                                            "reviewed",
                                            "meeting_id",
                                            "source_kind",
                                            "room_id",
                                            "room_name",
                                            "audio_deleted",
                                            "change_seq",
                                            "has_cloud_video",
                                            "cloud_video_duration"};

std::set<std::string> Keys(const Json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items())
    keys.insert(key);
  return keys;
}

using TranscriptsTest = ApiFixture;

TEST_F(TranscriptsTest, CreateAnswersTheTranscriptWithParticipants) {
  auto response =
      SendJson("POST", "/v1/transcripts",
               Json{{"name", "Planning"}, {"source_language", "de"}, {"source_kind", "file"}}, "ana");
  ASSERT_EQ(response.status, 200) << response.body;
  Json body = BodyJson(response);
  std::set<std::string> expected = kMinimalKeys;
  expected.insert("participants");
  EXPECT_EQ(Keys(body), expected);
  EXPECT_TRUE(IsUuid(body["id"].get<std::string>())) << body["id"];
  EXPECT_EQ(body["user_id"], "ana");
  EXPECT_EQ(body["name"], "Planning");
  EXPECT_EQ(body["status"], "idle");
  EXPECT_EQ(body["duration"], 0);
  EXPECT_EQ(body["title"], nullptr);
  EXPECT_EQ(body["share_mode"], "private");
  EXPECT_EQ(body["source_language"], "de");
  EXPECT_EQ(body["target_language"], "en");
  EXPECT_EQ(body["source_kind"], "file");
  EXPECT_EQ(body["participants"], Json::array());
  EXPECT_EQ(body["has_cloud_video"], false);
  EXPECT_TRUE(body["created_at"].is_string());
  EXPECT_TRUE(body["change_seq"].is_number_integer());

  // Reflector's default kind is "live"; the row is stored as answered.
  Json defaults = BodyJson(SendJson("POST", "/v1/transcripts", Json{{"name", "Other"}}, "ana"));
  EXPECT_EQ(defaults["source_kind"], "live");
  EXPECT_EQ(defaults["source_language"], "en");
  EXPECT_EQ(Stored(body["id"].get<std::string>()).name, "Planning");
}

TEST_F(TranscriptsTest, AnAnonymousCallerCannotCreateATranscriptNobodyCouldUse) {
  auto refused = SendJson("POST", "/v1/transcripts", Json{{"name", "no owner"}});
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(refused.Header("WWW-Authenticate").value_or(""), "Bearer");
  EXPECT_EQ(Detail(refused), "Not authenticated");
  auto stored = Transcripts().List();
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->empty()) << "nothing is stored";
  // A signed-in caller gets a transcript it owns (and the local owner, see LocalOwnerTest).
  EXPECT_EQ(Stored(CreateTranscript("ana")).user_id, "ana");
}

TEST_F(TranscriptsTest, ListPagesThroughTheCallersTranscriptsNewestFirst) {
  const std::string first = CreateTranscript("ana", "one");
  CreateTranscript("ana", "two");
  const std::string third = CreateTranscript("ana", "three");
  CreateTranscript("ben", "bens");

  auto response = Get("/v1/transcripts?size=2", "ana");
  ASSERT_EQ(response.status, 200) << response.body;
  Json page = BodyJson(response);
  EXPECT_EQ(Keys(page), (std::set<std::string>{"items", "total", "page", "size", "pages"}));
  EXPECT_EQ(page["total"], 3);
  EXPECT_EQ(page["page"], 1);
  EXPECT_EQ(page["size"], 2);
  EXPECT_EQ(page["pages"], 2);
  ASSERT_EQ(page["items"].size(), 2U);
  EXPECT_EQ(page["items"][0]["id"], third);
  EXPECT_EQ(Keys(page["items"][0]), kMinimalKeys);  // list items carry no participants

  Json second = BodyJson(Get("/v1/transcripts?size=2&page=2", "ana"));
  ASSERT_EQ(second["items"].size(), 1U);
  EXPECT_EQ(second["items"][0]["id"], first);
  EXPECT_EQ(second["page"], 2);

  Json bens = BodyJson(Get("/v1/transcripts", "ben"));
  EXPECT_EQ(bens["total"], 1);
  EXPECT_EQ(bens["size"], 50);
  EXPECT_EQ(bens["items"][0]["name"], "bens");
}

TEST_F(TranscriptsTest, ListFiltersByTitleAndKind) {
  const std::string id = CreateTranscript("ana", "a");
  CreateTranscript("ana", "b");
  ASSERT_EQ(SendJson("PATCH", "/v1/transcripts/" + id, Json{{"title", "Quarterly Budget"}}, "ana").status,
            200);
  Json found = BodyJson(Get("/v1/transcripts?search_term=budget", "ana"));
  ASSERT_EQ(found["total"], 1) << found.dump();
  EXPECT_EQ(found["items"][0]["id"], id);
  EXPECT_EQ(BodyJson(Get("/v1/transcripts?source_kind=file", "ana"))["total"], 0);
  EXPECT_EQ(BodyJson(Get("/v1/transcripts?source_kind=live", "ana"))["total"], 2);
}

TEST_F(TranscriptsTest, DurationsAreMilliseconds) {
  const std::string id = CreateTranscript("ana");
  ASSERT_TRUE(Transcripts().SetDuration(id, 102.5).ok());
  EXPECT_EQ(BodyJson(Get("/v1/transcripts/" + id, "ana"))["duration"], 102500);
  EXPECT_EQ(BodyJson(Get("/v1/transcripts", "ana"))["items"][0]["duration"], 102500);
  EXPECT_EQ(BodyJson(Get("/v1/transcripts/search?q=", "ana"))["results"][0]["duration"], 102500);
}

TEST_F(TranscriptsTest, GetServesEveryTranscriptFormatWithParticipantNames) {
  const std::string id = CreateTranscript("ana");
  SetSampleContent(id);
  const std::string path = "/v1/transcripts/" + id;

  Json text = BodyJson(Get(path, "ana"));  // text is the default
  EXPECT_EQ(text["transcript_format"], "text");
  EXPECT_EQ(text["transcript"], "Ana: Hello everyone.\nBen: Hi Ana.\nAna: Budget is approved.\nBen: Great.");
  ASSERT_EQ(text["participants"].size(), 2U);
  EXPECT_EQ(text["participants"][1],
            (Json{{"id", "p-ben"}, {"speaker", 1}, {"name", "Ben"}, {"user_id", nullptr}}));

  Json timestamped = BodyJson(Get(path + "?transcript_format=text-timestamped", "ana"));
  EXPECT_EQ(timestamped["transcript_format"], "text-timestamped");
  EXPECT_EQ(timestamped["transcript"],
            "[00:00] Ana: Hello everyone.\n[00:02] Ben: Hi Ana.\n[00:05] Ana: Budget is approved.\n"
            "[00:07] Ben: Great.");

  Json webvtt = BodyJson(Get(path + "?transcript_format=webvtt-named", "ana"));
  EXPECT_EQ(webvtt["transcript"],
            "WEBVTT\n\n"
            "00:00:00.500 --> 00:00:01.500\n<v Ana>Hello everyone.\n\n"
            "00:00:02.000 --> 00:00:02.800\n<v Ben>Hi Ana.\n\n"
            "00:00:05.200 --> 00:00:06.800\n<v Ana>Budget is approved.\n\n"
            "00:00:07.200 --> 00:00:08.000\n<v Ben>Great.\n");

  Json json = BodyJson(Get(path + "?transcript_format=json", "ana"));
  EXPECT_EQ(json["transcript_format"], "json");
  ASSERT_TRUE(json["transcript"].is_array());
  ASSERT_EQ(json["transcript"].size(), 4U);
  EXPECT_EQ(json["transcript"][2],
            Json::parse(R"({"speaker":0,"speaker_name":"Ana","text":"Budget is approved.",
                                                   "start":5.2,"end":6.8})"));
  EXPECT_FALSE(json.contains("topics"));  // Reflector returns neither topics nor events here
}

TEST_F(TranscriptsTest, PatchChangesEveryEditableField) {
  const std::string id = CreateTranscript("ana");
  Json patch = {{"name", "Renamed"},
                {"title", "A title"},
                {"short_summary", "Short."},
                {"long_summary", "Long."},
                {"share_mode", "semi-private"},
                {"reviewed", true},
                {"locked", true},
                {"audio_deleted", false},
                {"participants", Json::array({Json{{"id", "p1"}, {"speaker", 3}, {"name", "Cleo"}}})}};
  auto response = SendJson("PATCH", "/v1/transcripts/" + id, patch, "ana");
  ASSERT_EQ(response.status, 200) << response.body;
  for (const Json& body : {BodyJson(response), BodyJson(Get("/v1/transcripts/" + id, "ana"))}) {
    EXPECT_EQ(body["name"], "Renamed");
    EXPECT_EQ(body["title"], "A title");
    EXPECT_EQ(body["short_summary"], "Short.");
    EXPECT_EQ(body["long_summary"], "Long.");
    EXPECT_EQ(body["share_mode"], "semi-private");
    EXPECT_EQ(body["reviewed"], true);
    EXPECT_EQ(body["locked"], true);
    EXPECT_EQ(body["audio_deleted"], false);
    ASSERT_EQ(body["participants"].size(), 1U);
    EXPECT_EQ(body["participants"][0]["name"], "Cleo");
    EXPECT_EQ(body["participants"][0]["speaker"], 3);
  }
  EXPECT_TRUE(Stored(id).title_set_by_user);

  // Fields not sent stay as they are.
  Json unchanged = BodyJson(SendJson("PATCH", "/v1/transcripts/" + id, Json{{"reviewed", false}}, "ana"));
  EXPECT_EQ(unchanged["reviewed"], false);
  EXPECT_EQ(unchanged["title"], "A title");
  EXPECT_EQ(unchanged["share_mode"], "semi-private");
}

TEST_F(TranscriptsTest, SoftDeleteHidesRestoreBringsBackDestroyNeedsTheTrash) {
  const std::string id = CreateTranscript("ana");
  const std::string path = "/v1/transcripts/" + id;

  auto destroy_early = Send("DELETE", path + "/destroy", {}, "ana");
  EXPECT_EQ(destroy_early.status, 400);
  EXPECT_NE(Detail(destroy_early).find("deleted"), std::string::npos) << destroy_early.body;
  auto restore_early = Send("POST", path + "/restore", {}, "ana");
  EXPECT_EQ(restore_early.status, 400);
  EXPECT_EQ(Detail(restore_early), "Transcript is not deleted");

  auto deleted = Send("DELETE", path, {}, "ana");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(BodyJson(deleted), (Json{{"status", "ok"}}));
  EXPECT_EQ(Get(path, "ana").status, 404);
  EXPECT_EQ(Get(path + "/topics", "ana").status, 404);
  EXPECT_EQ(BodyJson(Get("/v1/transcripts", "ana"))["total"], 0);
  EXPECT_EQ(Send("DELETE", path, {}, "ana").status, 404);  // already in the trash
  Json trash = BodyJson(Get("/v1/transcripts/search?q=&include_deleted=true", "ana"));
  ASSERT_EQ(trash["results"].size(), 1U);
  EXPECT_EQ(trash["results"][0]["id"], id);

  ASSERT_EQ(Send("POST", path + "/restore", {}, "ana").status, 200);
  EXPECT_EQ(Get(path, "ana").status, 200);

  ASSERT_EQ(Send("DELETE", path, {}, "ana").status, 200);
  auto destroyed = Send("DELETE", path + "/destroy", {}, "ana");
  ASSERT_EQ(destroyed.status, 200) << destroyed.body;
  EXPECT_EQ(BodyJson(destroyed), (Json{{"status", "ok"}}));
  EXPECT_EQ(Transcripts().Get(id).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(Send("POST", path + "/restore", {}, "ana").status, 404);
  EXPECT_EQ(Send("DELETE", path + "/destroy", {}, "ana").status, 404);
}

TEST_F(TranscriptsTest, SearchResultsAlwaysCarrySnippetsAndMatchCounts) {
  const std::string budget = CreateTranscript("ana", "with words");
  SetSampleContent(budget);
  ASSERT_EQ(SendJson("PATCH", "/v1/transcripts/" + budget, Json{{"long_summary", "The budget was approved."}},
                     "ana")
                .status,
            200);
  const std::string other = CreateTranscript("ana", "empty");

  auto response = Get("/v1/transcripts/search?q=approved", "ana");
  ASSERT_EQ(response.status, 200) << response.body;
  Json found = BodyJson(response);
  EXPECT_EQ(found["total"], 1);
  EXPECT_EQ(found["query"], "approved");
  EXPECT_EQ(found["limit"], 20);
  EXPECT_EQ(found["offset"], 0);
  ASSERT_EQ(found["results"].size(), 1U);
  const Json& hit = found["results"][0];
  EXPECT_EQ(Keys(hit), (std::set<std::string>{"id", "title", "user_id", "room_id", "room_name", "source_kind",
                                              "created_at", "status", "rank", "duration", "search_snippets",
                                              "total_match_count", "change_seq"}));
  EXPECT_EQ(hit["id"], budget);
  ASSERT_TRUE(hit["search_snippets"].is_array());
  ASSERT_FALSE(hit["search_snippets"].empty());
  EXPECT_NE(hit["search_snippets"][0].get<std::string>().find("approved"), std::string::npos) << hit.dump();
  EXPECT_GE(hit["total_match_count"].get<int>(), 1);
  EXPECT_GE(hit["rank"].get<double>(), 0.0);
  EXPECT_LE(hit["rank"].get<double>(), 1.0);
  EXPECT_EQ(hit["duration"], nullptr);  // no duration yet

  // The frontend's list page: an empty query lists everything, snippets still an array.
  Json all = BodyJson(Get("/v1/transcripts/search?q=&limit=20&offset=0", "ana"));
  EXPECT_EQ(all["total"], 2);
  EXPECT_EQ(all["query"], nullptr);
  for (const auto& result : all["results"]) {
    EXPECT_EQ(result["search_snippets"], Json::array()) << result.dump();
    EXPECT_EQ(result["total_match_count"], 0);
  }
  Json window = BodyJson(Get("/v1/transcripts/search?q=&limit=1&offset=1", "ana"));
  EXPECT_EQ(window["total"], 2);
  ASSERT_EQ(window["results"].size(), 1U);
  EXPECT_EQ(window["results"][0]["id"], budget);  // newest first: `other`, then `budget`
  EXPECT_NE(other, budget);

  EXPECT_EQ(BodyJson(Get("/v1/transcripts/search?q=&to=2000-01-01T00:00:00Z", "ana"))["total"], 0);
  EXPECT_EQ(BodyJson(Get("/v1/transcripts/search?q=&from=2000-01-01T00:00:00%2B02:00", "ana"))["total"], 2);
  EXPECT_EQ(BodyJson(Get("/v1/transcripts/search?q=approved", "ben"))["total"], 0);  // not ben's
}

}  // namespace
}  // namespace reflector::api::testing
