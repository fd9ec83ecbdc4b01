#include "repository_suite.hpp"

#include <gmock/gmock.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "store/migrations.hpp"
#include "store/recordings.hpp"
#include "store/rooms.hpp"
#include "store/sql.hpp"
#include "store/task_cache.hpp"
#include "store/transcripts.hpp"

namespace reflector::store::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kSecondsAtStart = 56.0 * 365 * 24 * 3600;  // ManualClock's default start

template <typename T>
std::optional<ErrorKind> KindOf(const Result<T>& result) {
  if (result.ok()) return std::nullopt;
  return result.error().kind;
}

Room NamedRoom(std::string id, std::string name) {
  Room room;
  room.id = std::move(id);
  room.name = std::move(name);
  return room;
}

Transcript SampleTranscript(std::string id) {
  Transcript t;
  t.id = std::move(id);
  t.name = "Weekly planning";
  return t;
}

}  // namespace

void RepositoryTest::SetUp() {
  fresh_ = FreshDatabase::Create(GetParam());
  ASSERT_NE(fresh_, nullptr);
  ASSERT_OK_AND_ASSIGN(db_, Database::Open(fresh_->url()));
  ASSERT_OK(db_->Migrate(clock_));
}

// ---------------------------------------------------------------------------------------------
// Migrations

TEST_P(RepositoryTest, MigrationsStartFromZeroAndAreIdempotent) {
  auto other = FreshDatabase::Create(GetParam());
  ASSERT_NE(other, nullptr);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(other->url()));
  ASSERT_OK_AND_ASSIGN(std::int64_t before, db->SchemaVersion());
  EXPECT_EQ(before, 0);

  ASSERT_OK(db->Migrate(clock_));
  ASSERT_OK(db->Migrate(clock_));
  ASSERT_OK_AND_ASSIGN(std::int64_t after, db->SchemaVersion());
  EXPECT_EQ(after, Migrations().back().version);

  // A second Database on the same data (as a second process would be) finds nothing to do.
  ASSERT_OK_AND_ASSIGN(auto second, Database::Open(other->url()));
  ASSERT_OK(second->Migrate(clock_));

  std::int64_t rows = 0;
  ASSERT_OK(db->WithSession("count migrations", [&](Session& session) -> Status {
    sql::Row row("schema_migrations");
    row.Integer(&rows);
    REFLECTOR_TRY(sql::QueryOne(session, "SELECT COUNT(*) FROM schema_migrations", {}, row));
    return Ok();
  }));
  EXPECT_EQ(rows, static_cast<std::int64_t>(Migrations().size()));
}

TEST_P(RepositoryTest, MigrationVersionsAscendWithoutGaps) {
  std::int64_t expected = 1;
  for (const Migration& migration : Migrations()) {
    EXPECT_EQ(migration.version, expected++);
    EXPECT_FALSE(migration.statements.empty());
  }
}

// ---------------------------------------------------------------------------------------------
// Transcripts

