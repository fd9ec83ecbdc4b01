// What the API answers to bad requests and to callers who may not see or change a transcript:
// 400 with a detail naming the field, 401 with WWW-Authenticate, 403 and 404 (reflector-api.md
// "Transcript access rules").

#include "api_fixture.hpp"

namespace reflector::api::testing {
namespace {

using RequestErrorsTest = ApiFixture;
using LocalOwnerTest = LocalOwnerFixture;

// A 400 whose detail mentions `field`.
void ExpectFieldError(const net::HttpResponse& response, std::string_view field) {
  EXPECT_EQ(response.status, 400) << response.body;
  EXPECT_NE(Detail(response).find(field), std::string::npos)
      << "detail should name " << field << ": " << response.body;
}

TEST_F(RequestErrorsTest, BadJsonAndWrongFieldTypesNameTheField) {
  auto json = [this](std::string method, std::string path, std::string body) {
    return Send(std::move(method), path, std::move(body), "ana", {{"Content-Type", "application/json"}});
  };
  ExpectFieldError(json("POST", "/v1/transcripts", "{not json"), "body");
  ExpectFieldError(json("POST", "/v1/transcripts", "[1, 2]"), "body");
  ExpectFieldError(json("POST", "/v1/transcripts", R"({"name": 5})"), "name");
  ExpectFieldError(json("POST", "/v1/transcripts", R"({})"), "name");
  ExpectFieldError(json("POST", "/v1/transcripts", R"({"name": "x", "source_kind": "tape"})"), "source_kind");

  const std::string path = "/v1/transcripts/" + CreateTranscript("ana");
  ExpectFieldError(json("PATCH", path, R"({"reviewed": "yes"})"), "reviewed");
  ExpectFieldError(json("PATCH", path, R"({"title": ["a"]})"), "title");
  ExpectFieldError(json("PATCH", path, R"({"locked": 1})"), "locked");
  ExpectFieldError(json("PATCH", path, R"({"participants": {"a": 1}})"), "participants");
  ExpectFieldError(json("PATCH", path, R"({"share_mode": "everyone"})"), "share_mode");
  ExpectFieldError(json("PATCH", path, ""), "body");
  ExpectFieldError(json("POST", path + "/participants", R"({"name": "Ana", "speaker": "zero"})"), "speaker");
  ExpectFieldError(
      json("PATCH", path + "/speaker/assign", R"({"speaker": 1, "timestamp_from": "0", "timestamp_to": 1})"),
      "timestamp_from");
  ExpectFieldError(json("POST", "/v1/rooms", R"({"name": "r", "is_shared": "no"})"), "is_shared");
  // Nothing was changed by the refused requests.
  EXPECT_FALSE(Stored(path.substr(std::string("/v1/transcripts/").size())).reviewed);
}

TEST_F(RequestErrorsTest, BadQueryParametersNameTheParameter) {
  const std::string id = CreateTranscript("ana");
  ExpectFieldError(Get("/v1/transcripts?page=0", "ana"), "page");
  ExpectFieldError(Get("/v1/transcripts?size=1000", "ana"), "size");
  ExpectFieldError(Get("/v1/transcripts?size=ten", "ana"), "size");
  ExpectFieldError(Get("/v1/transcripts?source_kind=tape", "ana"), "source_kind");
  ExpectFieldError(Get("/v1/transcripts?sort_by=name", "ana"), "sort_by");
  ExpectFieldError(Get("/v1/transcripts?change_seq_from=-1", "ana"), "change_seq_from");
  ExpectFieldError(Get("/v1/transcripts/search", "ana"), "q");
  ExpectFieldError(Get("/v1/transcripts/search?q=x&limit=abc", "ana"), "limit");
  ExpectFieldError(Get("/v1/transcripts/search?q=x&limit=0", "ana"), "limit");
  ExpectFieldError(Get("/v1/transcripts/search?q=x&offset=-3", "ana"), "offset");
  ExpectFieldError(Get("/v1/transcripts/search?q=x&from=yesterday", "ana"), "from");
  ExpectFieldError(Get("/v1/transcripts/search?q=x&from=2026-03-12T14:30:00", "ana"), "from");  // no zone
  ExpectFieldError(Get("/v1/transcripts/search?q=x&from=2026-03-12T00:00:00Z&to=2026-03-11T00:00:00Z", "ana"),
                   "from");
  ExpectFieldError(Get("/v1/transcripts/search?q=x&include_deleted=maybe", "ana"), "include_deleted");
  std::string many_words = "w";
  for (int i = 0; i < 30; ++i)
    many_words += "+w" + std::to_string(i);
  ExpectFieldError(Get("/v1/transcripts/search?q=" + many_words, "ana"), "q");
  ExpectFieldError(Get("/v1/transcripts/" + id + "?transcript_format=pdf", "ana"), "transcript_format");
  ExpectFieldError(Get("/v1/rooms?size=101", "ana"), "size");
  // The trash is a signed-in user's own.
  auto trash = Get("/v1/transcripts/search?q=&include_deleted=true");
  EXPECT_EQ(trash.status, 401);
  EXPECT_EQ(trash.Header("WWW-Authenticate").value_or(""), "Bearer");
}

TEST_F(RequestErrorsTest, UnknownTranscriptIsNotFoundEverywhere) {
  const std::string path = "/v1/transcripts/00000000-0000-4000-8000-000000000000";
  for (const auto& [method, suffix] :
       std::vector<std::pair<std::string, std::string>>{{"GET", ""},
                                                        {"PATCH", ""},
                                                        {"DELETE", ""},
                                                        {"GET", "/topics"},
                                                        {"GET", "/topics/with-words"},
                                                        {"GET", "/participants"},
                                                        {"GET", "/audio/mp3"},
                                                        {"GET", "/audio/waveform"},
                                                        {"POST", "/process"},
                                                        {"POST", "/restore"}}) {
    auto response = Send(method, path + suffix, "{}", "ana", {{"Content-Type", "application/json"}});
    EXPECT_EQ(response.status, 404) << method << " " << suffix << ": " << response.body;
    EXPECT_EQ(Detail(response), "Transcript not found") << method << " " << suffix;
  }
  auto unrouted = Get("/v1/no-such-thing", "ana");
  EXPECT_EQ(unrouted.status, 404);
  EXPECT_FALSE(Detail(unrouted).empty());
  auto wrong_method = Send("PUT", "/v1/transcripts", "", "ana");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_TRUE(wrong_method.Header("Allow").has_value());
}

TEST_F(RequestErrorsTest, PrivateTranscriptsAreTheOwnersOnly) {
  const std::string id = CreateTranscript("ana");
  SetSampleContent(id);
  const std::string path = "/v1/transcripts/" + id;
  EXPECT_EQ(Get(path, "ana").status, 200);
  for (const std::string suffix : {"", "/topics", "/topics/with-words", "/participants", "/audio/waveform"}) {
    EXPECT_EQ(Get(path + suffix, "ben").status, 403) << suffix;
    EXPECT_EQ(Get(path + suffix).status, 403) << suffix;
  }
  EXPECT_EQ(SendJson("PATCH", path, Json{{"title", "mine now"}}, "ben").status, 403);
  EXPECT_EQ(Send("DELETE", path, {}, "ben").status, 403);
  EXPECT_EQ(SendJson("POST", path + "/participants", Json{{"name", "Eve"}}, "ben").status, 403);
  EXPECT_EQ(Stored(id).title, std::nullopt);
  EXPECT_EQ(Stored(id).deleted_at, std::nullopt);
  // Not in the other user's list or search either.
  EXPECT_EQ(BodyJson(Get("/v1/transcripts", "ben"))["total"], 0);
  EXPECT_EQ(BodyJson(Get("/v1/transcripts/search?q=budget", "ben"))["total"], 0);
}

TEST_F(RequestErrorsTest, SemiPrivateIsForSignedInUsersPublicForEveryone) {
  const std::string id = CreateTranscript("ana");
  const std::string path = "/v1/transcripts/" + id;
  SetShareMode(id, "semi-private");
  EXPECT_EQ(Get(path, "ben").status, 200);
  auto anonymous = Get(path);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Header("WWW-Authenticate").value_or(""), "Bearer");
  EXPECT_EQ(SendJson("PATCH", path, Json{{"title", "x"}}, "ben").status, 403);  // reading is not changing

