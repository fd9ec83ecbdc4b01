// The repository suite, continued: listing (Transcripts::Query) and searching
// (Transcripts::Search) transcripts. Run on both backends like repository_suite.cpp.

#include <gmock/gmock.h>

#include <vector>

#include "repository_suite.hpp"
#include "store/rooms.hpp"
#include "store/sql.hpp"
#include "store/transcripts.hpp"

namespace reflector::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Transcript Owned(std::string id, std::optional<std::string> user_id) {
  Transcript t;
  t.id = std::move(id);
  t.name = "Meeting " + t.id;
  t.user_id = std::move(user_id);
  return t;
}

std::vector<std::string> IdsOf(const std::vector<Transcript>& items) {
  std::vector<std::string> ids;
  for (const Transcript& t : items)
    ids.push_back(t.id);
  return ids;
}

std::vector<std::string> IdsOf(const std::vector<SearchHit>& hits) {
  std::vector<std::string> ids;
  for (const SearchHit& hit : hits)
    ids.push_back(hit.transcript.id);
  return ids;
}

std::string WebVtt(std::string_view text) {
  return "WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n<v Speaker0>" + std::string(text) + "\n";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Query

TEST_P(RepositoryTest, QueryScopesFiltersAndPages) {
  Transcripts transcripts(*db_, clock_);
  Rooms rooms(*db_, clock_);
  Room shared;
  shared.id = "room-shared";
  shared.name = "shared";
  shared.is_shared = true;
  ASSERT_OK(rooms.Create(shared));
  Room closed;
  closed.id = "room-closed";
  closed.name = "closed";
  ASSERT_OK(rooms.Create(closed));

  auto add = [&](std::string id, std::optional<std::string> user, std::optional<std::string> room,
                 std::string kind, std::string title) {
    Transcript t = Owned(std::move(id), std::move(user));
    t.room_id = std::move(room);
    t.source_kind = std::move(kind);
    t.title = std::move(title);
    ASSERT_OK(transcripts.Create(t));
    clock_.Advance(std::chrono::seconds(1));
  };
  add("a1", "alice", std::nullopt, "file", "Budget 2026");
  add("b1", "bob", "room-shared", "room", "Bob in the shared room");
  add("b2", "bob", "room-closed", "room", "Bob alone");
  add("a2", "alice", "room-closed", "room", "100% done_now");
  add("anon", std::nullopt, std::nullopt, "live", "Anonymous budget");
  ASSERT_OK(transcripts.SoftDelete("a1"));

  auto query = [&](TranscriptQuery q) {
    auto page = transcripts.Query(q);
    EXPECT_TRUE(page.ok()) << page.error().Describe();
    return page.ok() ? *page : TranscriptPage{};
  };
  TranscriptQuery alice{.scope = {.user_id = "alice", .shared_rooms = true}};
  TranscriptPage mine = query(alice);
  EXPECT_THAT(IdsOf(mine.items), ElementsAre("a2", "b1"));
  EXPECT_EQ(mine.total, 2);
  EXPECT_THAT(IdsOf(query({.scope = {.user_id = "alice"}}).items), ElementsAre("a2"));
  EXPECT_THAT(IdsOf(query({.scope = {.shared_rooms = true}}).items), ElementsAre("b1"));
  EXPECT_THAT(IdsOf(query({}).items), ElementsAre("anon", "a2", "b2", "b1"));

  EXPECT_THAT(IdsOf(query({.source_kind = "room"}).items), ElementsAre("a2", "b2", "b1"));
  EXPECT_THAT(IdsOf(query({.room_id = "room-closed"}).items), ElementsAre("a2", "b2"));
  EXPECT_THAT(IdsOf(query({.search_term = "BUDGET"}).items), ElementsAre("anon"));
  EXPECT_THAT(IdsOf(query({.search_term = "%"}).items), ElementsAre("a2"));  // literal, not a wildcard
  EXPECT_THAT(IdsOf(query({.search_term = "o_e"}).items), ElementsAre());    // "one", "done" as a wildcard
  EXPECT_THAT(IdsOf(query({.search_term = "done_"}).items), ElementsAre("a2"));

  EXPECT_THAT(IdsOf(query({.scope = {.user_id = "alice"}, .deleted = DeletedTranscripts::kOnly}).items),
              ElementsAre("a1"));
  EXPECT_THAT(IdsOf(query({.scope = {.user_id = "alice"}, .deleted = DeletedTranscripts::kInclude}).items),
              ElementsAre("a2", "a1"));

  // Incremental ingestion: everything changed after a known change_seq, oldest change first.
  ASSERT_OK_AND_ASSIGN(Transcript b2, transcripts.Get("b2"));
  ASSERT_OK(transcripts.SetDuration("b1", 9));
  TranscriptPage changed = query({.change_seq_from = b2.change_seq,
                                  .deleted = DeletedTranscripts::kInclude,
                                  .sort = TranscriptSort::kChangeSeqAsc});
  EXPECT_THAT(IdsOf(changed.items), ElementsAre("a2", "anon", "a1", "b1"));

  TranscriptPage first = query({.page = 1, .size = 3});
  EXPECT_THAT(IdsOf(first.items), ElementsAre("anon", "a2", "b2"));
  EXPECT_EQ(first.total, 4);
  TranscriptPage second = query({.page = 2, .size = 3});
  EXPECT_THAT(IdsOf(second.items), ElementsAre("b1"));
  EXPECT_EQ(second.total, 4);
  EXPECT_TRUE(query({.page = 3, .size = 3}).items.empty());

  auto invalid = [&](const TranscriptQuery& bad, std::string_view field) {
    auto result = transcripts.Query(bad);
    ASSERT_FALSE(result.ok()) << field;
    EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
    EXPECT_THAT(result.error().message, HasSubstr(field));
  };
  invalid({.page = 0}, "page");
  invalid({.size = 0}, "size");
  invalid({.source_kind = "podcast"}, "source_kind");
  auto bad_size = transcripts.Query({.size = 500});
  ASSERT_FALSE(bad_size.ok());
  EXPECT_THAT(bad_size.error().message, HasSubstr("size"));
}

TEST_P(RepositoryTest, QueryRowsLeaveHeavyColumnsOut) {
  Transcripts transcripts(*db_, clock_);
  Transcript t = Owned("t", "u");
  t.topics = Json::parse(R"([{"id":"x","title":"T","words":[{"text":"hi"}]}])");
  t.webvtt = WebVtt("hi");
  t.participants = Json::parse(R"([{"id":"p","speaker":0,"name":"Ann"}])");
  ASSERT_OK(transcripts.Create(t));
  ASSERT_OK_AND_ASSIGN(TranscriptPage page, transcripts.Query({}));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].topics, Json::array());
  EXPECT_FALSE(page.items[0].webvtt.has_value());
  EXPECT_EQ(page.items[0].search_text, "");
  EXPECT_EQ(page.items[0].participants, t.participants);
  EXPECT_EQ(page.items[0].name, t.name);
}