TEST_P(RepositoryTest, TranscriptRoundTripKeepsEveryField) {
  Transcripts transcripts(*db_, clock_);
  Transcript t = SampleTranscript("t-1");
  t.status = TranscriptStatus::kUploaded;
  t.title = "Budget review";
  t.title_set_by_user = true;
  t.short_summary = "short";
  t.long_summary = "# Quick recap\nlong";
  t.duration = 1234.5;
  t.source_language = "fr";
  t.target_language = "de";
  t.participants = Json::parse(R"([{"id":"p1","speaker":0,"name":"Alice","user_id":null}])");
  t.topics = Json::parse(
      R"([{"id":"x","title":"Intro","summary":"s","timestamp":1.25,"duration":3.5,"words_key":"k"}])");
  t.webvtt = "WEBVTT\n\n00:00:01.250 --> 00:00:04.750\n<v Speaker0>hello";
  t.audio_location = "storage";
  t.audio_deleted = false;
  t.zulip_message_id = "42";
  t.user_id = "user-1";
  t.room_id = "room-1";
  t.meeting_id = "meeting-1";
  t.recording_id = "rec-1";
  t.source_kind = "room";
  t.current_step = "pad_track";
  t.failed_step = "mixdown_tracks";
  t.failure_reason = "disk full";
  t.workflow_id = "wf-1";
  t.engine = "conductor";
  ASSERT_OK_AND_ASSIGN(Transcript created, transcripts.Create(t));
  EXPECT_DOUBLE_EQ(created.created_at, kSecondsAtStart);
  EXPECT_DOUBLE_EQ(created.updated_at, kSecondsAtStart);

  ASSERT_OK_AND_ASSIGN(Transcript got, transcripts.Get("t-1"));
  EXPECT_EQ(got.id, "t-1");
  EXPECT_EQ(got.name, t.name);
  EXPECT_EQ(got.status, TranscriptStatus::kUploaded);
  EXPECT_EQ(got.title, t.title);
  EXPECT_TRUE(got.title_set_by_user);
  EXPECT_EQ(got.short_summary, t.short_summary);
  EXPECT_EQ(got.long_summary, t.long_summary);
  EXPECT_DOUBLE_EQ(got.duration, 1234.5);
  EXPECT_EQ(got.source_language, "fr");
  EXPECT_EQ(got.target_language, "de");
  EXPECT_EQ(got.participants, t.participants);
  EXPECT_EQ(got.topics, t.topics);
  EXPECT_EQ(got.webvtt, t.webvtt);
  EXPECT_EQ(got.audio_location, "storage");
  EXPECT_EQ(got.audio_deleted, std::optional<bool>(false));
  EXPECT_EQ(got.zulip_message_id, t.zulip_message_id);
  EXPECT_EQ(got.user_id, t.user_id);
  EXPECT_EQ(got.room_id, t.room_id);
  EXPECT_EQ(got.meeting_id, t.meeting_id);
  EXPECT_EQ(got.recording_id, t.recording_id);
  EXPECT_EQ(got.source_kind, "room");
  EXPECT_EQ(got.current_step, t.current_step);
  EXPECT_EQ(got.failed_step, t.failed_step);
  EXPECT_EQ(got.failure_reason, t.failure_reason);
  EXPECT_EQ(got.workflow_id, t.workflow_id);
  EXPECT_EQ(got.engine, t.engine);
  EXPECT_DOUBLE_EQ(got.created_at, kSecondsAtStart);
  EXPECT_DOUBLE_EQ(got.updated_at, kSecondsAtStart);
}

TEST_P(RepositoryTest, TranscriptDefaultsRoundTripAsEmpty) {
  Transcripts transcripts(*db_, clock_);
  ASSERT_OK(transcripts.Create(SampleTranscript("t-min")));
  ASSERT_OK_AND_ASSIGN(Transcript got, transcripts.Get("t-min"));
  EXPECT_EQ(got.status, TranscriptStatus::kIdle);
  EXPECT_FALSE(got.title.has_value());
  EXPECT_FALSE(got.title_set_by_user);
  EXPECT_FALSE(got.audio_deleted.has_value());
  EXPECT_FALSE(got.zulip_message_id.has_value());
  EXPECT_FALSE(got.webvtt.has_value());
  EXPECT_EQ(got.participants, Json::array());
  EXPECT_EQ(got.topics, Json::array());
  EXPECT_DOUBLE_EQ(got.duration, 0.0);
}

TEST_P(RepositoryTest, UnknownTranscriptIsNotFoundNamingTheId) {
  Transcripts transcripts(*db_, clock_);
  auto got = transcripts.Get("no-such-transcript");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(got.error().retryable);
  EXPECT_THAT(got.error().message, HasSubstr("no-such-transcript"));

  for (Status status :
       {transcripts.SetDuration("ghost-1", 3.0), transcripts.SetTopics("ghost-1", Json::array(), ""),
        transcripts.ResetForRerun("ghost-1"), transcripts.Remove("ghost-1")}) {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().kind, ErrorKind::kNotFound);
    EXPECT_THAT(status.error().message, HasSubstr("ghost-1"));
  }
  auto status = transcripts.SetStatus("ghost-2", TranscriptStatus::kEnded);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(status.error().message, HasSubstr("ghost-2"));
  auto title = transcripts.SetTitle("ghost-3", "x", TitleSource::kGenerated);
  ASSERT_FALSE(title.ok());
  EXPECT_EQ(title.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(title.error().message, HasSubstr("ghost-3"));
}

