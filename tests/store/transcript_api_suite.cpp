// The repository suite, continued: the transcript fields and calls the HTTP API uses (patch,
// trash, change_seq, search_text). Run on both backends like repository_suite.cpp.

#include <gmock/gmock.h>

#include <set>
#include <thread>
#include <vector>

#include "repository_suite.hpp"
#include "store/migrations.hpp"
#include "store/recordings.hpp"
#include "store/sql.hpp"
#include "store/transcripts.hpp"

namespace reflector::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

template <typename T>
std::optional<ErrorKind> KindOf(const Result<T>& result) {
  if (result.ok()) return std::nullopt;
  return result.error().kind;
}

Transcript Owned(std::string id, std::optional<std::string> user_id) {
  Transcript t;
  t.id = std::move(id);
  t.name = "Meeting " + t.id;
  t.user_id = std::move(user_id);
  return t;
}

std::string WebVtt(std::string_view text) {
  return "WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n<v Speaker0>" + std::string(text) + "\n";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Fields, patch, trash, change_seq

TEST_P(RepositoryTest, ApiFieldsRoundTripWithReflectorDefaults) {
  Transcripts transcripts(*db_, clock_);
  ASSERT_OK_AND_ASSIGN(Transcript plain, transcripts.Create(Owned("plain", std::nullopt)));
  EXPECT_EQ(plain.share_mode, "private");
  EXPECT_FALSE(plain.reviewed);
  EXPECT_FALSE(plain.locked);
  EXPECT_FALSE(plain.deleted_at.has_value());
  EXPECT_GT(plain.change_seq, 0);
  ASSERT_OK_AND_ASSIGN(Transcript got_plain, transcripts.Get("plain"));
  EXPECT_EQ(got_plain.share_mode, "private");
  EXPECT_EQ(got_plain.change_seq, plain.change_seq);
  EXPECT_EQ(got_plain.search_text, "");

  Transcript custom = Owned("custom", "u-1");
  custom.share_mode = "public";
  custom.reviewed = true;
  custom.locked = true;
  custom.webvtt = WebVtt("hello from the call");
  custom.search_text = "ignored: the store derives it";
  custom.change_seq = 999;
  ASSERT_OK_AND_ASSIGN(Transcript created, transcripts.Create(custom));
  EXPECT_EQ(created.change_seq, plain.change_seq + 1);
  ASSERT_OK_AND_ASSIGN(Transcript got, transcripts.Get("custom"));
  EXPECT_EQ(got.share_mode, "public");
  EXPECT_TRUE(got.reviewed);
  EXPECT_TRUE(got.locked);
  EXPECT_EQ(got.search_text, "hello from the call");
  EXPECT_EQ(got.change_seq, plain.change_seq + 1);

  custom.id = "bad-share";
  custom.share_mode = "everyone";
  auto bad = transcripts.Create(custom);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(bad.error().message, HasSubstr("share_mode"));
}

TEST_P(RepositoryTest, EveryChangeTakesANewChangeSeqButEventsDoNot) {
  Transcripts transcripts(*db_, clock_);
  TranscriptEvents events(*db_, clock_);
  ASSERT_OK(transcripts.Create(Owned("t", "u")));
  ASSERT_OK(transcripts.Create(Owned("other", "u")));
  std::int64_t last = 0;
  auto grew = [&](std::string_view what) {
    auto got = transcripts.Get("t");
    ASSERT_TRUE(got.ok());
    EXPECT_GT(got->change_seq, last) << what;
    last = got->change_seq;
  };
  grew("create");
  ASSERT_OK(transcripts.SetStatus("t", TranscriptStatus::kProcessing));
  grew("status");
  ASSERT_OK(transcripts.SetTitle("t", "Generated", TitleSource::kGenerated));
  grew("title");
  ASSERT_OK(transcripts.SetSummaries("t", "long", "short"));
  grew("summaries");
  ASSERT_OK(transcripts.SetDuration("t", 5));
  grew("duration");
  ASSERT_OK(transcripts.SetParticipants("t", Json::array()));
  grew("participants");
  ASSERT_OK(transcripts.SetTopics("t", Json::array(), WebVtt("words")));
  grew("topics");
  ASSERT_OK(transcripts.SetAudioLocation("t", "storage"));
  grew("audio location");
  ASSERT_OK(transcripts.SetAudioDeleted("t", true));
  grew("audio deleted");
  ASSERT_OK(transcripts.SetZulipMessageId("t", "1"));
  grew("zulip");
  ASSERT_OK(transcripts.SetFailure("t", "step", "why"));
  grew("failure");
  ASSERT_OK(transcripts.SetCurrentStep("t", "step"));
  grew("current step");
  ASSERT_OK(transcripts.SetWorkflow("t", "wf", "in_process"));
  grew("workflow");
  ASSERT_OK(transcripts.ResetForRerun("t"));
  grew("reset");
  ASSERT_OK(transcripts.Update("t", TranscriptPatch{.reviewed = true}));
  grew("update");
  ASSERT_OK(transcripts.SoftDelete("t"));
  grew("soft delete");
  ASSERT_OK(transcripts.Restore("t"));
  grew("restore");

  // Unchanged writes and events leave it alone; the counter is shared by all rows.
  ASSERT_OK(transcripts.SetStatus("t", TranscriptStatus::kProcessing));
  ASSERT_OK(transcripts.SetTitle("t", "Mine", TitleSource::kUser));
  grew("user title");
  ASSERT_OK(transcripts.SetTitle("t", "Generated again", TitleSource::kGenerated));  // refused
  ASSERT_OK(events.Append("t", "DURATION", Json{{"duration", 1}}));
  ASSERT_OK(transcripts.Update("t", TranscriptPatch{}));
  ASSERT_OK_AND_ASSIGN(Transcript same, transcripts.Get("t"));
  EXPECT_EQ(same.change_seq, last);
  ASSERT_OK(transcripts.SetDuration("other", 1));
  ASSERT_OK_AND_ASSIGN(Transcript other, transcripts.Get("other"));
  EXPECT_EQ(other.change_seq, last + 1);
}

TEST_P(RepositoryTest, ConcurrentWritersGetUniqueChangeSeqs) {
  // Two Database objects with separate pools stand in for two processes.
  ASSERT_OK_AND_ASSIGN(auto second, Database::Open(fresh_->url()));
  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 15;
  std::vector<std::string> failures(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        Transcripts transcripts(i % 2 == 0 ? *db_ : *second, clock_);
        const std::string id = "w-" + std::to_string(i);
        if (auto created = transcripts.Create(Owned(id, "u")); !created.ok()) {
          failures[i] = created.error().Describe();
          return;
        }
        for (int n = 0; n < kWritesPerThread; ++n) {
          if (Status s = transcripts.SetDuration(id, n); !s.ok()) {
            failures[i] = s.error().Describe();
            return;
          }
        }
      });
    }
  }
  for (const std::string& failure : failures)
    ASSERT_EQ(failure, "");
  Transcripts transcripts(*db_, clock_);
  std::set<std::int64_t> seqs;
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_OK_AND_ASSIGN(Transcript t, transcripts.Get("w-" + std::to_string(i)));
    seqs.insert(t.change_seq);
  }
  EXPECT_EQ(seqs.size(), static_cast<std::size_t>(kThreads));
  // Every write took one number: the newest row holds the last of them.
  EXPECT_EQ(*seqs.rbegin(), kThreads * (kWritesPerThread + 1));
}