// ---------------------------------------------------------------------------------------------
// Search

class SearchFixture {
 public:
  SearchFixture(Database& db, ManualClock& clock) : transcripts_(db, clock), clock_(clock) {}

  void Add(std::string id, std::optional<std::string> user, std::string title, std::string long_summary,
           std::string text, std::string kind = "file") {
    Transcript t = Owned(std::move(id), std::move(user));
    t.title = std::move(title);
    if (!long_summary.empty()) t.long_summary = std::move(long_summary);
    t.webvtt = WebVtt(text);
    t.source_kind = std::move(kind);
    ASSERT_OK(transcripts_.Create(t));
    clock_.Advance(std::chrono::seconds(10));
  }

  Transcripts transcripts_;
  ManualClock& clock_;
};

TEST_P(RepositoryTest, SearchNeedsEveryWordAndRanksTitleAndSummaryMatchesFirst) {
  SearchFixture f(*db_, clock_);
  f.Add("text-only", "u", "Weekly sync", "", "we talked about the budget and the roadmap");
  f.Add("title", "u", "Budget ROADMAP", "", "nothing relevant here");
  f.Add("half", "u", "Budget review", "A long summary.", "and the roadmap was discussed, roadmap again");
  f.Add("one-word", "u", "Budget only", "", "no second word");

  ASSERT_OK_AND_ASSIGN(SearchResults found, f.transcripts_.Search({.q = "budget Roadmap"}));
  EXPECT_EQ(found.total, 3);
  ASSERT_THAT(IdsOf(found.results), ElementsAre("title", "half", "text-only"));
  EXPECT_DOUBLE_EQ(found.results[0].rank, 1.0);
  EXPECT_DOUBLE_EQ(found.results[1].rank, 0.5);
  EXPECT_DOUBLE_EQ(found.results[2].rank, 0.0);
  for (const SearchHit& hit : found.results) {
    EXPECT_GE(hit.rank, 0.0);
    EXPECT_LE(hit.rank, 1.0);
  }

  const SearchHit& half = found.results[1];
  EXPECT_EQ(half.total_match_count, 2);  // "roadmap" twice in the text
  ASSERT_EQ(half.search_snippets.size(), 1u);
  EXPECT_THAT(half.search_snippets[0], HasSubstr("roadmap"));
  const SearchHit& text_only = found.results[2];
  EXPECT_EQ(text_only.total_match_count, 2);
  ASSERT_EQ(text_only.search_snippets.size(), 1u);
  EXPECT_EQ(text_only.search_snippets[0], "we talked about the budget and the roadmap");
  EXPECT_TRUE(found.results[0].search_snippets.empty());  // matched in the title only
  EXPECT_EQ(found.results[0].transcript.topics, Json::array());
  EXPECT_FALSE(found.results[0].transcript.webvtt.has_value());

  ASSERT_OK_AND_ASSIGN(SearchResults none, f.transcripts_.Search({.q = "budget absentword"}));
  EXPECT_EQ(none.total, 0);
  EXPECT_TRUE(none.results.empty());
}