TEST_P(RepositoryTest, DuplicateTranscriptIdIsTerminalConflict) {
  Transcripts transcripts(*db_, clock_);
  ASSERT_OK(transcripts.Create(SampleTranscript("dup")));
  auto again = transcripts.Create(SampleTranscript("dup"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
  EXPECT_FALSE(again.error().retryable);
  EXPECT_THAT(again.error().message, HasSubstr("dup"));
}

TEST_P(RepositoryTest, InvalidTranscriptInputIsRejectedBeforeTheDatabase) {
  Transcripts transcripts(*db_, clock_);
  Transcript bad = SampleTranscript("bad");
  bad.topics = Json::object();
  auto created = transcripts.Create(bad);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(created.error().message, HasSubstr("topics"));
  EXPECT_FALSE(transcripts.Create(SampleTranscript("")).ok());
}

TEST_P(RepositoryTest, TranscriptsListNewestFirstWithLimit) {
  Transcripts transcripts(*db_, clock_);
  for (const char* id : {"a", "b", "c"}) {
    ASSERT_OK(transcripts.Create(SampleTranscript(id)));
    clock_.Advance(std::chrono::seconds(1));
  }
  ASSERT_OK_AND_ASSIGN(auto all, transcripts.List());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "c");
  EXPECT_EQ(all[1].id, "b");
  EXPECT_EQ(all[2].id, "a");
  ASSERT_OK_AND_ASSIGN(auto two, transcripts.List(2));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].id, "c");
  EXPECT_EQ(two[1].id, "b");
}

TEST_P(RepositoryTest, FieldGroupUpdatesWriteOnlyTheirFields) {
  Transcripts transcripts(*db_, clock_);
  ASSERT_OK(transcripts.Create(SampleTranscript("t")));
  clock_.Advance(std::chrono::seconds(10));

  const Json participants = Json::parse(R"([{"id":"p","speaker":1,"name":"Bob","user_id":"u-2"}])");
  const Json topics =
      Json::parse(R"([{"id":"t1","title":"A","summary":"B","timestamp":0.5,"duration":2,"words":[]}])");
  ASSERT_OK(transcripts.SetSummaries("t", "long text", "short text"));
  ASSERT_OK(transcripts.SetDuration("t", 61.25));
  ASSERT_OK(transcripts.SetParticipants("t", participants));
  ASSERT_OK(transcripts.SetTopics("t", topics, "WEBVTT"));
  ASSERT_OK(transcripts.SetAudioLocation("t", "storage"));
  ASSERT_OK(transcripts.SetAudioDeleted("t", true));
  ASSERT_OK(transcripts.SetZulipMessageId("t", "777"));
  ASSERT_OK(transcripts.SetFailure("t", "detect_topics", "LLM unreachable"));
  ASSERT_OK(transcripts.SetCurrentStep("t", "generate_title"));
  ASSERT_OK(transcripts.SetWorkflow("t", "wf-9", "in_process"));

  ASSERT_OK_AND_ASSIGN(Transcript got, transcripts.Get("t"));
  EXPECT_EQ(got.long_summary, "long text");
  EXPECT_EQ(got.short_summary, "short text");
  EXPECT_DOUBLE_EQ(got.duration, 61.25);
  EXPECT_EQ(got.participants, participants);
  EXPECT_EQ(got.topics, topics);
  EXPECT_EQ(got.webvtt, "WEBVTT");
  EXPECT_EQ(got.audio_location, "storage");
  EXPECT_EQ(got.audio_deleted, std::optional<bool>(true));
  EXPECT_EQ(got.zulip_message_id, "777");
  EXPECT_EQ(got.failed_step, "detect_topics");
  EXPECT_EQ(got.failure_reason, "LLM unreachable");
  EXPECT_EQ(got.current_step, "generate_title");
  EXPECT_EQ(got.workflow_id, "wf-9");
  EXPECT_EQ(got.engine, "in_process");
  EXPECT_EQ(got.name, "Weekly planning");
  EXPECT_EQ(got.status, TranscriptStatus::kIdle);
  EXPECT_DOUBLE_EQ(got.created_at, kSecondsAtStart);
  EXPECT_DOUBLE_EQ(got.updated_at, kSecondsAtStart + 10);

  // Nullable fields can be cleared again.
  ASSERT_OK(transcripts.SetAudioDeleted("t", std::nullopt));
  ASSERT_OK(transcripts.SetZulipMessageId("t", std::nullopt));
  ASSERT_OK(transcripts.SetCurrentStep("t", std::nullopt));
  ASSERT_OK_AND_ASSIGN(Transcript cleared, transcripts.Get("t"));
  EXPECT_FALSE(cleared.audio_deleted.has_value());
  EXPECT_FALSE(cleared.zulip_message_id.has_value());
  EXPECT_FALSE(cleared.current_step.has_value());

  auto bad = transcripts.SetParticipants("t", Json::object());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
}

