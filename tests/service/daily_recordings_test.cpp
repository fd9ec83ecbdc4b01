// Daily recordings taken in over a real SQLite database with a scripted engine and the Daily.co
// double: what is stored and started, one transcript and one workflow however often and however
// concurrently a recording is announced, the poller, `process --recording-id`, and the automatic
// re-runs (growing delays, attempts, exactly one taker).

#include "service/daily_recordings.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "fakes/engine_fake.hpp"
#include "platform/daily/daily_client.hpp"
#include "service/daily_poller.hpp"
#include "service/processing.hpp"
#include "storage/factory.hpp"
#include "store/recordings.hpp"
#include "store/rooms.hpp"
#include "support/fake_daily.hpp"
#include "support/temp_dir.hpp"

namespace reflector::service {
namespace {

using namespace std::chrono_literals;
using testing::DailyRecordingJson;
using testing::DailyTrackKey;
using testing::FakeDaily;
using testing::FakeDailyTrack;
using testing::ScriptedEngine;

constexpr const char* kDailyBucket = "reflector-dailyco";
constexpr const char* kRoom = "team-standup-20260312140512";
constexpr const char* kAlice = "7f410ea8-1b82-4bc3-9b3b-2f11d4e72cd5";
constexpr const char* kBob = "98782545-5f4b-45fe-aae6-fddd6052a955";

std::vector<FakeDailyTrack> MeetingTracks(const std::string& room = kRoom) {
  return {{"audio", DailyTrackKey("acme", room, 1773324363412, kAlice, "cam-audio", 1773324363904)},
          {"video", DailyTrackKey("acme", room, 1773324363412, kAlice, "cam-video", 1773324363930)},
          {"audio", DailyTrackKey("acme", room, 1773324363412, kBob, "cam-audio", 1773324371250)},
          {"audio", DailyTrackKey("acme", room, 1773324363412, kBob, "screen-audio", 1773324600118)}};
}

class DailyRecordingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = store::Database::Open("sqlite://" + (dir_ / "db.sqlite3").string());
    ASSERT_TRUE(database.ok()) << database.error().message;
    database_ = std::move(*database);
    ASSERT_TRUE(database_->Migrate(clock_).ok());
    auto storage =
        storage::MakeObjectStoreFactory(StorageBackend::kLocal, {}, dir_ / "storage", http_, clock_);
    ASSERT_TRUE(storage.ok());
    storage_ = std::move(*storage);
    context_.database = database_.get();
    context_.clock = &clock_;
    context_.ids = &ids_;
    context_.storage = storage_.get();
    context_.bucket = "transcripts";
    context_.engine = &engine_;
    context_.pipeline_name = "diarization_pipeline";
    daily_.bucket = kDailyBucket;
    daily_.reprocess_delay = 60s;
    platform::DailyClientOptions options;
    options.api_key = fake_.api_key();
    options.base_url = fake_.BaseUrl();
    client_ = std::make_unique<platform::DailyClient>(options, http_, clock_);
  }

  DailyRecordingAnnouncement Announcement(const std::string& id = "rec-1",
                                          const std::string& by = "webhook") {
    DailyRecordingAnnouncement announcement;
    announcement.recording_id = id;
    announcement.room_name = kRoom;
    announcement.track_keys = {MeetingTracks()[0].s3_key, MeetingTracks()[2].s3_key};
    announcement.announced_by = by;
    return announcement;
  }

  void AddRoom(const std::string& name, const std::string& owner) {
    store::Room room;
    room.id = "room-" + name;
    room.name = name;
    room.user_id = owner;
    room.platform = "daily";
    store::Rooms rooms(*database_, clock_);
    ASSERT_TRUE(rooms.Create(room).ok());
  }

  store::Transcript TranscriptOf(const std::string& id) {
    store::Transcripts transcripts(*database_, clock_);
    auto transcript = transcripts.Get(id);
    EXPECT_TRUE(transcript.ok()) << transcript.error().message;
    return transcript.ok() ? *transcript : store::Transcript{};
  }

  std::size_t TranscriptCount() {
    store::Transcripts transcripts(*database_, clock_);
    return transcripts.List()->size();
  }