TEST_P(RepositoryTest, SearchSnippetsComeFromTheSummaryThenTheText) {
  SearchFixture f(*db_, clock_);
  std::string text;
  for (int i = 0; i < 5; ++i)
    text += "Budget talk number " + std::to_string(i) + " " + std::string(150, 'x') + " ";
  f.Add("t", "u", "Title", "The budget grew. " + std::string(150, 'y') + " The budget shrank.", text);
  ASSERT_OK_AND_ASSIGN(SearchResults found, f.transcripts_.Search({.q = "BUDGET"}));
  ASSERT_EQ(found.results.size(), 1u);
  const SearchHit& hit = found.results[0];
  ASSERT_EQ(hit.search_snippets.size(), kMaxSearchSnippets);
  EXPECT_THAT(hit.search_snippets[0], HasSubstr("The budget grew."));
  EXPECT_THAT(hit.search_snippets[1], HasSubstr("The budget shrank."));
  EXPECT_THAT(hit.search_snippets[2], HasSubstr("Budget talk number 0"));
  EXPECT_EQ(hit.total_match_count, 5);
  EXPECT_DOUBLE_EQ(hit.rank, 1.0);
}

TEST_P(RepositoryTest, SearchTreatsLikeWildcardsInTheQueryLiterally) {
  SearchFixture f(*db_, clock_);
  f.Add("percent", "u", "Sale", "", "prices are 50% lower");
  f.Add("plain", "u", "Sale", "", "prices are 50 lower and some_thing else");
  ASSERT_OK_AND_ASSIGN(SearchResults percent, f.transcripts_.Search({.q = "50%"}));
  EXPECT_THAT(IdsOf(percent.results), ElementsAre("percent"));
  ASSERT_OK_AND_ASSIGN(SearchResults underscore,
                       f.transcripts_.Search({.q = "s_l"}));  // "sale" as a wildcard
  EXPECT_TRUE(underscore.results.empty());
  ASSERT_OK_AND_ASSIGN(SearchResults literal, f.transcripts_.Search({.q = "some_thing"}));
  EXPECT_THAT(IdsOf(literal.results), ElementsAre("plain"));
  ASSERT_OK_AND_ASSIGN(SearchResults bang, f.transcripts_.Search({.q = "!"}));
  EXPECT_TRUE(bang.results.empty());
}

TEST_P(RepositoryTest, SearchWithEmptyQueryListsNewestFirstWithoutSnippets) {
  SearchFixture f(*db_, clock_);
  f.Add("old", "u", "Budget", "budget", "budget");
  f.Add("new", "u", "Other", "", "text");
  ASSERT_OK_AND_ASSIGN(SearchResults all, f.transcripts_.Search({.q = "  "}));
  EXPECT_EQ(all.total, 2);
  ASSERT_THAT(IdsOf(all.results), ElementsAre("new", "old"));
  for (const SearchHit& hit : all.results) {
    EXPECT_TRUE(hit.search_snippets.empty());
    EXPECT_EQ(hit.total_match_count, 0);
    EXPECT_DOUBLE_EQ(hit.rank, 1.0);
  }
}