TEST_P(RepositoryTest, StatusChangesOnlyWhenDifferentAndEachChangeIsOneEvent) {
  Transcripts transcripts(*db_, clock_);
  TranscriptEvents events(*db_, clock_);
  ASSERT_OK(transcripts.Create(SampleTranscript("t")));

  ASSERT_OK_AND_ASSIGN(StatusChange first, transcripts.SetStatus("t", TranscriptStatus::kProcessing));
  EXPECT_TRUE(first.changed);
  EXPECT_EQ(first.event_seq, 1);
  ASSERT_OK_AND_ASSIGN(StatusChange same, transcripts.SetStatus("t", TranscriptStatus::kProcessing));
  EXPECT_FALSE(same.changed);
  EXPECT_EQ(same.event_seq, 0);
  ASSERT_OK_AND_ASSIGN(StatusChange ended, transcripts.SetStatus("t", TranscriptStatus::kEnded));
  EXPECT_TRUE(ended.changed);
  EXPECT_EQ(ended.event_seq, 2);

  ASSERT_OK_AND_ASSIGN(Transcript got, transcripts.Get("t"));
  EXPECT_EQ(got.status, TranscriptStatus::kEnded);
  ASSERT_OK_AND_ASSIGN(auto log, events.List("t"));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].event, "STATUS");
  EXPECT_EQ(log[0].data, Json({{"value", "processing"}}));
  EXPECT_EQ(log[1].event, "STATUS");
  EXPECT_EQ(log[1].data, Json({{"value", "ended"}}));
}

TEST_P(RepositoryTest, GeneratedTitleNeverReplacesHandSetTitle) {
  Transcripts transcripts(*db_, clock_);
  ASSERT_OK(transcripts.Create(SampleTranscript("t")));
  ASSERT_OK_AND_ASSIGN(bool generated, transcripts.SetTitle("t", "Generated", TitleSource::kGenerated));
  EXPECT_TRUE(generated);
  ASSERT_OK_AND_ASSIGN(bool by_user, transcripts.SetTitle("t", "Mine", TitleSource::kUser));
  EXPECT_TRUE(by_user);
  ASSERT_OK_AND_ASSIGN(bool again, transcripts.SetTitle("t", "Generated 2", TitleSource::kGenerated));
  EXPECT_FALSE(again);
  ASSERT_OK_AND_ASSIGN(Transcript got, transcripts.Get("t"));
  EXPECT_EQ(got.title, "Mine");
  EXPECT_TRUE(got.title_set_by_user);
}

TEST_P(RepositoryTest, ResetForRerunClearsResultsButKeepsHandSetTitle) {
  Transcripts transcripts(*db_, clock_);
  TranscriptEvents events(*db_, clock_);
  for (const char* id : {"hand", "generated"}) {
    ASSERT_OK(transcripts.Create(SampleTranscript(id)));
    ASSERT_OK(transcripts.SetParticipants(
        id, Json::parse(R"([{"id":"p","speaker":0,"name":"A","user_id":null}])")));
    ASSERT_OK(transcripts.SetTopics(id, Json::parse(R"([{"id":"t","title":"T"}])"), "WEBVTT"));
    ASSERT_OK(transcripts.SetSummaries(id, "long", "short"));
    ASSERT_OK(transcripts.SetFailure(id, "detect_topics", "boom"));
    ASSERT_OK(transcripts.SetDuration(id, 12.0));
    ASSERT_OK(transcripts.SetZulipMessageId(id, "99"));
    ASSERT_OK(transcripts.SetStatus(id, TranscriptStatus::kError));
    ASSERT_OK(events.Append(id, "DURATION", Json{{"duration", 12.0}}));
  }
  ASSERT_OK(transcripts.SetTitle("hand", "Hand-set", TitleSource::kUser));
  ASSERT_OK(transcripts.SetTitle("generated", "Generated", TitleSource::kGenerated));

  for (const char* id : {"hand", "generated"}) {
    ASSERT_OK(transcripts.ResetForRerun(id));
    ASSERT_OK_AND_ASSIGN(Transcript got, transcripts.Get(id));
    EXPECT_EQ(got.participants, Json::array()) << id;
    EXPECT_EQ(got.topics, Json::array()) << id;
    EXPECT_FALSE(got.webvtt.has_value()) << id;
    EXPECT_FALSE(got.long_summary.has_value()) << id;
    EXPECT_FALSE(got.short_summary.has_value()) << id;
    EXPECT_FALSE(got.failed_step.has_value()) << id;
    EXPECT_FALSE(got.failure_reason.has_value()) << id;
    EXPECT_DOUBLE_EQ(got.duration, 12.0) << id;
    EXPECT_EQ(got.zulip_message_id, "99") << id;
    ASSERT_OK_AND_ASSIGN(auto log, events.List(id));
    EXPECT_TRUE(log.empty()) << id;
    // Sequence numbers are not reused after the reset.
    ASSERT_OK_AND_ASSIGN(std::int64_t seq, events.Append(id, "STATUS", Json{{"value", "processing"}}));
    EXPECT_EQ(seq, 3) << id;
  }
  ASSERT_OK_AND_ASSIGN(Transcript hand, transcripts.Get("hand"));
  EXPECT_EQ(hand.title, "Hand-set");
  EXPECT_TRUE(hand.title_set_by_user);
  ASSERT_OK_AND_ASSIGN(Transcript generated, transcripts.Get("generated"));
  EXPECT_FALSE(generated.title.has_value());
}