  // What a failed run leaves (record_pipeline_failure's writes).
  void FailRun(const std::string& transcript_id, const std::string& step) {
    store::Transcripts transcripts(*database_, clock_);
    ASSERT_TRUE(transcripts.SetFailure(transcript_id, step, "the track is not there yet").ok());
    ASSERT_TRUE(transcripts.SetStatus(transcript_id, store::TranscriptStatus::kError).ok());
  }

  std::size_t Starts() {
    std::lock_guard lock(engine_.mutex);
    return engine_.started.size();
  }

  testing::TempDir dir_{"reflector-daily-service"};
  ManualClock clock_;
  RandomIdGenerator ids_{5};
  net::HttpClient http_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<storage::ObjectStoreFactory> storage_;
  ScriptedEngine engine_;
  ServiceContext context_;
  DailyOptions daily_;
  FakeDaily fake_;
  std::unique_ptr<platform::DailyClient> client_;
};

TEST_F(DailyRecordingsTest, TakesTheRecordingInAndStartsTheDailyPipeline) {
  AddRoom("team-standup", "owner-1");
  auto start = StartDailyRecording(context_, daily_, Announcement());
  ASSERT_TRUE(start.ok()) << start.error().message;
  EXPECT_TRUE(start->started_here);
  EXPECT_FALSE(start->start_error.has_value());
  EXPECT_EQ(start->workflow_id, "wf-1");
  EXPECT_EQ(start->user_id, "owner-1");

  ASSERT_EQ(engine_.started.size(), 1U);
  const Json& input = engine_.started[0].input;
  EXPECT_EQ(input["platform"], "daily");
  EXPECT_EQ(input["recording_id"], "rec-1");
  EXPECT_EQ(input["bucket_name"], kDailyBucket) << "tracks are read from Daily's bucket";
  EXPECT_EQ(input["room_name"], "team-standup");
  EXPECT_EQ(input["room_id"], "room-team-standup");
  ASSERT_EQ(input["tracks"].size(), 2U);
  EXPECT_EQ(input["tracks"][0]["s3_key"], MeetingTracks()[0].s3_key);
  EXPECT_EQ(input["tracks"][1]["s3_key"], MeetingTracks()[2].s3_key);
  EXPECT_EQ(input["tracks"][0]["participant_name"], "") << "names come from Daily's participants";

  store::Transcript transcript = TranscriptOf(start->transcript_id);
  EXPECT_EQ(transcript.source_kind, "room");
  EXPECT_EQ(transcript.share_mode, "public");
  EXPECT_EQ(transcript.room_id, "room-team-standup");
  EXPECT_EQ(transcript.user_id, "owner-1");
  EXPECT_EQ(transcript.recording_id, "rec-1");
  EXPECT_EQ(transcript.workflow_id, "wf-1");
  store::Recordings recordings(*database_, clock_);
  auto recording = recordings.Get("rec-1");
  ASSERT_TRUE(recording.ok());
  EXPECT_EQ(recording->bucket_name, kDailyBucket);
  EXPECT_EQ(recording->object_key, std::string("acme/") + kRoom);
  EXPECT_EQ(FormatIso8601(FromUnixSeconds(recording->recorded_at), IsoFraction::kWhenNotZero),
            "2026-03-12T14:05:12Z");
  EXPECT_EQ(recording->track_keys->size(), 2U);
  EXPECT_EQ(recording->workflow_id, "wf-1");
  store::DailyRecordingClaims claims(*database_, clock_);
  auto claim = claims.Get("rec-1");
  ASSERT_TRUE(claim.ok() && claim->has_value());
  EXPECT_EQ((*claim)->transcript_id, start->transcript_id);
  EXPECT_EQ((*claim)->announced_by, "webhook");
}

TEST_F(DailyRecordingsTest, WithoutAReflectorRoomItIsProcessedWithoutNotifications) {
  AddRoom("team", "someone");  // a prefix of the room's name is not its room
  auto start = StartDailyRecording(context_, daily_, Announcement());
  ASSERT_TRUE(start.ok()) << start.error().message;
  EXPECT_TRUE(engine_.started[0].input["room_id"].is_null());
  EXPECT_TRUE(engine_.started[0].input["room_name"].is_null());
  EXPECT_FALSE(TranscriptOf(start->transcript_id).room_id.has_value());
  EXPECT_FALSE(start->user_id.has_value());
}