  SetShareMode(id, "public");
  EXPECT_EQ(Get(path).status, 200);
  EXPECT_EQ(Get(path + "/topics").status, 200);
  EXPECT_EQ(Get(path, "ben").status, 200);
  auto anonymous_change = SendJson("PATCH", path, Json{{"title", "x"}});
  EXPECT_EQ(anonymous_change.status, 401);
  EXPECT_EQ(anonymous_change.Header("WWW-Authenticate").value_or(""), "Bearer");
}

TEST_F(RequestErrorsTest, AnonymousTranscriptsAreReadableByAnyone) {
  const std::string id = StoreOwnerlessTranscript("no owner");
  EXPECT_EQ(Stored(id).user_id, std::nullopt);
  SetSampleContent(id);
  for (const std::string user : {"", "ana", "ben"}) {
    EXPECT_EQ(Get("/v1/transcripts/" + id, user).status, 200) << user;
    EXPECT_EQ(Get("/v1/transcripts/" + id + "/topics", user).status, 200) << user;
  }
  // Changing them is for nobody (Reflector: PATCH/DELETE are owner only).
  EXPECT_EQ(SendJson("PATCH", "/v1/transcripts/" + id, Json{{"title", "x"}}, "ben").status, 403);
  EXPECT_EQ(Send("DELETE", "/v1/transcripts/" + id, {}).status, 401);
}

TEST_F(RequestErrorsTest, BadCredentialsAre401WithWwwAuthenticate) {
  const std::string id = CreateTranscript("ana");
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/v1/transcripts"},
                                                        {"GET", "/v1/transcripts/search?q="},
                                                        {"POST", "/v1/transcripts"},
                                                        {"GET", "/v1/transcripts/" + id},
                                                        {"PATCH", "/v1/transcripts/" + id},
                                                        {"GET", "/v1/transcripts/" + id + "/audio/mp3"},
                                                        {"GET", "/v1/rooms"},
                                                        {"GET", "/v1/me"},
                                                        {"GET", "/v1/user/api-keys"},
                                                        {"POST", "/v1/user/api-keys"}}) {
    auto response = Send(method, path, "{}", kInvalidUser, {{"Content-Type", "application/json"}});
    EXPECT_EQ(response.status, 401) << method << " " << path << ": " << response.body;
    EXPECT_EQ(response.Header("WWW-Authenticate").value_or(""), "Bearer") << method << " " << path;
    EXPECT_FALSE(Detail(response).empty()) << method << " " << path;
  }
  // A header that is not a bearer token is refused the same way.
  auto basic = Send("GET", "/v1/transcripts/" + id, {}, {}, {{"Authorization", "Basic YTpi"}});
  EXPECT_EQ(basic.status, 401);
  EXPECT_EQ(basic.Header("WWW-Authenticate").value_or(""), "Bearer");
}