TEST_P(RepositoryTest, RemoveDeletesTranscriptAndEvents) {
  Transcripts transcripts(*db_, clock_);
  TranscriptEvents events(*db_, clock_);
  ASSERT_OK(transcripts.Create(SampleTranscript("t")));
  ASSERT_OK(events.Append("t", "DURATION", Json{{"duration", 1.0}}));
  ASSERT_OK(transcripts.Remove("t"));
  EXPECT_EQ(KindOf(transcripts.Get("t")), ErrorKind::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto log, events.List("t"));
  EXPECT_TRUE(log.empty());
}

// ---------------------------------------------------------------------------------------------
// Events

TEST_P(RepositoryTest, EventsAppendListAfterSeqAndClear) {
  Transcripts transcripts(*db_, clock_);
  TranscriptEvents events(*db_, clock_);
  ASSERT_OK(transcripts.Create(SampleTranscript("t")));
  ASSERT_OK(transcripts.Create(SampleTranscript("other")));

  const Json waveform = Json{{"waveform", {0.0, 0.5, 1.0}}};
  const Json progress = Json::parse(
      R"({"workflow_id":"wf","current_step":"transcribe_track","step_index":5,"total_steps":14,"step_status":"in_progress","track_index":1,"track_count":2})");
  ASSERT_OK_AND_ASSIGN(std::int64_t s1, events.Append("t", "DURATION", Json{{"duration", 3.5}}));
  clock_.Advance(std::chrono::milliseconds(250));
  ASSERT_OK_AND_ASSIGN(std::int64_t s2, events.Append("t", "WAVEFORM", waveform));
  ASSERT_OK_AND_ASSIGN(std::int64_t s3, events.Append("t", "PIPELINE_PROGRESS", progress));
  ASSERT_OK_AND_ASSIGN(std::int64_t other, events.Append("other", "DURATION", Json{{"duration", 1}}));
  EXPECT_EQ(s1, 1);
  EXPECT_EQ(s2, 2);
  EXPECT_EQ(s3, 3);
  EXPECT_EQ(other, 1);  // numbering is per transcript

  ASSERT_OK_AND_ASSIGN(auto all, events.List("t"));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].transcript_id, "t");
  EXPECT_EQ(all[0].event, "DURATION");
  EXPECT_DOUBLE_EQ(all[0].created_at, kSecondsAtStart);
  EXPECT_EQ(all[1].data, waveform);
  EXPECT_DOUBLE_EQ(all[1].created_at, kSecondsAtStart + 0.25);
  EXPECT_EQ(all[2].data, progress);

  ASSERT_OK_AND_ASSIGN(auto after, events.List("t", 1));
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].seq, 2);
  EXPECT_EQ(after[1].seq, 3);
  ASSERT_OK_AND_ASSIGN(auto limited, events.List("t", 0, 1));
  ASSERT_EQ(limited.size(), 1u);
  EXPECT_EQ(limited[0].seq, 1);

  ASSERT_OK(events.Clear("t"));
  ASSERT_OK_AND_ASSIGN(auto cleared, events.List("t"));
  EXPECT_TRUE(cleared.empty());
  ASSERT_OK_AND_ASSIGN(auto untouched, events.List("other"));
  EXPECT_EQ(untouched.size(), 1u);

  auto missing = events.Append("ghost-events", "DURATION", Json::object());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("ghost-events"));
}