TEST_P(RepositoryTest, UpdateAppliesOnlyTheSetFields) {
  Transcripts transcripts(*db_, clock_);
  Transcript t = Owned("t", "u");
  t.title = "Generated";
  t.short_summary = "old short";
  ASSERT_OK(transcripts.Create(t));
  clock_.Advance(std::chrono::seconds(3));

  TranscriptPatch patch;
  patch.name = "Renamed";
  patch.locked = true;
  patch.title = "Hand-set";
  patch.long_summary = "new long";
  patch.share_mode = "semi-private";
  patch.reviewed = true;
  patch.audio_deleted = true;
  patch.participants = Json::parse(R"([{"id":"p","speaker":0,"name":"Ann"}])");
  ASSERT_OK_AND_ASSIGN(Transcript updated, transcripts.Update("t", patch));
  EXPECT_EQ(updated.name, "Renamed");
  EXPECT_TRUE(updated.locked);
  EXPECT_EQ(updated.title, "Hand-set");
  EXPECT_TRUE(updated.title_set_by_user);
  EXPECT_EQ(updated.short_summary, "old short");
  EXPECT_EQ(updated.long_summary, "new long");
  EXPECT_EQ(updated.share_mode, "semi-private");
  EXPECT_TRUE(updated.reviewed);
  EXPECT_EQ(updated.audio_deleted, std::optional<bool>(true));
  EXPECT_EQ(updated.participants, *patch.participants);
  EXPECT_DOUBLE_EQ(updated.updated_at, updated.created_at + 3);
  ASSERT_OK_AND_ASSIGN(bool replaced, transcripts.SetTitle("t", "Generated 2", TitleSource::kGenerated));
  EXPECT_FALSE(replaced);  // a title set through Update is the user's

  auto bad_mode = transcripts.Update("t", TranscriptPatch{.share_mode = "world"});
  ASSERT_FALSE(bad_mode.ok());
  EXPECT_EQ(bad_mode.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(bad_mode.error().message, HasSubstr("share_mode"));
  auto bad_participants = transcripts.Update("t", TranscriptPatch{.participants = Json::object()});
  EXPECT_EQ(KindOf(bad_participants), ErrorKind::kInvalidInput);
  auto missing = transcripts.Update("ghost-patch", TranscriptPatch{.reviewed = false});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("ghost-patch"));
  EXPECT_EQ(KindOf(transcripts.Update("ghost-patch", TranscriptPatch{})), ErrorKind::kNotFound);
}