TEST_F(LocalOwnerTest, TheLocalOwnerOwnsEverything) {
  // A transcript another process stored for some user is still the local owner's.
  store::Transcript foreign;
  foreign.id = ids_.NewId();
  foreign.name = "from elsewhere";
  foreign.user_id = "someone-else";
  ASSERT_TRUE(Transcripts().Create(foreign).ok());
  EXPECT_EQ(Get("/v1/transcripts/" + foreign.id).status, 200);
  EXPECT_EQ(SendJson("PATCH", "/v1/transcripts/" + foreign.id, Json{{"title", "mine"}}).status, 200);
  EXPECT_EQ(BodyJson(Get("/v1/transcripts"))["total"], 1);

  const std::string id = CreateTranscript();
  EXPECT_EQ(Stored(id).user_id, "local");
  EXPECT_EQ(BodyJson(Get("/v1/me")), (Json{{"sub", "local"}, {"email", nullptr}}));
  EXPECT_EQ(Send("DELETE", "/v1/transcripts/" + id).status, 200);
  EXPECT_EQ(Send("POST", "/v1/transcripts/" + id + "/restore").status, 200);
  EXPECT_EQ(SendJson("POST", "/v1/rooms", Json{{"name", "local-room"}}).status, 200);
}

}  // namespace
}  // namespace reflector::api::testing