TEST_P(RepositoryTest, ConcurrentAppendsGetContiguousUniqueSequenceNumbers) {
  Transcripts transcripts(*db_, clock_);
  ASSERT_OK(transcripts.Create(SampleTranscript("busy")));
  // Two Database objects with separate connection pools stand in for two processes.
  ASSERT_OK_AND_ASSIGN(auto second, Database::Open(fresh_->url()));

  constexpr int kThreads = 4;
  constexpr int kAppendsPerThread = 50;
  std::vector<std::vector<std::int64_t>> seqs(kThreads);
  std::vector<std::string> failures(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        TranscriptEvents events(i % 2 == 0 ? *db_ : *second, clock_);
        for (int n = 0; n < kAppendsPerThread; ++n) {
          auto seq = events.Append("busy", "TOPIC", Json{{"thread", i}, {"n", n}});
          if (!seq.ok()) {
            failures[i] = seq.error().Describe();
            return;
          }
          seqs[i].push_back(seq.value());
        }
      });
    }
  }
  for (const std::string& failure : failures)
    ASSERT_EQ(failure, "");

  std::set<std::int64_t> all;
  for (const auto& own : seqs) {
    EXPECT_TRUE(std::is_sorted(own.begin(), own.end()));
    all.insert(own.begin(), own.end());
  }
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kAppendsPerThread));  // no duplicates
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kAppendsPerThread);  // no gaps

  TranscriptEvents events(*db_, clock_);
  ASSERT_OK_AND_ASSIGN(auto log, events.List("busy"));
  ASSERT_EQ(log.size(), static_cast<std::size_t>(kThreads * kAppendsPerThread));
  std::vector<int> next(kThreads, 0);
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].seq, static_cast<std::int64_t>(i + 1));
    // Each thread's events appear in the order that thread appended them.
    const int thread = log[i].data.at("thread").get<int>();
    EXPECT_EQ(log[i].data.at("n").get<int>(), next[thread]++);
  }
}

// ---------------------------------------------------------------------------------------------
// Recordings, rooms, meetings, consent

