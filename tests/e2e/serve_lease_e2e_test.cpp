// Two `reflector serve` processes on one PostgreSQL database (a fresh schema) and one data
// directory: a run left RUNNING by a killed server is resumed by both at their start, and the
// workflow's lease lets exactly one of them run it, so every task of the pipeline runs once.

#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <set>
#include <thread>

#include "serve_fixture.hpp"
#include "store/sql.hpp"
#include "store_test_env.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kLeaseHeldElsewhere = "another process holds the lease on the workflow";

std::vector<SpeakerScript> Speakers() {
  return {{"Mira",
           "slt",
           0.0,
           "The bakery on the corner opens an hour earlier from next week.",
           {"bakery", "corner", "opens", "earlier", "week"}},
          {"Jonas",
           "rms",
           1.5,
           "Then I will buy the bread for the school trip on Friday.",
           {"buy", "bread", "school", "trip", "friday"}}};
}

struct TaskRow {
  std::string reference_name;
  std::string worker_id;  // "<host>:<pid>" of the process that ran it last
};

std::vector<TaskRow> TaskRuns(store::Database& database) {
  std::vector<TaskRow> rows;
  Status read = database.WithSession("read task runs", [&](store::Session& session) -> Status {
    TaskRow row;
    std::optional<std::string> worker_id;
    store::sql::Row columns("task_runs");
    columns.Text(&row.reference_name).OptionalText(&worker_id);
    return store::sql::Query(session, "SELECT reference_name, worker_id FROM task_runs", {}, columns, [&] {
      row.worker_id = worker_id.value_or("");
      rows.push_back(row);
      return Ok();
    });
  });
  EXPECT_TRUE(read.ok()) << read.error().Describe();
  return rows;
}

std::string PidOf(const std::string& worker_id) {
  return worker_id.substr(worker_id.rfind(':') + 1);
}

std::string StatusOf(net::HttpClient& http, const ServeProcess& server, const std::string& id) {
  net::HttpRequest request;
  request.url = server.Url("/v1/transcripts/" + id);
  auto response = http.Send(request);
  if (!response.ok() || response->status != 200) return "";
  auto json = ParseJson(response->body, "transcript");
  return json.ok() ? json->value("status", "") : "";
}

TEST(ServeLeaseEndToEndTest, TwoServersResumingTheSameRunRunEachTaskOnce) {
  auto fresh = store::testing::FreshDatabase::Create(store::testing::Backend::kPostgres);
  ASSERT_NE(fresh, nullptr);
  TempDir dir("reflector-serve-lease-e2e");
  const std::map<std::string, std::string> env = {{"DATABASE_URL", fresh->url()},
                                                  {"DATA_DIR", (dir / "data").string()},
                                                  {"LOG_LEVEL", "info"},
                                                  {"LLM_URL", ""}};
  std::filesystem::create_directories(dir / "tracks");
  const std::vector<SpokenTrack> tracks = SynthesiseMeeting(Speakers(), dir / "tracks");
  const std::string reflector = BuiltBinary("reflector").string();
  net::HttpClient http;

  std::string id;
  std::string killed_pid;
  {
    ServeProcess first(reflector, env);
    ASSERT_TRUE(first.Ready()) << first.command().ErrorsSoFar();
    killed_pid = std::to_string(first.command().pid());
    id = CreateTranscript(http, first, "bakery hours");
    ASSERT_FALSE(id.empty());
    auto socket = WebSocketClient::Connect("127.0.0.1", first.port(), "/v1/transcripts/" + id + "/events");
    ASSERT_TRUE(socket.ok()) << socket.error().message;
    ASSERT_EQ(UploadTracks(http, first, id, tracks).status, 202);
    bool transcribing = false;  // kill it once the work is under way
    while (!transcribing) {
      auto message = (*socket)->Read(120s);
      ASSERT_TRUE(message.ok() && !message->closed) << "the run never reached transcription";
      transcribing = StepStarted(Json::parse(message->text), "transcribe_track");
    }
    first.command().Kill(SIGKILL);  // its lease stays until it expires
  }

  // Both start at once; each resumes the RUNNING workflow and waits for the dead server's lease.
  std::unique_ptr<ServeProcess> one;
  std::unique_ptr<ServeProcess> two;
  {
    std::jthread start_one([&] { one = std::make_unique<ServeProcess>(reflector, env); });
    std::jthread start_two([&] { two = std::make_unique<ServeProcess>(reflector, env); });
  }
  ASSERT_TRUE(one->Ready()) << one->command().ErrorsSoFar();
  ASSERT_TRUE(two->Ready()) << two->command().ErrorsSoFar();

  std::string status;
  for (int i = 0; i < 1200 && status != "ended" && status != "error"; ++i) {
    status = StatusOf(http, *one, id);
    std::this_thread::sleep_for(500ms);
  }
  ASSERT_EQ(status, "ended") << one->command().ErrorsSoFar() << two->command().ErrorsSoFar();
  EXPECT_EQ(StatusOf(http, *two, id), "ended");

  const std::string errors_one = one->command().ErrorsSoFar();
  const std::string errors_two = two->command().ErrorsSoFar();
  EXPECT_TRUE(errors_one.find(kLeaseHeldElsewhere) != std::string::npos ||
              errors_two.find(kLeaseHeldElsewhere) != std::string::npos)
      << "the killed server's lease kept the run waiting\n"
      << errors_one << errors_two;

  // Every task ran once: one run per reference name, and after the kill only one server ran any.
  auto database = store::Database::Open(fresh->url());
  ASSERT_TRUE(database.ok()) << database.error().Describe();
  std::map<std::string, int> runs_per_task;
  std::set<std::string> runners;
  for (const TaskRow& row : TaskRuns(**database)) {
    ++runs_per_task[row.reference_name];
    if (!row.worker_id.empty() && PidOf(row.worker_id) != killed_pid) runners.insert(PidOf(row.worker_id));
  }
  ASSERT_FALSE(runs_per_task.empty());
  for (const auto& [task, runs] : runs_per_task)
    EXPECT_EQ(runs, 1) << task;
  EXPECT_EQ(runners.size(), 1U) << "tasks after the kill ran on one server";
  for (const std::string& pid : runners) {
    EXPECT_TRUE(pid == std::to_string(one->command().pid()) || pid == std::to_string(two->command().pid()))
        << pid;
  }
}

}  // namespace
}  // namespace reflector::testing