TEST_P(RepositoryTest, SoftDeleteRestoreAndDestroy) {
  Transcripts transcripts(*db_, clock_);
  TranscriptEvents events(*db_, clock_);
  ASSERT_OK(transcripts.Create(Owned("t", "u")));
  ASSERT_OK(events.Append("t", "DURATION", Json{{"duration", 1}}));

  auto not_deleted = transcripts.Destroy("t");
  ASSERT_FALSE(not_deleted.ok());
  EXPECT_EQ(not_deleted.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(not_deleted.error().message, HasSubstr("not deleted"));
  auto restore_live = transcripts.Restore("t");
  ASSERT_FALSE(restore_live.ok());
  EXPECT_EQ(restore_live.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(restore_live.error().message, HasSubstr("not deleted"));

  clock_.Advance(std::chrono::seconds(7));
  ASSERT_OK(transcripts.SoftDelete("t"));
  ASSERT_OK_AND_ASSIGN(Transcript trashed, transcripts.Get("t"));  // Get still finds it
  ASSERT_TRUE(trashed.deleted_at.has_value());
  EXPECT_DOUBLE_EQ(*trashed.deleted_at, trashed.created_at + 7);
  auto twice = transcripts.SoftDelete("t");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().kind, ErrorKind::kInvalidInput);

  ASSERT_OK(transcripts.Restore("t"));
  ASSERT_OK_AND_ASSIGN(Transcript restored, transcripts.Get("t"));
  EXPECT_FALSE(restored.deleted_at.has_value());

  ASSERT_OK(transcripts.SoftDelete("t"));
  ASSERT_OK(transcripts.Destroy("t"));
  EXPECT_EQ(KindOf(transcripts.Get("t")), ErrorKind::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto log, events.List("t"));
  EXPECT_TRUE(log.empty());

  for (Status status :
       {transcripts.SoftDelete("ghost-1"), transcripts.Restore("ghost-1"), transcripts.Destroy("ghost-1")}) {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().kind, ErrorKind::kNotFound);
    EXPECT_THAT(status.error().message, HasSubstr("ghost-1"));
  }
}

TEST_P(RepositoryTest, DestroyRemovesTheRecordingOnlyWhenNoOtherTranscriptLinksIt) {
  Transcripts transcripts(*db_, clock_);
  Recordings recordings(*db_, clock_);
  for (const char* id : {"shared", "alone"}) {
    Recording recording;
    recording.id = id;
    recording.bucket_name = "b";
    recording.object_key = std::string("uploads/") + id;
    ASSERT_OK(recordings.Create(recording));
  }
  for (const auto& [transcript, recording] : std::vector<std::pair<std::string, std::string>>{
           {"t-1", "shared"}, {"t-2", "shared"}, {"t-3", "alone"}}) {
    ASSERT_OK(transcripts.Create(Owned(transcript, "u")));
    ASSERT_OK(transcripts.SetRecording(transcript, recording));
    ASSERT_OK(transcripts.SoftDelete(transcript));
  }
  ASSERT_OK(transcripts.Destroy("t-1"));
  EXPECT_TRUE(recordings.Get("shared").ok()) << "t-2 still links it";
  ASSERT_OK(transcripts.Destroy("t-2"));
  EXPECT_EQ(KindOf(recordings.Get("shared")), ErrorKind::kNotFound);
  ASSERT_OK(transcripts.Destroy("t-3"));
  EXPECT_EQ(KindOf(recordings.Get("alone")), ErrorKind::kNotFound);
}