TEST_P(RepositoryTest, RecordingRoundTripAndWorkflowIdLookup) {
  Recordings recordings(*db_, clock_);
  Recording multitrack;
  multitrack.id = "rec-1";
  multitrack.bucket_name = "daily-bucket";
  multitrack.object_key = "room/20260312143001";
  multitrack.recorded_at = 1773325801.5;
  multitrack.meeting_id = "m-1";
  multitrack.track_keys =
      Json::array({"room/20260312143001/1-a-cam-audio-2", "room/20260312143001/1-b-cam-audio-3"});
  ASSERT_OK(recordings.Create(multitrack));
  Recording empty_multitrack = multitrack;
  empty_multitrack.id = "rec-2";
  empty_multitrack.track_keys = Json::array();
  ASSERT_OK(recordings.Create(empty_multitrack));
  Recording single = multitrack;
  single.id = "rec-3";
  single.track_keys.reset();
  single.meeting_id.reset();
  ASSERT_OK(recordings.Create(single));

  ASSERT_OK_AND_ASSIGN(Recording got, recordings.Get("rec-1"));
  EXPECT_EQ(got.bucket_name, "daily-bucket");
  EXPECT_EQ(got.object_key, multitrack.object_key);
  EXPECT_DOUBLE_EQ(got.recorded_at, 1773325801.5);
  EXPECT_EQ(got.status, "pending");
  EXPECT_EQ(got.meeting_id, "m-1");
  EXPECT_EQ(got.track_keys, multitrack.track_keys);
  EXPECT_FALSE(got.workflow_id.has_value());
  EXPECT_DOUBLE_EQ(got.created_at, kSecondsAtStart);
  ASSERT_OK_AND_ASSIGN(Recording got_empty, recordings.Get("rec-2"));
  EXPECT_EQ(got_empty.track_keys, std::optional<Json>(Json::array()));
  ASSERT_OK_AND_ASSIGN(Recording got_single, recordings.Get("rec-3"));
  EXPECT_FALSE(got_single.track_keys.has_value());
  EXPECT_FALSE(got_single.meeting_id.has_value());

  ASSERT_OK(recordings.SetWorkflowId("rec-2", "wf-abc"));
  ASSERT_OK_AND_ASSIGN(auto found, recordings.FindByWorkflowId("wf-abc"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, "rec-2");
  ASSERT_OK_AND_ASSIGN(auto none, recordings.FindByWorkflowId("wf-unknown"));
  EXPECT_FALSE(none.has_value());

  auto missing = recordings.Get("rec-404");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("rec-404"));
  auto missing_set = recordings.SetWorkflowId("rec-405", "wf");
  ASSERT_FALSE(missing_set.ok());
  EXPECT_EQ(missing_set.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(missing_set.error().message, HasSubstr("rec-405"));
}

TEST_P(RepositoryTest, RoomRoundTripAndUniqueName) {
  Rooms rooms(*db_, clock_);
  Room room;
  room.id = "room-1";
  room.name = "planning";
  room.user_id = "owner";
  room.zulip_auto_post = true;
  room.zulip_stream = "meetings";
  room.zulip_topic = "planning";
  room.webhook_url = "https://example.test/hook";
  room.webhook_secret = "s3cret";
  room.platform = "daily";
  ASSERT_OK(rooms.Create(room));
  Room other;
  other.id = "room-2";
  other.name = "all-hands";
  ASSERT_OK(rooms.Create(other));

  ASSERT_OK_AND_ASSIGN(Room got, rooms.Get("room-1"));
  EXPECT_EQ(got.name, "planning");
  EXPECT_EQ(got.user_id, "owner");
  EXPECT_TRUE(got.zulip_auto_post);
  EXPECT_EQ(got.zulip_stream, "meetings");
  EXPECT_EQ(got.zulip_topic, "planning");
  EXPECT_EQ(got.webhook_url, "https://example.test/hook");
  EXPECT_EQ(got.webhook_secret, "s3cret");
  EXPECT_EQ(got.platform, "daily");
  ASSERT_OK_AND_ASSIGN(Room by_name, rooms.GetByName("all-hands"));
  EXPECT_EQ(by_name.id, "room-2");
  EXPECT_FALSE(by_name.zulip_auto_post);
  EXPECT_FALSE(by_name.user_id.has_value());

  Room clash;
  clash.id = "room-3";
  clash.name = "planning";
  clash.webhook_secret = "do-not-log-me";
  auto duplicate = rooms.Create(clash);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().kind, ErrorKind::kConflict);
  EXPECT_FALSE(duplicate.error().retryable);
  EXPECT_THAT(duplicate.error().message, HasSubstr("planning"));
  EXPECT_THAT(duplicate.error().message, Not(HasSubstr("do-not-log-me")));  // bound values stay out

  ASSERT_OK_AND_ASSIGN(auto list, rooms.List());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "all-hands");
  EXPECT_EQ(list[1].name, "planning");

  auto missing = rooms.GetByName("nowhere");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("nowhere"));
  auto missing_id = rooms.Get("room-404");
  ASSERT_FALSE(missing_id.ok());
  EXPECT_THAT(missing_id.error().message, HasSubstr("room-404"));
}

TEST_P(RepositoryTest, MeetingRoundTripAndConsentDenial) {
  Meetings meetings(*db_, clock_);
  MeetingConsents consents(*db_);
  Meeting meeting;
  meeting.id = "m-1";
  meeting.room_name = "planning";
  meeting.room_id = "room-1";
  meeting.calendar_event_id = "cal-1";
  ASSERT_OK(meetings.Create(meeting));
  ASSERT_OK_AND_ASSIGN(Meeting got, meetings.Get("m-1"));
  EXPECT_EQ(got.room_name, "planning");
  EXPECT_EQ(got.room_id, "room-1");
  EXPECT_EQ(got.calendar_event_id, "cal-1");
  EXPECT_EQ(got.platform, "daily");
  auto missing = meetings.Get("m-404");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("m-404"));

  ASSERT_OK_AND_ASSIGN(bool denied_before, consents.HasAnyDenial("m-1"));
  EXPECT_FALSE(denied_before);
  ASSERT_OK(consents.Add({"c-1", "m-1", "alice", true, 100.0}));
  ASSERT_OK_AND_ASSIGN(bool still_given, consents.HasAnyDenial("m-1"));
  EXPECT_FALSE(still_given);
  ASSERT_OK(consents.Add({"c-2", "m-1", std::nullopt, false, 101.5}));
  ASSERT_OK_AND_ASSIGN(bool denied, consents.HasAnyDenial("m-1"));
  EXPECT_TRUE(denied);

  ASSERT_OK_AND_ASSIGN(auto list, consents.List("m-1"));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "c-1");
  EXPECT_EQ(list[0].user_id, "alice");
  EXPECT_TRUE(list[0].consent_given);
  EXPECT_DOUBLE_EQ(list[0].consent_timestamp, 100.0);
  EXPECT_EQ(list[1].id, "c-2");
  EXPECT_FALSE(list[1].user_id.has_value());
  EXPECT_FALSE(list[1].consent_given);

  auto orphan = consents.Add({"c-3", "m-unknown", "bob", true, 1.0});
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().kind, ErrorKind::kConflict);
  EXPECT_THAT(orphan.error().message, HasSubstr("m-unknown"));
}