TEST_P(RepositoryTest, SearchFiltersScopeAndPages) {
  Rooms rooms(*db_, clock_);
  Room shared;
  shared.id = "room-s";
  shared.name = "Shared room";
  shared.is_shared = true;
  ASSERT_OK(rooms.Create(shared));
  SearchFixture f(*db_, clock_);
  const double start = sql::ToSeconds(clock_.Now());
  f.Add("a-file", "alice", "plan A", "", "the plan");
  f.Add("a-live", "alice", "plan B", "", "the plan", "live");
  f.Add("bob", "bob", "plan C", "", "the plan");
  {
    Transcript in_room = Owned("bob-shared", "bob");
    in_room.title = "plan D";
    in_room.room_id = "room-s";
    in_room.source_kind = "room";
    ASSERT_OK(f.transcripts_.Create(in_room));
  }
  ASSERT_OK(f.transcripts_.SoftDelete("bob"));

  auto ids = [&](TranscriptSearch search) {
    auto found = f.transcripts_.Search(search);
    EXPECT_TRUE(found.ok()) << found.error().Describe();
    return found.ok() ? IdsOf(found->results) : std::vector<std::string>{};
  };
  const TranscriptScope alice{.user_id = "alice", .shared_rooms = true};
  EXPECT_THAT(ids({.q = "plan", .scope = alice}), ElementsAre("bob-shared", "a-live", "a-file"));
  EXPECT_THAT(ids({.q = "plan", .scope = {.user_id = "alice"}}), ElementsAre("a-live", "a-file"));
  EXPECT_THAT(ids({.q = "plan"}), ElementsAre("bob-shared", "a-live", "a-file"));
  EXPECT_THAT(ids({.q = "plan", .room_id = "room-s"}), ElementsAre("bob-shared"));
  EXPECT_THAT(ids({.q = "plan", .source_kind = "live"}), ElementsAre("a-live"));
  EXPECT_THAT(ids({.q = "plan", .from = start + 5, .to = start + 15}), ElementsAre("a-live"));
  EXPECT_THAT(ids({.q = "", .scope = {.user_id = "bob"}, .include_deleted = true}), ElementsAre("bob"));
  EXPECT_THAT(ids({.q = "plan", .scope = {.user_id = "alice"}, .include_deleted = true}), ElementsAre());

  ASSERT_OK_AND_ASSIGN(SearchResults hit, f.transcripts_.Search({.q = "plan", .room_id = "room-s"}));
  ASSERT_EQ(hit.results.size(), 1u);
  EXPECT_EQ(hit.results[0].room_name, "Shared room");
  ASSERT_OK_AND_ASSIGN(SearchResults window, f.transcripts_.Search({.q = "plan", .limit = 2, .offset = 1}));
  EXPECT_EQ(window.total, 3);
  EXPECT_THAT(IdsOf(window.results), ElementsAre("a-live", "a-file"));
  EXPECT_FALSE(window.results[0].room_name.has_value());

  auto invalid = [&](const TranscriptSearch& bad, std::string_view field) {
    auto result = f.transcripts_.Search(bad);
    ASSERT_FALSE(result.ok()) << field;
    EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
    EXPECT_THAT(result.error().message, HasSubstr(field));
  };
  invalid({.limit = 0}, "limit");
  invalid({.limit = 101}, "limit");
  invalid({.offset = -1}, "offset");
  invalid({.source_kind = "tv"}, "source_kind");
  invalid({.from = 10.0, .to = 5.0}, "from");
  invalid({.include_deleted = true}, "include_deleted");
  std::string many_words;
  for (std::size_t i = 0; i <= kMaxSearchWords; ++i)
    many_words += "w" + std::to_string(i) + " ";
  invalid({.q = many_words}, "q ");
}

TEST_P(RepositoryTest, SearchReadsWebVttOfRowsWithoutSearchText) {
  Transcripts transcripts(*db_, clock_);
  Transcript t = Owned("legacy", "u");
  t.webvtt = WebVtt("an old recording about the harbour");
  ASSERT_OK(transcripts.Create(t));
  ASSERT_OK(db_->WithSession("forget search_text", [](Session& session) -> Status {
    sql::Exec(session, "UPDATE transcripts SET search_text = NULL");
    return Ok();
  }));
  ASSERT_OK_AND_ASSIGN(SearchResults found, transcripts.Search({.q = "harbour"}));
  ASSERT_EQ(found.results.size(), 1u);
  EXPECT_EQ(found.results[0].total_match_count, 1);
  ASSERT_EQ(found.results[0].search_snippets.size(), 1u);
  EXPECT_EQ(found.results[0].search_snippets[0], "an old recording about the harbour");
}

}  // namespace reflector::store::testing