TEST_F(DailyRecordingsTest, AnnouncedAgainItGivesTheSameTranscriptAndNoSecondWorkflow) {
  auto first = StartDailyRecording(context_, daily_, Announcement("rec-1", "webhook"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto again = StartDailyRecording(context_, daily_, Announcement("rec-1", "poller"));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->started_here);
  EXPECT_EQ(again->transcript_id, first->transcript_id);
  EXPECT_EQ(again->workflow_id, first->workflow_id);
  EXPECT_EQ(Starts(), 1U);
  EXPECT_EQ(TranscriptCount(), 1U);
}

TEST_F(DailyRecordingsTest, AnnouncedByManyAtOnceItStartsOneWorkflow) {
  constexpr int kAnnouncers = 8;
  std::vector<Result<DailyRecordingStart>> results(kAnnouncers, Error::Internal("not run"));
  {
    std::vector<std::jthread> announcers;
    for (int i = 0; i < kAnnouncers; ++i) {
      announcers.emplace_back([&, i] {
        // Each as a separate entry point would: its own context over the shared database.
        ServiceContext mine = context_;
        results[i] =
            StartDailyRecording(mine, daily_, Announcement("rec-1", i % 2 == 0 ? "webhook" : "poller"));
      });
    }
  }
  int started_here = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.error().Describe();
    started_here += result->started_here ? 1 : 0;
    EXPECT_EQ(result->transcript_id, results[0]->transcript_id);
  }
  EXPECT_EQ(started_here, 1);
  EXPECT_EQ(Starts(), 1U);
  EXPECT_EQ(TranscriptCount(), 1U);
}

