// One Daily.co recording announced everywhere at once: two `reflector serve` processes on one
// PostgreSQL database (a fresh schema) and one data directory, each polling Daily every second,
// each sent the signed webhook (and a second event for the same recording) at the same moment.
// Exactly one transcript, one recording, one claim and one pipeline workflow come of it, and it
// ends with Daily's participant names. Daily's bucket is local storage here (no
// DAILYCO_STORAGE_AWS_ACCESS_KEY_ID: opened like the transcript storage), so only PostgreSQL is
// needed besides ffmpeg and flite.

#include <gtest/gtest.h>

#include <thread>

#include "daily_fixture.hpp"
#include "storage/factory.hpp"
#include "store/sql.hpp"
#include "store_test_env.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr const char* kDailyBucket = "reflector-dailyco";

std::int64_t Count(store::Database& database, const std::string& sql) {
  std::int64_t count = -1;
  Status read = database.WithSession("count", [&](store::Session& session) -> Status {
    store::sql::Row row("count");
    row.Integer(&count);
    REFLECTOR_TRY(store::sql::QueryOne(session, sql, {}, row));
    return Ok();
  });
  EXPECT_TRUE(read.ok()) << read.error().Describe();
  return count;
}

TEST(DailyPostgresEndToEndTest, WebhookPollerAndASecondServerTakeTheRecordingInOnce) {
  auto fresh = store::testing::FreshDatabase::Create(store::testing::Backend::kPostgres);
  ASSERT_NE(fresh, nullptr);
  TempDir dir("reflector-daily-pg-e2e");
  const DailyMeeting meeting = MakeDailyMeeting(dir / "tracks");
  SystemClock clock;
  net::HttpClient http;
  auto local =
      storage::MakeObjectStoreFactory(StorageBackend::kLocal, {}, dir / "data" / "storage", http, clock);
  ASSERT_TRUE(local.ok());
  auto bucket = (*local)->ForBucket(kDailyBucket);
  ASSERT_TRUE(bucket.ok());
  PutTracks(**bucket, meeting);

  FakeDaily daily;
  const std::map<std::string, std::string> env = {{"DATABASE_URL", fresh->url()},
                                                  {"DATA_DIR", (dir / "data").string()},
                                                  {"TRANSCRIPT_STORAGE_BACKEND", "local"},
                                                  {"LOG_LEVEL", "info"},
                                                  {"LLM_URL", ""},
                                                  {"DAILY_API_KEY", daily.api_key()},
                                                  {"DAILY_API_URL", daily.BaseUrl()},
                                                  {"DAILY_WEBHOOK_SECRET", kSecret},
                                                  {"DAILY_POLL_SECONDS", "1"},
                                                  {"DAILYCO_STORAGE_AWS_BUCKET_NAME", kDailyBucket}};
  const std::string reflector = BuiltBinary("reflector").string();
  std::unique_ptr<ServeProcess> one;
  std::unique_ptr<ServeProcess> two;
  {
    std::jthread start_one([&] { one = std::make_unique<ServeProcess>(reflector, env); });
    std::jthread start_two([&] { two = std::make_unique<ServeProcess>(reflector, env); });
  }
  ASSERT_TRUE(one->Ready()) << one->command().ErrorsSoFar();
  ASSERT_TRUE(two->Ready()) << two->command().ErrorsSoFar();
  for (int i = 0; i < 100 && daily.CountRequests("/recordings") < 2; ++i)
    std::this_thread::sleep_for(100ms);
  ASSERT_GE(daily.CountRequests("/recordings"), 2) << "both servers poll";

  // The recording appears at Daily, and its webhook reaches both servers while they poll.
  DescribeToDaily(daily, meeting);
  const DailyDelivery delivery = ReadyDelivery(meeting, kSecret, "rec-rtd-" + meeting.recording_id);
  const DailyDelivery redelivery = ReadyDelivery(meeting, kSecret, "rec-rtd-" + meeting.recording_id + "-2");
  std::vector<int> statuses(4, 0);
  {
    std::vector<std::jthread> senders;
    senders.emplace_back([&] { statuses[0] = PostDelivery(http, *one, delivery).status; });
    senders.emplace_back([&] { statuses[1] = PostDelivery(http, *two, delivery).status; });
    senders.emplace_back([&] { statuses[2] = PostDelivery(http, *one, redelivery).status; });
    senders.emplace_back([&] { statuses[3] = PostDelivery(http, *two, redelivery).status; });
  }
  std::sort(statuses.begin(), statuses.begin() + 2);
  std::sort(statuses.begin() + 2, statuses.end());
  EXPECT_EQ(statuses, (std::vector<int>{200, 409, 200, 409})) << "each event id is accepted once";

  EXPECT_EQ(WaitForOnlyTranscriptToFinish(http, *one, 900s), "ended")
      << one->command().ErrorsSoFar() << two->command().ErrorsSoFar();
  std::this_thread::sleep_for(3s);  // a few more polls by both servers
  EXPECT_EQ(ListedTranscriptIds(http, *two).size(), 1U);

  auto database = store::Database::Open(fresh->url());
  ASSERT_TRUE(database.ok()) << database.error().Describe();
  EXPECT_EQ(Count(**database, "SELECT COUNT(*) FROM transcripts"), 1);
  EXPECT_EQ(Count(**database, "SELECT COUNT(*) FROM recordings"), 1);
  EXPECT_EQ(Count(**database, "SELECT COUNT(*) FROM daily_recordings"), 1);
  EXPECT_EQ(Count(**database, "SELECT COUNT(*) FROM workflow_runs WHERE name = 'diarization_pipeline'"), 1)
      << "one workflow";
  EXPECT_GE(daily.CountRequests("/recordings"), 6) << "the servers kept polling";

  auto shown =
      RunCommand({reflector, "transcripts", "show", ListedTranscriptIds(http, *one)[0], "--json"}, env, 60s);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  ExpectDailyTranscript(Json::parse(shown.out), meeting);
}

}  // namespace
}  // namespace reflector::testing