// ---------------------------------------------------------------------------------------------
// Result cache

TEST_P(RepositoryTest, TaskCachePutIsAnUpsert) {
  TaskCache cache(*db_, clock_);
  ASSERT_OK_AND_ASSIGN(auto absent, cache.Get("hash-1"));
  EXPECT_FALSE(absent.has_value());

  const Json words = Json::parse(R"({"words":[{"text":"hello","start":0.5,"end":0.9,"speaker":0}]})");
  ASSERT_OK(cache.Put("hash-1", "transcription", words));
  ASSERT_OK_AND_ASSIGN(auto first, cache.Get("hash-1"));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, "transcription");
  EXPECT_EQ(first->value, words);
  EXPECT_DOUBLE_EQ(first->created_at, kSecondsAtStart);

  clock_.Advance(std::chrono::seconds(5));
  ASSERT_OK(cache.Put("hash-1", "llm", Json{{"title", "Budget"}}));
  ASSERT_OK_AND_ASSIGN(auto second, cache.Get("hash-1"));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->kind, "llm");
  EXPECT_EQ(second->value, Json({{"title", "Budget"}}));
  EXPECT_DOUBLE_EQ(second->created_at, kSecondsAtStart + 5);
}

// ---------------------------------------------------------------------------------------------
// Transactions

TEST_P(RepositoryTest, TransactionCommitsAllOrNothing) {
  Status failed = db_->WithTransaction("create two and fail", [&](Session& session) -> Status {
    Transcripts transcripts(session, clock_);
    Rooms rooms(session, clock_);
    REFLECTOR_TRY(transcripts.Create(SampleTranscript("in-tx")));
    REFLECTOR_TRY(rooms.Create(NamedRoom("r-tx", "tx-room")));
    return Error::Internal("changed my mind");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.error().message, HasSubstr("changed my mind"));
  Transcripts transcripts(*db_, clock_);
  Rooms rooms(*db_, clock_);
  EXPECT_EQ(KindOf(transcripts.Get("in-tx")), ErrorKind::kNotFound);
  EXPECT_EQ(KindOf(rooms.GetByName("tx-room")), ErrorKind::kNotFound);

  ASSERT_OK(db_->WithTransaction("create two", [&](Session& session) -> Status {
    Transcripts in_tx(session, clock_);
    TranscriptEvents events(session, clock_);
    REFLECTOR_TRY(in_tx.Create(SampleTranscript("in-tx")));
    REFLECTOR_TRY(in_tx.SetStatus("in-tx", TranscriptStatus::kProcessing));  // nested transaction joins
    REFLECTOR_TRY(events.Append("in-tx", "DURATION", Json{{"duration", 2}}));
    return Ok();
  }));
  ASSERT_OK_AND_ASSIGN(Transcript committed, transcripts.Get("in-tx"));
  EXPECT_EQ(committed.status, TranscriptStatus::kProcessing);
  TranscriptEvents events(*db_, clock_);
  ASSERT_OK_AND_ASSIGN(auto log, events.List("in-tx"));
  EXPECT_EQ(log.size(), 2u);
}

TEST_P(RepositoryTest, IgnoredStatementErrorStillRollsBackTheTransaction) {
  Rooms rooms(*db_, clock_);
  ASSERT_OK(rooms.Create(NamedRoom("r-1", "taken")));
  Status status = db_->WithTransaction("swallow an error", [&](Session& session) -> Status {
    Rooms in_tx(session, clock_);
    REFLECTOR_TRY(in_tx.Create(NamedRoom("r-2", "fresh")));
    auto clash = in_tx.Create(NamedRoom("r-3", "taken"));
    EXPECT_FALSE(clash.ok());
    return Ok();  // the caller ignores the failure; the transaction must not commit anyway
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(KindOf(rooms.GetByName("fresh")), ErrorKind::kNotFound);
  // The session went back to the pool in a usable state.
  ASSERT_OK(rooms.Create(NamedRoom("r-4", "after")));
}

}  // namespace reflector::store::testing