TEST_F(DailyRecordingsTest, RefusesWhatCannotBeProcessedAndStoresNothing) {
  DailyOptions no_bucket = daily_;
  no_bucket.bucket.clear();
  auto without_bucket = StartDailyRecording(context_, no_bucket, Announcement());
  ASSERT_FALSE(without_bucket.ok());
  EXPECT_NE(without_bucket.error().message.find("DAILYCO_STORAGE_AWS_BUCKET_NAME"), std::string::npos);
  DailyRecordingAnnouncement no_audio = Announcement();
  no_audio.track_keys.clear();
  EXPECT_EQ(StartDailyRecording(context_, daily_, no_audio).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(Starts(), 0U);
  EXPECT_EQ(TranscriptCount(), 0U);
}

TEST_F(DailyRecordingsTest, ARefusedStartIsRetriedFromTheStoredTracksWithGrowingDelays) {
  engine_.refuse_start = Error::Transient(ErrorKind::kUnavailable, "Conductor is down");
  auto start = StartDailyRecording(context_, daily_, Announcement());
  ASSERT_TRUE(start.ok()) << start.error().message;
  EXPECT_TRUE(start->started_here);
  ASSERT_TRUE(start->start_error.has_value());
  EXPECT_EQ(TranscriptOf(start->transcript_id).failed_step, "start");

  auto pass = RerunFailedDailyRecordings(context_, daily_);
  ASSERT_TRUE(pass.ok()) << pass.error().message;
  EXPECT_EQ(pass->scheduled, 1);
  EXPECT_EQ(pass->started, 0) << "not before the delay";
  clock_.Advance(59s);
  EXPECT_EQ(RerunFailedDailyRecordings(context_, daily_)->started, 0);
  clock_.Advance(1s);
  pass = RerunFailedDailyRecordings(context_, daily_);
  EXPECT_EQ(pass->failed, 1) << "the engine still refuses; the attempt counts";

  // Attempt 2 waits twice as long.
  EXPECT_EQ(RerunFailedDailyRecordings(context_, daily_)->scheduled, 1);
  clock_.Advance(119s);
  pass = RerunFailedDailyRecordings(context_, daily_);
  EXPECT_EQ(pass->started + pass->failed, 0) << "not before twice the delay";
  engine_.refuse_start.reset();
  clock_.Advance(1s);
  pass = RerunFailedDailyRecordings(context_, daily_);
  EXPECT_EQ(pass->started, 1);
  ASSERT_EQ(engine_.started.size(), 1U);
  EXPECT_EQ(engine_.started[0].input["bucket_name"], kDailyBucket);
  EXPECT_EQ(engine_.started[0].input["platform"], "daily");
  EXPECT_EQ(engine_.started[0].input["tracks"].size(), 2U);
  store::Transcript transcript = TranscriptOf(start->transcript_id);
  EXPECT_EQ(transcript.workflow_id, "wf-1");
  EXPECT_FALSE(transcript.failed_step.has_value()) << "reset for the re-run";
}

TEST_F(DailyRecordingsTest, AFailedRunIsRunAgainUpToTheMaximumAndNoFurther) {
  daily_.reprocess_max_attempts = 2;
  auto start = StartDailyRecording(context_, daily_, Announcement());
  ASSERT_TRUE(start.ok());
  for (int attempt = 1; attempt <= 3; ++attempt) {
    FailRun(start->transcript_id, "pad_track");
    ASSERT_TRUE(RerunFailedDailyRecordings(context_, daily_).ok());
    clock_.Advance(std::chrono::seconds(60 << (attempt - 1)));
    auto pass = RerunFailedDailyRecordings(context_, daily_);
    ASSERT_TRUE(pass.ok());
    EXPECT_EQ(pass->started, attempt <= 2 ? 1 : 0) << "attempt " << attempt;
  }
  EXPECT_EQ(Starts(), 3U) << "the first run and two re-runs";
  EXPECT_EQ(TranscriptOf(start->transcript_id).status, store::TranscriptStatus::kError);
  store::DailyRecordingClaims claims(*database_, clock_);
  EXPECT_EQ((*claims.Get("rec-1"))->reprocess_attempts, 2);

  daily_.reprocess_max_attempts = 0;
  auto none = RerunFailedDailyRecordings(context_, daily_);
  EXPECT_EQ(none->scheduled + none->started, 0);
}

TEST_F(DailyRecordingsTest, EachReRunIsTakenByOneOfThePassesRunningAtOnce) {
  auto start = StartDailyRecording(context_, daily_, Announcement());
  ASSERT_TRUE(start.ok());
  FailRun(start->transcript_id, "transcribe_track");
  ASSERT_TRUE(RerunFailedDailyRecordings(context_, daily_).ok());
  clock_.Advance(60s);
  std::atomic<int> started{0};
  {
    std::vector<std::jthread> passes;
    for (int i = 0; i < 6; ++i) {
      passes.emplace_back([&] {
        ServiceContext mine = context_;
        auto pass = RerunFailedDailyRecordings(mine, daily_);
        if (pass.ok()) started += pass->started;
      });
    }
  }
  EXPECT_EQ(started.load(), 1);
  EXPECT_EQ(Starts(), 2U);
}

TEST_F(DailyRecordingsTest, ARerunByHandKeepsReadingFromDailysBucket) {
  auto start = StartDailyRecording(context_, daily_, Announcement());
  ASSERT_TRUE(start.ok());
  FailRun(start->transcript_id, "pad_track");
  auto rerun = RerunTranscript(context_, start->transcript_id);
  ASSERT_TRUE(rerun.ok()) << rerun.error().message;
  ASSERT_EQ(engine_.started.size(), 2U);
  EXPECT_EQ(engine_.started[1].input["bucket_name"], kDailyBucket);
  EXPECT_EQ(engine_.started[1].input["platform"], "daily");
}

TEST_F(DailyRecordingsTest, ThePollerTakesInFinishedRawTrackRecordingsOnce) {
  fake_.AddRecording(DailyRecordingJson("rec-1", kRoom, 1773324363, "s-1", MeetingTracks()));
  fake_.AddRecording(
      DailyRecordingJson("rec-live", "lobby-20260312150000", 1773327600, std::nullopt, {}, "in-progress"));
  Json cloud = DailyRecordingJson("rec-cloud", "lobby-20260312160000", 1773331200, std::nullopt, {});
  cloud["s3key"] = "acme/lobby-20260312160000/1773331200000";
  fake_.AddRecording(cloud);
  fake_.AddRecording(DailyRecordingJson("rec-video", "lobby-20260312170000", 1773334800, std::nullopt,
                                        {{"video", "acme/lobby/1773334800000-x-cam-video-1773334800001"}}));

  auto poll = PollDailyRecordings(context_, daily_, *client_);
  ASSERT_TRUE(poll.ok()) << poll.error().message;
  EXPECT_EQ(poll->listed, 4);
  EXPECT_EQ(poll->started, 1);
  EXPECT_EQ(poll->skipped, 3);
  ASSERT_EQ(Starts(), 1U);
  EXPECT_EQ(engine_.started[0].input["recording_id"], "rec-1");
  auto requests = fake_.Requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests[0].query, "limit=100") << "no time parameters, as Reflector";

  auto again = PollDailyRecordings(context_, daily_, *client_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->known, 1);
  EXPECT_EQ(again->started, 0);
  EXPECT_EQ(Starts(), 1U);
  store::DailyRecordingClaims claims(*database_, clock_);
  EXPECT_EQ((*claims.Get("rec-1"))->announced_by, "poller");
}