TEST_P(RepositoryTest, SetSourceKindTakesOnlyTheKnownKinds) {
  Transcripts transcripts(*db_, clock_);
  ASSERT_OK(transcripts.Create(Owned("t", "u")));
  ASSERT_OK(transcripts.SetSourceKind("t", "live"));
  ASSERT_OK_AND_ASSIGN(Transcript live, transcripts.Get("t"));
  EXPECT_EQ(live.source_kind, "live");
  auto bad = transcripts.SetSourceKind("t", "tape");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(bad.error().message, HasSubstr("source_kind"));
  Status ghost = transcripts.SetSourceKind("ghost", "file");
  ASSERT_FALSE(ghost.ok());
  EXPECT_EQ(ghost.error().kind, ErrorKind::kNotFound);
}

TEST_P(RepositoryTest, SearchTextFollowsTopicsAndIsClearedForARerun) {
  Transcripts transcripts(*db_, clock_);
  ASSERT_OK(transcripts.Create(Owned("t", "u")));
  const Json topics = Json::parse(R"([{"id":"a","title":"T","transcript":"from the topic"}])");
  ASSERT_OK(transcripts.SetTopics("t", topics, WebVtt("Hello <b>world</b>")));
  ASSERT_OK_AND_ASSIGN(Transcript got, transcripts.Get("t"));
  EXPECT_EQ(got.search_text, "Hello world");
  ASSERT_OK(transcripts.SetTopics("t", topics, "WEBVTT\n"));  // no cue: the topics' texts
  ASSERT_OK_AND_ASSIGN(Transcript from_topics, transcripts.Get("t"));
  EXPECT_EQ(from_topics.search_text, "from the topic");
  ASSERT_OK(transcripts.ResetForRerun("t"));
  ASSERT_OK_AND_ASSIGN(Transcript reset, transcripts.Get("t"));
  EXPECT_EQ(reset.search_text, "");
}

TEST_P(RepositoryTest, MigrationFourNumbersExistingTranscriptsInCreationOrder) {
  auto other = FreshDatabase::Create(GetParam());
  ASSERT_NE(other, nullptr);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(other->url()));
  // Apply migrations 1-3 by hand, add rows as the older program wrote them, then migrate.
  ASSERT_OK(db->WithTransaction("old schema", [&](Session& session) -> Status {
    sql::Exec(session,
              "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at DOUBLE PRECISION)");
    for (const Migration& migration : Migrations()) {
      if (migration.version > 3) break;
      for (std::string_view statement : migration.statements)
        sql::Exec(session, statement);
      sql::Exec(session, "INSERT INTO schema_migrations (version, applied_at) VALUES (:v, 0)",
                sql::Params().Integer(migration.version));
    }
    const std::vector<std::pair<std::string, double>> rows = {
        {"late", 30.0}, {"early", 10.0}, {"b-same", 20.0}, {"a-same", 20.0}};
    for (const auto& [id, created] : rows) {
      sql::Exec(
          session,
          "INSERT INTO transcripts (id, name, status, source_language, target_language, participants, "
          "topics, audio_location, source_kind, created_at, updated_at) VALUES (:id, 'n', 'ended', 'en', "
          "'en', '[]', '[]', 'local', 'file', :created, :updated)",
          sql::Params().Text(id).Real(created).Real(created));
    }
    return Ok();
  }));
  ASSERT_OK(db->Migrate(clock_));
  Transcripts transcripts(*db, clock_);
  std::vector<std::int64_t> seqs;
  for (const char* id : {"early", "a-same", "b-same", "late"}) {
    ASSERT_OK_AND_ASSIGN(Transcript t, transcripts.Get(id));
    seqs.push_back(t.change_seq);
    EXPECT_EQ(t.share_mode, "private");
  }
  EXPECT_THAT(seqs, ElementsAre(1, 2, 3, 4));
  ASSERT_OK_AND_ASSIGN(Transcript fresh, transcripts.Create(Owned("new", "u")));
  EXPECT_EQ(fresh.change_seq, 5);
}

}  // namespace reflector::store::testing