TEST_F(DailyRecordingsTest, ThePollerReportsThatDailyCannotBeListed) {
  fake_.FailWith(401);
  auto poll = PollDailyRecordings(context_, daily_, *client_);
  ASSERT_FALSE(poll.ok());
  EXPECT_EQ(Starts(), 0U);
}

TEST_F(DailyRecordingsTest, ByIdItAsksDailyAndRefusesUnfinishedOrUnknownRecordings) {
  fake_.AddRecording(DailyRecordingJson("rec-1", kRoom, 1773324363, "s-1", MeetingTracks()));
  fake_.AddRecording(DailyRecordingJson("rec-live", kRoom, 1773324363, std::nullopt, {}, "in-progress"));
  auto started = StartDailyRecordingById(context_, daily_, *client_, "rec-1");
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_TRUE(started->started_here);
  EXPECT_EQ(engine_.started[0].input["tracks"].size(), 2U) << "camera audio only";
  store::DailyRecordingClaims claims(*database_, clock_);
  EXPECT_EQ((*claims.Get("rec-1"))->announced_by, "cli");

  auto live = StartDailyRecordingById(context_, daily_, *client_, "rec-live");
  ASSERT_FALSE(live.ok());
  EXPECT_EQ(live.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(live.error().message.find("not finished"), std::string::npos) << live.error().message;
  auto unknown = StartDailyRecordingById(context_, daily_, *client_, "rec-nope");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(Starts(), 1U);
}

TEST(DailyPollerLoopTest, PollsAtOnceAndStopsWhenDestroyed) {
  testing::TempDir dir("reflector-daily-poller");
  SystemClock clock;
  RandomIdGenerator ids(7);
  net::HttpClient http;
  auto database = store::Database::Open("sqlite://" + (dir / "db.sqlite3").string());
  ASSERT_TRUE(database.ok());
  ASSERT_TRUE((*database)->Migrate(clock).ok());
  ScriptedEngine engine;
  ServiceContext context;
  context.database = database->get();
  context.clock = &clock;
  context.ids = &ids;
  context.engine = &engine;
  context.pipeline_name = "diarization_pipeline";
  FakeDaily fake;
  fake.AddRecording(DailyRecordingJson("rec-1", kRoom, 1773324363, "s-1", MeetingTracks()));
  platform::DailyClient client({.api_key = fake.api_key(), .base_url = fake.BaseUrl()}, http, clock);
  DailyOptions daily;
  daily.bucket = kDailyBucket;
  std::mutex mutex;
  std::condition_variable polled_cv;
  int polls = 0;
  int passes = 0;
  DailyPollerHooks hooks;
  hooks.polled = [&](const Result<DailyPollSummary>& summary) {
    std::lock_guard lock(mutex);
    if (summary.ok() && summary->started == 1) ++polls;
    polled_cv.notify_all();
  };
  hooks.rerun = [&](const Result<DailyRerunPass>&) {
    std::lock_guard lock(mutex);
    ++passes;
    polled_cv.notify_all();
  };
  {
    DailyPoller poller(context, daily, &client, {.poll_interval = 3600s, .rerun_interval = 3600s}, hooks);
    std::unique_lock lock(mutex);
    ASSERT_TRUE(polled_cv.wait_for(lock, 10s, [&] { return polls == 1 && passes == 1; }));
  }  // destroying it stops the loop long before the next poll is due
  EXPECT_EQ(engine.started.size(), 1U);
  EXPECT_EQ(fake.CountRequests("/recordings"), 1);
}

}  // namespace
}  // namespace reflector::service
